package dev.nemotron4j.eval.extract;

/**
 * Turns a model's answer text into a comparable value. Every extractor is versioned: the version is
 * written to the lockfile, and changing extraction behaviour must bump it.
 */
public sealed interface AnswerExtractor
        permits NumericAnswerExtractor, ChoiceLetterExtractor, ToolCallExtractor, RegexExtractor, FullTextExtractor,
        EnvironmentOutputExtractor, ResponseTextExtractor, BoxedAnswerExtractor, PairwiseVerdictExtractor, PythonCodeExtractor {

    /** Stable name used in task YAML ({@code extractor: numeric}). */
    String name();

    int version();

    /**
     * @param answer      the model's answer
     * @param choiceCount for multiple choice, how many options exist (0 otherwise)
     */
    Extraction extract(ModelAnswer answer, int choiceCount);

    /**
     * The built-in extractor called {@code name}: {@code numeric}, {@code choice_letter}, {@code tool_call},
     * {@code full_text}, or {@code regex} (needs {@code pattern} in {@code params}).
     */
    static AnswerExtractor named(String name, java.util.Map<String, Object> params) {
        return switch (name) {
            case "numeric" -> new NumericAnswerExtractor();
            case "choice_letter" -> new ChoiceLetterExtractor();
            case "tool_call" -> new ToolCallExtractor();
            case "full_text" -> new FullTextExtractor();
            case "environment_output" -> new EnvironmentOutputExtractor();
            case "response" -> new ResponseTextExtractor();
            case "boxed" -> new BoxedAnswerExtractor();
            case "judge_verdicts" -> new PairwiseVerdictExtractor();
            case "python_code" -> new PythonCodeExtractor(params != null && "first".equals(String.valueOf(params.get("block"))),
                    params != null && Boolean.parseBoolean(String.valueOf(params.get("strip_imports"))));
            case "regex" -> {
                Object pattern = params == null ? null : params.get("pattern");
                if (pattern == null) throw new IllegalArgumentException("extractor 'regex' needs extractor_params.pattern");
                yield new RegexExtractor(pattern.toString());
            }
            default -> throw new IllegalArgumentException("unknown extractor '" + name
                    + "' (built-in: numeric, choice_letter, tool_call, full_text, regex, environment_output, response, boxed, python_code)");
        };
    }
}

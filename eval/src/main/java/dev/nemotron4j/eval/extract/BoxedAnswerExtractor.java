package dev.nemotron4j.eval.extract;

/**
 * The content of the last {@code \boxed{...}} (or {@code \fbox{...}}) in the answer, braces balanced, trimmed; nothing
 * else counts as an answer. This is how NeMo-Skills reads math benchmarks (AIME): the prompt asks for the answer, and
 * only the answer, in {@code \boxed{}}, so a reply without one has no answer (no fallback to the last number).
 */
public record BoxedAnswerExtractor() implements AnswerExtractor {

    @Override
    public String name() { return "boxed"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        return NumericAnswerExtractor.boxedContent(answer.answerText())
                .map(content -> new Extraction(content.strip(), "boxed"))
                .orElse(Extraction.none());
    }
}

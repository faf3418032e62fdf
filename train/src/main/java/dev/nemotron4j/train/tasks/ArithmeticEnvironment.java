package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.chat.python.PythonText;
import dev.nemotron4j.train.tasks.ArithmeticProblem.Operation;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "What is A + B?", "What is A - B?", "What is A * B?" with non-negative integers (A, B up to 4 digits for + and −,
 * A ≥ B for −; up to 3 digits × 2 digits for ×). Reasoning on: the digit-by-digit {@link ArithmeticWorking} inside
 * {@code <think>}, then {@code The answer is N.}; reasoning off: the answer directly.
 *
 * <p>Sampling: the operation uniformly, then each operand's digit count uniformly (1–4 for + and −; 1–3 and 1–2 for
 * ×), then the operand uniformly among numbers of that many digits (so short problems are as common as long ones);
 * for − the larger operand comes first.
 *
 * <p>Verifier: the answer (after {@code </think>} when reasoning is on), stripped of surrounding whitespace, must be
 * exactly {@code The answer is N.} with N the exact result in plain decimal (no sign for non-negative, no leading
 * zeros, no separators). Anything else in that shape with another number is wrong; any other shape is malformed.
 */
public final class ArithmeticEnvironment implements Environment {

    public static final String NAME = "arithmetic";
    private static final long SALT = 0x4172697468L;
    private static final Pattern ANSWER = Pattern.compile("The answer is (-?[0-9]+)\\.");

    @Override
    public String name() {
        return NAME;
    }

    /** The problem of a seed. */
    public ArithmeticProblem problem(long seed) {
        return problem(new SeededRandom(seed, SALT));
    }

    private static ArithmeticProblem problem(SeededRandom random) {
        Operation operation = random.pick(List.of(Operation.values()));
        return switch (operation) {
            case ADD -> new ArithmeticProblem(operation, random.withDigits(random.between(1, 4)),
                    random.withDigits(random.between(1, 4)));
            case SUBTRACT -> {
                int x = random.withDigits(random.between(1, 4));
                int y = random.withDigits(random.between(1, 4));
                yield new ArithmeticProblem(operation, Math.max(x, y), Math.min(x, y));
            }
            case MULTIPLY -> new ArithmeticProblem(operation, random.withDigits(random.between(1, 3)),
                    random.withDigits(random.between(1, 2)));
        };
    }

    @Override
    public Task sample(long seed) {
        return task(seed, problem(seed));
    }

    /** The task of a given problem (for demos and tests that pick their own numbers). */
    public static Task task(long seed, ArithmeticProblem problem) {
        String answer = problem.answer();
        Step step = new Step(
                ChatMessage.assistant(answer, ArithmeticWorking.of(problem), List.of()),
                ChatMessage.assistant(answer),
                List.of(),
                output -> verify(output, Integer.toString(problem.result())));
        return new Task(NAME, seed, List.of(ChatMessage.user(problem.question())), List.of(), List.of(step), null);
    }

    /** The verifier's rule (see the class comment), against the expected result's decimal text. */
    static Verdict verify(ParsedOutput output, String expected) {
        String content = output.content();
        if (content == null || PythonText.isBlank(content)) {
            return Verdict.malformed(output.reasoning() != null && content == null
                    ? "no answer: the reasoning was never closed with </think>" : "empty answer");
        }
        String text = PythonText.strip(content);
        Matcher matcher = ANSWER.matcher(text);
        if (!matcher.matches()) {
            return Verdict.malformed("expected \"" + ArithmeticProblem.answerSentence(expected) + "\", got \"" + text + "\"");
        }
        if (!matcher.group(1).equals(expected)) return Verdict.wrong("expected " + expected + ", got " + matcher.group(1));
        return Verdict.correct("exact answer " + expected);
    }

    /**
     * A worked problem as plain text (the question, the working, the answer sentence), followed by a few more
     * equations of the same kind written as {@code A op B = N.}
     */
    @Override
    public String pretrainingText(long seed) {
        SeededRandom random = new SeededRandom(seed, SALT ^ 0x5052455452L);
        ArithmeticProblem problem = problem(seed);
        StringBuilder out = new StringBuilder();
        out.append(problem.question()).append('\n').append(ArithmeticWorking.of(problem)).append('\n')
                .append(problem.answer()).append('\n');
        int more = random.between(2, 5);
        for (int i = 0; i < more; i++) {
            ArithmeticProblem other = problem(random);
            out.append(other.expression()).append(" = ").append(other.result()).append(".\n");
        }
        return out.toString();
    }
}

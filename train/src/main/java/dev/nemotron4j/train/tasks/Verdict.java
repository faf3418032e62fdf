package dev.nemotron4j.train.tasks;

/**
 * A verifier's judgement of one model output.
 *
 * @param correct    the output does what the task asks (the reward)
 * @param wellFormed the output has the expected shape (reasoning closed, an answer or exactly one parsable tool
 *                   call, the answer sentence's pattern), whatever its correctness: the format reward of GRPO
 * @param reason     why, in words (e.g. {@code expected "The answer is 42.", got "The answer is 41."})
 */
public record Verdict(boolean correct, boolean wellFormed, String reason) {

    public Verdict {
        if (correct && !wellFormed) throw new IllegalArgumentException("a correct output is well formed");
        if (reason == null) throw new IllegalArgumentException("a verdict needs a reason");
    }

    /** A correct output. */
    public static Verdict correct(String reason) {
        return new Verdict(true, true, reason);
    }

    /** A well-formed but wrong output. */
    public static Verdict wrong(String reason) {
        return new Verdict(false, true, reason);
    }

    /** An output without the expected shape. */
    public static Verdict malformed(String reason) {
        return new Verdict(false, false, reason);
    }
}

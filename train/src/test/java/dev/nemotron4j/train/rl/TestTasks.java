package dev.nemotron4j.train.rl;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;

import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Two small seeded environments with exact verifiers, for the GRPO tests. */
final class TestTasks {
    private TestTasks() {}

    private static ChatRequest ask(String question, boolean reasoning) {
        return new ChatRequest(List.of(ChatMessage.user(question)), List.of(), new ChatRequestOptions(reasoning, true, true));
    }

    /** The answer part of a raw turn: after {@code </think>} when reasoning is on. */
    static String answer(String raw, boolean reasoning) {
        if (!reasoning) return raw.strip();
        int close = raw.indexOf("</think>");
        return close < 0 ? "" : raw.substring(close + "</think>".length()).strip();
    }

    /** "What is A + B?", answered exactly "The answer is N." */
    record Sum(long seed, int a, int b, boolean reasoning) implements RlTask {
        private static final Pattern SHAPE = Pattern.compile("The answer is (-?\\d+)\\.");

        static Sum of(long seed, boolean reasoning) {
            SplittableRandom r = new SplittableRandom(seed);
            return new Sum(seed, r.nextInt(100), r.nextInt(100), reasoning);
        }

        public String environment() {
            return "sum";
        }

        public String key() {
            return "sum/" + seed;
        }

        public ChatRequest request() {
            return ask("What is " + a + " + " + b + "?", reasoning);
        }

        public Judgement judge(String raw) {
            String answer = answer(raw, reasoning);
            Matcher m = SHAPE.matcher(answer);
            if (!m.matches()) return new Judgement(false, false, "not of the form \"The answer is N.\": " + answer);
            boolean right = m.group(1).equals(Integer.toString(a + b));
            return new Judgement(right, true, right ? "correct" : "expected " + (a + b) + ", got " + m.group(1));
        }
    }

    /** "Say something of even length." — half of a random model's answers pass, which is what tests need. */
    record EvenLength(long seed) implements RlTask {
        public String environment() {
            return "even";
        }

        public String key() {
            return "even/" + seed;
        }

        public ChatRequest request() {
            return ask("Say something of even length. (" + seed + ")", false);
        }

        public Judgement judge(String raw) {
            String answer = raw.strip();
            if (answer.isEmpty()) return new Judgement(false, false, "empty");
            boolean even = answer.length() % 2 == 0;
            return new Judgement(even, true, answer.length() + " characters");
        }
    }

    static final TaskStream MIXTURE = TaskStream.mixture(List.of(i -> new EvenLength(100 + i), i -> Sum.of(200 + i, false)));
}

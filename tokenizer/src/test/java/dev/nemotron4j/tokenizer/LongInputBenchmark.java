package dev.nemotron4j.tokenizer;

import java.util.Locale;
import java.util.Map;

/**
 * Encode time of very long, repetitive inputs (the cases of {@link LongInputsTest} plus a 600k-character single
 * word without pre-tokenizer): a check that encoding stays near-linear. A benchmark, not a test: the figures go to
 * docs/BENCHMARKS.md. Prints the median of {@code reps} runs (default 3) after one warm-up.
 */
public final class LongInputBenchmark {
    private LongInputBenchmark() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.println("| tokenizer | input | chars | median ms |");
        System.out.println("|---|---|---|---|");
        for (String name : new String[] {"llama3", "deepseek_v3", "qwen3"}) {
            Tokenizer t = Fixtures.reference(name);
            for (Map.Entry<String, String> e : LongInputsTest.inputs().entrySet()) {
                report(name, e.getKey(), t, e.getValue(), reps);
            }
        }
        report("gemma-style", "single word", SentencePieceStyleJson.gemmaStyle(), " Hello world".repeat(50_000), reps);
    }

    private static void report(String tokenizer, String input, Tokenizer t, String text, int reps) {
        t.encode(text, false); // warm-up
        long[] ms = new long[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            t.encode(text, false);
            ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
        java.util.Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "| %s | %s | %,d | %d |%n", tokenizer, input, text.length(), ms[reps / 2]);
    }
}

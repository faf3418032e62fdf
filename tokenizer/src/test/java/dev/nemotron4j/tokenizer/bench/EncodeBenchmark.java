package dev.nemotron4j.tokenizer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Encode throughput on the public corpus for each fixture tokenizer (a plain main, no JMH).
 *
 * <p>Run from the repository root after {@code ./mvnw -pl tokenizer test-compile}:
 * {@code java -cp tokenizer/target/classes:tokenizer/target/test-classes:$(cat /tmp/tokcp)
 * dev.nemotron4j.tokenizer.bench.EncodeBenchmark [seconds-per-tokenizer]}. Prints a Markdown table.
 * Wall-clock throughput suffers from other processes on a shared machine; "MB per CPU-s" divides by the CPU time
 * of the benchmark thread instead. "first pass" is one pass over the corpus with a freshly loaded tokenizer (empty word cache, cold JIT); "steady"
 * repeats passes for the given time after a warm-up of the same length (at most 5 s).
 */
public final class EncodeBenchmark {

    private static final Path TESTDATA = Path.of("testdata");
    /** CPU time of the benchmark thread: on a shared machine it is a steadier measure than wall time. */
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    private EncodeBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        List<String> corpus = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(TESTDATA.resolve("tokenizers/corpus_public.jsonl"))) {
            if (!line.isBlank()) {
                corpus.add(json.readTree(line).get("text").asText());
            }
        }
        long corpusBytes = corpus.stream().mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();
        System.out.printf(Locale.ROOT, "corpus: %d strings, %d UTF-8 bytes%n%n", corpus.size(), corpusBytes);
        System.out.println("| tokenizer | load (s) | first pass (MB/s) | steady (MB/s wall) | steady (MB per CPU-s) "
                + "| tokens per CPU-s |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : List.of("qwen3", "llama3", "deepseek_v3", "tiny-a")) {
            long t0 = System.nanoTime();
            Tokenizer tokenizer = load(name);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;

            long t1 = System.nanoTime();
            long tokens = encodeAll(tokenizer, corpus);
            double firstPass = corpusBytes / ((System.nanoTime() - t1) / 1e9) / 1e6;

            // Time-based warm-up: on a busy machine the JIT needs seconds, not a fixed number of passes.
            long warmUpEnd = System.nanoTime() + (long) (Math.min(seconds, 5) * 1e9);
            while (System.nanoTime() < warmUpEnd) {
                encodeAll(tokenizer, corpus);
            }
            long passes = 0;
            long cpuStart = THREAD.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            while (System.nanoTime() < deadline) {
                encodeAll(tokenizer, corpus);
                passes++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (THREAD.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            double steady = passes * corpusBytes / elapsed / 1e6;
            double steadyPerCpu = passes * corpusBytes / cpuSeconds / 1e6;
            double tokensPerCpuSecond = passes * tokens / cpuSeconds;
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f | %.1f | %.1f | %.2fM |%n", name, loadSeconds, firstPass,
                    steady, steadyPerCpu, tokensPerCpuSecond / 1e6);
        }
    }

    private static long encodeAll(Tokenizer tokenizer, List<String> corpus) {
        long tokens = 0;
        for (String text : corpus) {
            tokens += tokenizer.encode(text, false).length;
        }
        return tokens;
    }

    private static Tokenizer load(String name) throws IOException {
        if (name.startsWith("tiny")) {
            return Tokenizer.load(TESTDATA.resolve("tiny").resolve(name).resolve("tokenizer.json"));
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                TESTDATA.resolve("tokenizers").resolve(name).resolve("tokenizer.json.gz")))) {
            return Tokenizer.fromJson(in);
        }
    }
}

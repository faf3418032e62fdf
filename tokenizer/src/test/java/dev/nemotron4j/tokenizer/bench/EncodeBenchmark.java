package dev.nemotron4j.tokenizer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
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
 * "first pass" is one pass over the corpus with a freshly loaded tokenizer (empty word cache); "steady" repeats
 * passes for the given time after a warm-up.
 */
public final class EncodeBenchmark {

    private static final Path TESTDATA = Path.of("testdata");

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
        System.out.println("| tokenizer | load (s) | first pass (MB/s) | steady (MB/s) | tokens/s (steady) |");
        System.out.println("|---|---|---|---|---|");
        for (String name : List.of("qwen3", "llama3", "deepseek_v3", "tiny-a")) {
            long t0 = System.nanoTime();
            Tokenizer tokenizer = load(name);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;

            long t1 = System.nanoTime();
            long tokens = encodeAll(tokenizer, corpus);
            double firstPass = corpusBytes / ((System.nanoTime() - t1) / 1e9) / 1e6;

            for (int i = 0; i < 20; i++) {
                encodeAll(tokenizer, corpus);
            }
            long passes = 0;
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            while (System.nanoTime() < deadline) {
                encodeAll(tokenizer, corpus);
                passes++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double steady = passes * corpusBytes / elapsed / 1e6;
            double tokensPerSecond = passes * tokens / elapsed;
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f | %.1f | %.2fM |%n", name, loadSeconds, firstPass, steady,
                    tokensPerSecond / 1e6);
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

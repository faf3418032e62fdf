package dev.nemotron4j.eval.testing;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.config.EvalConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Config files pointing at the fake server, as a user would write them. */
public final class RunFixtures {
    public static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    private RunFixtures() {}

    /** A YAML config for the GSM8K task against the fake endpoint; {@code extra} is appended verbatim. */
    public static Path gsm8kConfig(Path dir, FakeOpenAiServer server, Path dataset, String extra) {
        String yaml = """
                target:
                  endpoint: {url: "%s", model: fake-calculator, type: chat}
                run: {seed: 7, parallelism: 1}
                tasks:
                  - name: gsm8k
                    dataset: %s
                interceptors:
                  progress: {enabled: false}
                  retry: {max_attempts: 4, initial_backoff_ms: 1, max_backoff_ms: 5}
                """.formatted(server.baseUrl(), dataset.toAbsolutePath()) + extra;
        return TestDatasets.write(dir.resolve("eval-" + Integer.toHexString(yaml.hashCode()) + ".yaml"), yaml);
    }

    public static EvalConfig load(Path config, String... overrides) {
        return ConfigLoader.load(config, List.of(overrides));
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Expected accuracy of the fake calculator on a GSM8K-format file under greedy decoding. */
    public static double expectedGreedyAccuracy(Path dataset) {
        var m = java.util.regex.Pattern.compile("What is (\\d+) \\+ (\\d+)\\?").matcher(read(dataset));
        int n = 0, right = 0;
        while (m.find()) {
            long a = Long.parseLong(m.group(1)), b = Long.parseLong(m.group(2));
            String prompt = "What is " + a + " + " + b + "?\nPlease reason step by step, and put your final answer within \\boxed{}.";
            n++;
            if (FakeOpenAiServer.answer(a, b, prompt) == a + b) right++;
        }
        return (double) right / n;
    }
}

package dev.nemotron4j.eval.recipe;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.stats.Interval;
import dev.nemotron4j.eval.stats.TaskMetrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A bundled evaluation recipe ({@code eval run --recipe NAME --datasets DIR}): a config with a model card's settings
 * per benchmark, and the numbers the card publishes, so a run reports "ours ± CI vs published" per benchmark. A recipe
 * without published numbers ({@code base-fewshot}: the base-model few-shot suites) only runs its tasks.
 */
public final class Recipe {
    /**
     * @param benchmark the card's name for it
     * @param task      the built-in task that measures it (a {@code *} pattern: the mean of the matching tasks), or null when
     *                  there is none yet
     * @param metric    the breakdown metric that is the benchmark's number ({@code win_rate} for Arena-Hard, with its
     *                  interval in {@code win_rate_ci95_low}/{@code _high}), or null for the task's mean score
     * @param published the card's accuracy in percent
     */
    public record Published(String benchmark, String task, String metric, double published) {}

    public record PublishedNumbers(String model, String source, List<Published> benchmarks) {}

    private Recipe() {}

    /**
     * Writes the recipe's config as {@code DIR/NAME.yaml}, so its relative dataset paths name files in the
     * datasets directory (where {@code eval fetch} puts them), and returns the file.
     */
    public static Path materialize(String name, Path datasetsDir) {
        String text = resource(name + ".yaml");
        try {
            Files.createDirectories(datasetsDir);
            Path file = datasetsDir.resolve(name + ".yaml");
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the recipe into " + datasetsDir, e);
        }
    }

    /** Whether the recipe has published numbers to compare with (a suite without a model card's table has none). */
    public static boolean hasPublished(String name) {
        return Recipe.class.getResource("/dev/nemotron4j/eval/recipes/" + name + ".published.yaml") != null;
    }

    public static PublishedNumbers published(String name) {
        return CanonicalJson.bind(ConfigLoader.readYamlText(resource(name + ".published.yaml"), name + ".published.yaml"), PublishedNumbers.class);
    }

    /** One line per published benchmark: ours (mean, 95% interval, in percent) next to the card's number. */
    public static String compare(RunResults results, PublishedNumbers published) {
        StringBuilder sb = new StringBuilder("vs published (" + published.model() + ", " + published.source() + "):\n");
        for (Published p : published.benchmarks()) {
            if (p.task() != null && p.task().contains("*")) {
                sb.append(averaged(results, p));
                continue;
            }
            TaskMetrics m = p.task() == null ? null : results.tasks().get(p.task());
            if (m == null) {
                sb.append(String.format(Locale.ROOT, "  %-22s ours      -                      published %5.1f  (%s)%n", p.benchmark(), p.published(),
                        p.task() == null ? "not built in yet" : "not in this run"));
                continue;
            }
            Interval ci = m.wilson95() != null ? m.wilson95() : m.bootstrap95();
            double ours = 100 * m.mean().mean();
            if (p.metric() != null) {
                Double value = m.breakdown() == null ? null : m.breakdown().get(p.metric());
                if (value == null) throw new IllegalStateException("task " + p.task() + " has no metric " + p.metric() + " for " + p.benchmark());
                ours = 100 * value;
                ci = new Interval(m.breakdown().getOrDefault(p.metric() + "_ci95_low", value), m.breakdown().getOrDefault(p.metric() + "_ci95_high", value));
            }
            sb.append(String.format(Locale.ROOT, "  %-22s ours %5.1f [%5.1f, %5.1f]  published %5.1f  diff %+5.1f%s%n", p.benchmark(), ours,
                    100 * ci.low(), 100 * ci.high(), p.published(), ours - p.published(),
                    p.published() >= 100 * ci.low() && p.published() <= 100 * ci.high() ? "  (within our 95% interval)" : ""));
        }
        return sb.toString();
    }

    /**
     * A benchmark that averages several tasks ({@code ruler/*@262144}: RULER's 13 tasks at one length, equal weights):
     * the mean of their means; no interval (the tasks are different populations).
     */
    private static String averaged(RunResults results, Published p) {
        java.util.regex.Pattern glob = java.util.regex.Pattern.compile(
                java.util.Arrays.stream(p.task().split("\\*", -1)).map(java.util.regex.Pattern::quote).collect(java.util.stream.Collectors.joining(".*")));
        List<TaskMetrics> matching = results.tasks().entrySet().stream().filter(e -> glob.matcher(e.getKey()).matches())
                .map(java.util.Map.Entry::getValue).toList();
        if (matching.isEmpty()) {
            return String.format(Locale.ROOT, "  %-22s ours      -                      published %5.1f  (not in this run)%n", p.benchmark(), p.published());
        }
        double ours = 100 * matching.stream().mapToDouble(m -> m.mean().mean()).average().orElseThrow();
        return String.format(Locale.ROOT, "  %-22s ours %5.1f (mean of %d tasks)  published %5.1f  diff %+5.1f%n", p.benchmark(), ours,
                matching.size(), p.published(), ours - p.published());
    }

    /** {@link #compare} for a finished run directory. */
    public static String compare(Path runDir, String name) {
        return compare(RunOutputs.readResults(runDir), published(name));
    }

    private static String resource(String file) {
        try (InputStream in = Recipe.class.getResourceAsStream("/dev/nemotron4j/eval/recipes/" + file)) {
            if (in == null) throw new IllegalArgumentException("no bundled recipe file " + file + " (recipes: nemotron-3-nano, base-fewshot)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

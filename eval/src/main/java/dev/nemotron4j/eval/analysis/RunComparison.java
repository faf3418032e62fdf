package dev.nemotron4j.eval.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.run.RunLock;
import dev.nemotron4j.eval.score.PairwiseVerdictScorer;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.SampleRecord;
import dev.nemotron4j.eval.stats.ClusteredMcNemar;
import dev.nemotron4j.eval.stats.Holm;
import dev.nemotron4j.eval.stats.McNemar;
import dev.nemotron4j.eval.stats.PairedBootstrap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Paired comparison of two runs over the samples they share (same task, item and repeat).
 *
 * <p>Binary scores use McNemar's test: exact when each item has one sample, clustered (Durkalski) when items
 * have repeats, since repeats of one item are not independent evidence; fractional scores a paired bootstrap
 * over items. Decisions use Holm-adjusted p-values across the compared tasks. Runs whose shared tasks read
 * different datasets or sent different prompts are refused unless forced: their differences are not the model's.
 */
public final class RunComparison {
    static final int RESAMPLES = 10_000;
    static final long SEED = 20240611L;

    private RunComparison() {}

    /** A sample whose correctness differs between the runs. */
    public record Flip(SampleKey sample, double scoreA, double scoreB) {}

    /**
     * @param pairs         shared samples
     * @param items         shared items (the clusters of repeats)
     * @param meanA         mean score of A over them
     * @param meanB         mean score of B over them
     * @param aOnlyCorrect  McNemar b: A right, B wrong
     * @param bOnlyCorrect  McNemar c: A wrong, B right
     * @param mcnemarP      McNemar p-value, exact or clustered (null when scores are not binary)
     * @param clustered     whether items had several repeats (clustered McNemar)
     * @param bootstrap     paired bootstrap over items of mean(B) - mean(A)
     * @param holmP         the task's p-value after Holm's correction across the compared tasks
     * @param flips         per-sample flips in canonical order
     */
    public record TaskComparison(int pairs, int items, double meanA, double meanB, int aOnlyCorrect, int bOnlyCorrect,
                                 Double mcnemarP, boolean clustered, PairedBootstrap bootstrap, double holmP, List<Flip> flips) {
        /** The test's own p-value: McNemar for binary scores, otherwise the bootstrap. */
        public double pValue() { return mcnemarP != null ? mcnemarP : bootstrap.pValue(); }

        TaskComparison withHolm(double p) {
            return new TaskComparison(pairs, items, meanA, meanB, aOnlyCorrect, bOnlyCorrect, mcnemarP, clustered, bootstrap, p, flips);
        }
    }

    /**
     * @param warnings differences between the runs' inputs that were overridden with {@code force}
     * @param unscored pairs left out because a side has no score (a judge gave no verdict: {@code details.unscored})
     */
    public record Result(Map<String, TaskComparison> tasks, int unpairedA, int unpairedB, List<String> warnings, int unscored) {
        /** B is significantly worse than A on some task (Holm-adjusted). */
        public boolean regression(double alpha) {
            return tasks.values().stream().anyMatch(t -> t.meanB() < t.meanA() && t.holmP() < alpha);
        }

        public boolean improvement(double alpha) {
            return tasks.values().stream().anyMatch(t -> t.meanB() > t.meanA() && t.holmP() < alpha);
        }
    }

    /** Two runs that must not be compared (different datasets or prompts), unless forced. */
    public static final class IncomparableRunsException extends IllegalArgumentException {
        IncomparableRunsException(List<String> problems) {
            super("the runs are not comparable: " + String.join("; ", problems)
                    + " (compare them anyway with --force)");
        }
    }

    public static Result compare(Path runA, Path runB) {
        return compare(runA, runB, false);
    }

    /** @param force compare even when datasets or prompts differ (the differences become warnings) */
    public static Result compare(Path runA, Path runB, boolean force) {
        List<SampleRecord> a = RunOutputs.readSamples(runA), b = RunOutputs.readSamples(runB);
        List<String> problems = new ArrayList<>(lockDifferences(runA, runB));
        problems.addAll(promptDifferences(a, b));
        if (!problems.isEmpty() && !force) throw new IncomparableRunsException(problems);
        Result r = compare(a, b);
        return new Result(r.tasks(), r.unpairedA(), r.unpairedB(), problems, r.unscored());
    }

    public static Result compare(List<SampleRecord> a, List<SampleRecord> b) {
        Map<SampleKey, SampleRecord> byKeyB = new LinkedHashMap<>();
        b.forEach(r -> byKeyB.put(r.key(), r));
        Map<String, List<SampleRecord[]>> pairsByTask = new LinkedHashMap<>();
        int unpairedA = 0, unscored = 0;
        for (SampleRecord ra : a) {
            SampleRecord rb = byKeyB.remove(ra.key());
            if (rb == null) unpairedA++;
            // a sample without a score is no evidence either way: not a 0 in a paired test
            else if (PairwiseVerdictScorer.unscored(ra.details()) || PairwiseVerdictScorer.unscored(rb.details())) unscored++;
            else pairsByTask.computeIfAbsent(ra.task(), k -> new ArrayList<>()).add(new SampleRecord[] {ra, rb});
        }
        Map<String, TaskComparison> tasks = new LinkedHashMap<>();
        pairsByTask.forEach((task, pairs) -> tasks.put(task, compareTask(pairs)));
        double[] p = tasks.values().stream().mapToDouble(TaskComparison::pValue).toArray();
        double[] adjusted = Holm.adjust(p);
        int i = 0;
        for (Map.Entry<String, TaskComparison> e : tasks.entrySet()) e.setValue(e.getValue().withHolm(adjusted[i++]));
        return new Result(tasks, unpairedA, byKeyB.size(), List.of(), unscored);
    }

    private static TaskComparison compareTask(List<SampleRecord[]> pairs) {
        int bCount = 0, cCount = 0;
        boolean binary = true;
        double sumA = 0, sumB = 0;
        List<Flip> flips = new ArrayList<>();
        Map<String, double[]> itemSums = new LinkedHashMap<>();   // item -> {sumA, sumB, n, aOnly, bOnly}
        for (SampleRecord[] p : pairs) {
            double sa = p[0].score(), sb = p[1].score();
            sumA += sa;
            sumB += sb;
            if ((sa != 0 && sa != 1) || (sb != 0 && sb != 1)) binary = false;
            double[] s = itemSums.computeIfAbsent(p[0].itemId(), k -> new double[5]);
            if (p[0].correct() && !p[1].correct()) {
                bCount++;
                s[3]++;
            }
            if (!p[0].correct() && p[1].correct()) {
                cCount++;
                s[4]++;
            }
            if (p[0].correct() != p[1].correct() || sa != sb) flips.add(new Flip(p[0].key(), sa, sb));
            s[0] += sa;
            s[1] += sb;
            s[2]++;
        }
        int items = itemSums.size();
        double[] itemA = new double[items], itemB = new double[items];
        int[] aOnly = new int[items], bOnly = new int[items];
        boolean clustered = false;
        int i = 0;
        for (double[] s : itemSums.values()) {
            itemA[i] = s[0] / s[2];
            itemB[i] = s[1] / s[2];
            aOnly[i] = (int) s[3];
            bOnly[i] = (int) s[4];
            clustered |= s[2] > 1;
            i++;
        }
        PairedBootstrap bootstrap = PairedBootstrap.test(itemA, itemB, RESAMPLES, SEED);
        int n = pairs.size();
        Double mcnemar = !binary ? null : clustered ? ClusteredMcNemar.pValue(aOnly, bOnly) : McNemar.exactPValue(bCount, cCount);
        return new TaskComparison(n, items, n == 0 ? 0 : sumA / n, n == 0 ? 0 : sumB / n, bCount, cCount,
                mcnemar, clustered, bootstrap, mcnemar != null ? mcnemar : bootstrap.pValue(), flips);
    }

    /** Shared tasks whose dataset hashes differ, and a different system prompt, from the lockfiles. */
    private static List<String> lockDifferences(Path runA, Path runB) {
        if (!Files.exists(runA.resolve(RunLock.FILE)) || !Files.exists(runB.resolve(RunLock.FILE))) return List.of();
        JsonNode a = RunLock.read(runA).inputs(), b = RunLock.read(runB).inputs();
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = a.path("tasks").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> task = it.next();
            JsonNode other = b.path("tasks").get(task.getKey());
            if (other == null) continue;
            String ha = task.getValue().path("dataset_sha256").asText(), hb = other.path("dataset_sha256").asText();
            if (!ha.equals(hb)) {
                problems.add("task " + task.getKey() + " read different datasets (sha256 " + abbreviate(ha) + " vs " + abbreviate(hb) + ")");
            }
        }
        JsonNode spA = a.path("config").path("interceptors").path("system_prompt"), spB = b.path("config").path("interceptors").path("system_prompt");
        if (!spA.equals(spB)) problems.add("the system prompts differ (" + spA + " vs " + spB + ")");
        return problems;
    }

    /** Shared samples whose prompts (as built from the template, before interceptors) differ. */
    private static List<String> promptDifferences(List<SampleRecord> a, List<SampleRecord> b) {
        Map<SampleKey, SampleRecord> byKey = new LinkedHashMap<>();
        b.forEach(r -> byKey.put(r.key(), r));
        Map<String, int[]> differing = new LinkedHashMap<>();
        Map<String, SampleKey> first = new LinkedHashMap<>();
        for (SampleRecord ra : a) {
            SampleRecord rb = byKey.get(ra.key());
            if (rb != null && !ra.prompt().equals(rb.prompt())) {
                differing.computeIfAbsent(ra.task(), k -> new int[1])[0]++;
                first.putIfAbsent(ra.task(), ra.key());
            }
        }
        List<String> problems = new ArrayList<>();
        differing.forEach((task, n) -> problems.add("task " + task + ": " + n[0] + " shared samples were asked with different prompts (first: "
                + first.get(task) + ")"));
        return problems;
    }

    private static String abbreviate(String hash) { return hash.length() > 12 ? hash.substring(0, 12) : hash; }

    /** Human-readable summary. */
    public static String describe(Result result, double alpha, int maxFlips) {
        StringBuilder sb = new StringBuilder();
        result.warnings().forEach(w -> sb.append("warning (forced): ").append(w).append('\n'));
        result.tasks().forEach((task, t) -> {
            sb.append(String.format(Locale.ROOT, "%s: n=%d (%d items)  A=%.4f  B=%.4f  diff=%+.4f  95%% CI [%+.4f, %+.4f]  ",
                    task, t.pairs(), t.items(), t.meanA(), t.meanB(), t.meanB() - t.meanA(), t.bootstrap().interval().low(),
                    t.bootstrap().interval().high()));
            if (t.mcnemarP() != null) {
                sb.append(String.format(Locale.ROOT, "%sMcNemar b=%d c=%d p=%.4g", t.clustered() ? "clustered " : "",
                        t.aOnlyCorrect(), t.bOnlyCorrect(), t.mcnemarP()));
            } else {
                sb.append(String.format(Locale.ROOT, "paired bootstrap p=%.4g", t.bootstrap().pValue()));
            }
            sb.append(String.format(Locale.ROOT, "  Holm p=%.4g", t.holmP()));
            sb.append(t.holmP() < alpha ? (t.meanB() < t.meanA() ? "  REGRESSION" : "  IMPROVEMENT") : "  (not significant)").append('\n');
            int shown = 0;
            for (Flip f : t.flips()) {
                if (shown++ >= maxFlips) {
                    sb.append("    ... ").append(t.flips().size() - maxFlips).append(" more flips\n");
                    break;
                }
                sb.append(String.format(Locale.ROOT, "    %s  %.3g -> %.3g%n", f.sample(), f.scoreA(), f.scoreB()));
            }
        });
        if (result.unscored() > 0) {
            sb.append("unscored pairs left out: ").append(result.unscored()).append(" (a judge gave no verdict on one side)\n");
        }
        if (result.unpairedA() + result.unpairedB() > 0) {
            sb.append("unpaired samples: ").append(result.unpairedA()).append(" only in A, ")
                    .append(result.unpairedB()).append(" only in B\n");
        }
        return sb.toString();
    }
}

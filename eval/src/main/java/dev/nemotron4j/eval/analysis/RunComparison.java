package dev.nemotron4j.eval.analysis;

import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.SampleRecord;
import dev.nemotron4j.eval.stats.McNemar;
import dev.nemotron4j.eval.stats.PairedBootstrap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Paired comparison of two runs over the samples they share (same task, item and repeat).
 * Binary scores use the exact McNemar test; fractional scores a paired bootstrap over items.
 */
public final class RunComparison {
    static final int RESAMPLES = 10_000;
    static final long SEED = 20240611L;

    private RunComparison() {}

    /** A sample whose correctness differs between the runs. */
    public record Flip(SampleKey sample, double scoreA, double scoreB) {}

    /**
     * @param pairs         shared samples
     * @param meanA         mean score of A over them
     * @param meanB         mean score of B over them
     * @param aOnlyCorrect  McNemar b: A right, B wrong
     * @param bOnlyCorrect  McNemar c: A wrong, B right
     * @param mcnemarP      exact McNemar p-value (null when scores are not binary)
     * @param bootstrap     paired bootstrap over items of mean(B) - mean(A)
     * @param flips         per-sample flips in canonical order
     */
    public record TaskComparison(int pairs, double meanA, double meanB, int aOnlyCorrect, int bOnlyCorrect,
                                 Double mcnemarP, PairedBootstrap bootstrap, List<Flip> flips) {
        /** The test used for decisions: McNemar for binary scores, otherwise the bootstrap. */
        public double pValue() { return mcnemarP != null ? mcnemarP : bootstrap.pValue(); }
    }

    public record Result(Map<String, TaskComparison> tasks, int unpairedA, int unpairedB) {
        /** B is significantly worse than A on some task. */
        public boolean regression(double alpha) {
            return tasks.values().stream().anyMatch(t -> t.meanB() < t.meanA() && t.pValue() < alpha);
        }

        public boolean improvement(double alpha) {
            return tasks.values().stream().anyMatch(t -> t.meanB() > t.meanA() && t.pValue() < alpha);
        }
    }

    public static Result compare(Path runA, Path runB) {
        return compare(RunOutputs.readSamples(runA), RunOutputs.readSamples(runB));
    }

    public static Result compare(List<SampleRecord> a, List<SampleRecord> b) {
        Map<SampleKey, SampleRecord> byKeyB = new LinkedHashMap<>();
        b.forEach(r -> byKeyB.put(r.key(), r));
        Map<String, List<SampleRecord[]>> pairsByTask = new LinkedHashMap<>();
        int unpairedA = 0;
        for (SampleRecord ra : a) {
            SampleRecord rb = byKeyB.remove(ra.key());
            if (rb == null) unpairedA++;
            else pairsByTask.computeIfAbsent(ra.task(), k -> new ArrayList<>()).add(new SampleRecord[] {ra, rb});
        }
        Map<String, TaskComparison> tasks = new LinkedHashMap<>();
        pairsByTask.forEach((task, pairs) -> tasks.put(task, compareTask(pairs)));
        return new Result(tasks, unpairedA, byKeyB.size());
    }

    private static TaskComparison compareTask(List<SampleRecord[]> pairs) {
        int bCount = 0, cCount = 0;
        boolean binary = true;
        double sumA = 0, sumB = 0;
        List<Flip> flips = new ArrayList<>();
        Map<String, double[]> itemSums = new LinkedHashMap<>();   // item -> {sumA, sumB, n}
        for (SampleRecord[] p : pairs) {
            double sa = p[0].score(), sb = p[1].score();
            sumA += sa;
            sumB += sb;
            if ((sa != 0 && sa != 1) || (sb != 0 && sb != 1)) binary = false;
            if (p[0].correct() && !p[1].correct()) bCount++;
            if (!p[0].correct() && p[1].correct()) cCount++;
            if (p[0].correct() != p[1].correct() || sa != sb) flips.add(new Flip(p[0].key(), sa, sb));
            double[] s = itemSums.computeIfAbsent(p[0].itemId(), k -> new double[3]);
            s[0] += sa;
            s[1] += sb;
            s[2]++;
        }
        double[] itemA = new double[itemSums.size()], itemB = new double[itemSums.size()];
        int i = 0;
        for (double[] s : itemSums.values()) {
            itemA[i] = s[0] / s[2];
            itemB[i++] = s[1] / s[2];
        }
        PairedBootstrap bootstrap = PairedBootstrap.test(itemA, itemB, RESAMPLES, SEED);
        int n = pairs.size();
        return new TaskComparison(n, n == 0 ? 0 : sumA / n, n == 0 ? 0 : sumB / n, bCount, cCount,
                binary ? McNemar.exactPValue(bCount, cCount) : null, bootstrap, flips);
    }

    /** Human-readable summary. */
    public static String describe(Result result, double alpha, int maxFlips) {
        StringBuilder sb = new StringBuilder();
        result.tasks().forEach((task, t) -> {
            sb.append(String.format(Locale.ROOT, "%s: n=%d  A=%.4f  B=%.4f  diff=%+.4f  95%% CI [%+.4f, %+.4f]  ",
                    task, t.pairs(), t.meanA(), t.meanB(), t.meanB() - t.meanA(), t.bootstrap().interval().low(),
                    t.bootstrap().interval().high()));
            if (t.mcnemarP() != null) sb.append(String.format(Locale.ROOT, "McNemar b=%d c=%d p=%.4g", t.aOnlyCorrect(), t.bOnlyCorrect(), t.mcnemarP()));
            else sb.append(String.format(Locale.ROOT, "paired bootstrap p=%.4g", t.bootstrap().pValue()));
            sb.append(t.pValue() < alpha ? (t.meanB() < t.meanA() ? "  REGRESSION" : "  IMPROVEMENT") : "  (not significant)").append('\n');
            int shown = 0;
            for (Flip f : t.flips()) {
                if (shown++ >= maxFlips) {
                    sb.append("    ... ").append(t.flips().size() - maxFlips).append(" more flips\n");
                    break;
                }
                sb.append(String.format(Locale.ROOT, "    %s  %.3g -> %.3g%n", f.sample(), f.scoreA(), f.scoreB()));
            }
        });
        if (result.unpairedA() + result.unpairedB() > 0) {
            sb.append("unpaired samples: ").append(result.unpairedA()).append(" only in A, ")
                    .append(result.unpairedB()).append(" only in B\n");
        }
        return sb.toString();
    }
}

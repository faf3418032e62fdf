package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.judge.JudgeTotals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Contents of {@code timing.json}: wall time, sample counts and {@link RequestTotals}, summed over the
 * invocations of a run (run, then each resume). Not part of any digest.
 *
 * @param wallSeconds     wall time of all invocations
 * @param executedSamples samples executed (not taken from the journal), over all invocations
 * @param resumedSamples  samples the last invocation found in the journal
 * @param invocations     how many run/resume invocations wrote this run
 * @param requests        request totals over all invocations
 * @param judge           the judge's calls, cache hits and tokens over all invocations, or null for a run without a judge
 */
public record RunTiming(double wallSeconds, long executedSamples, long resumedSamples, int invocations, RequestTotals requests,
                        JudgeTotals judge) {
    public static final String FILE = "timing.json";

    /** Adds this invocation to the run's timing file. */
    static void write(Path runDir, double wallSeconds, int executed, int journaled, RequestTotals totals,
                      JudgeTotals judge) {
        RunTiming earlier = read(runDir).orElse(new RunTiming(0, 0, 0, 0, RequestTotals.NONE, null));
        RunTiming now = new RunTiming(earlier.wallSeconds + wallSeconds, earlier.executedSamples + executed, journaled,
                earlier.invocations + 1, totals.plus(earlier.requests == null ? RequestTotals.NONE : earlier.requests),
                JudgeTotals.sum(earlier.judge, judge));
        RunOutputs.replace(runDir.resolve(FILE), CanonicalJson.pretty(now));
    }

    /** A merged run's timing: the shards ran side by side (wall time: the slowest), their counts add up. */
    static void writeMerged(Path runDir, List<RunTiming> shards) {
        double wall = 0;
        long executed = 0;
        int invocations = 0;
        RequestTotals totals = RequestTotals.NONE;
        JudgeTotals judge = null;
        for (RunTiming t : shards) {
            judge = JudgeTotals.sum(judge, t.judge);
            wall = Math.max(wall, t.wallSeconds);
            executed += t.executedSamples;
            invocations += t.invocations;
            if (t.requests != null) totals = totals.plus(t.requests);
        }
        RunOutputs.replace(runDir.resolve(FILE), CanonicalJson.pretty(new RunTiming(wall, executed, 0, invocations, totals, judge)));
    }

    /** The run's timing, when the file exists and is readable (older runs wrote fewer fields). */
    public static Optional<RunTiming> read(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.exists(file)) return Optional.empty();
        try {
            JsonNode node = CanonicalJson.MAPPER.readTree(Files.readString(file));
            return Optional.of(CanonicalJson.bind(node, RunTiming.class));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}

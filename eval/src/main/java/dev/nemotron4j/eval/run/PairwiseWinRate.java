package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.score.PairwiseVerdictScorer;
import dev.nemotron4j.eval.stats.Bootstrap;
import dev.nemotron4j.eval.stats.Interval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Arena-Hard's score of a pairwise-judged task: the win rate against the baseline over all battles pooled (a strong
 * verdict is three battles, a tie half a win), as Arena-Hard's {@code show_result.py} computes it, with a seeded
 * percentile-bootstrap 95% interval. Arena-Hard resamples battles; here the questions are resampled with all their
 * battles (the battles of one question share its difficulty and one pair of answers), as every other interval of the
 * harness treats repeats. Samples without both verdicts are left out and counted.
 */
final class PairwiseWinRate {
    private PairwiseWinRate() {}

    /** The win rate and its counts, or null when the samples were not judged pairwise. */
    static Map<String, Double> of(List<SampleRecord> records, int resamples, long seed) {
        Map<String, double[]> perItem = new LinkedHashMap<>();   // item -> {sum of outcomes, battles}
        long scored = 0, unscored = 0, missingGames = 0, retriedGames = 0, battles = 0;
        double wins = 0;
        for (SampleRecord r : records) {
            JsonNode d = r.details();
            if (d == null || !d.has("games")) return null;
            for (JsonNode game : d.get("games")) {
                JsonNode attempts = game.path("attempts");
                if (attempts.size() > 1) retriedGames++;
                boolean verdict = false;
                for (JsonNode a : attempts) verdict |= !a.path("label").isNull() && !a.path("label").isMissingNode();
                if (!verdict) missingGames++;
            }
            if (PairwiseVerdictScorer.unscored(d)) {
                unscored++;
                continue;
            }
            scored++;
            double[] item = perItem.computeIfAbsent(r.itemId(), k -> new double[2]);
            for (JsonNode b : d.path("battles")) {
                item[0] += b.asDouble();
                item[1]++;
                wins += b.asDouble();
                battles++;
            }
        }
        if (scored + unscored == 0) return null;
        double[] sums = new double[perItem.size()], counts = new double[perItem.size()];
        int i = 0;
        for (double[] item : perItem.values()) {
            sums[i] = item[0];
            counts[i++] = item[1];
        }
        Interval ci = Bootstrap.ratioInterval(sums, counts, resamples, seed, 0.95);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("win_rate", battles == 0 ? 0 : wins / battles);
        out.put("win_rate_ci95_low", ci.low());
        out.put("win_rate_ci95_high", ci.high());
        out.put("battles", (double) battles);
        out.put("scored_samples", (double) scored);
        out.put("unscored_samples", (double) unscored);
        out.put("missing_verdicts", (double) missingGames);
        out.put("retried_judgments", (double) retriedGames);
        return out;
    }
}

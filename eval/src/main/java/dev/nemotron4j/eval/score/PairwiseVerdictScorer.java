package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.judge.Verdict;

import java.util.ArrayList;
import java.util.List;

/**
 * Arena-Hard scoring of one question from its two verdicts (baseline-first game, then answer-first game): each verdict
 * becomes battles from the model's side — 1 win, 0.5 tie, 0 loss, a strong verdict three battles — and the sample's score
 * is the mean over its battles. The battles are kept in {@code details.battles}, so the task's win rate can be Arena-Hard's
 * (all battles pooled). Without both verdicts the sample is <em>unscored</em> ({@code details.unscored}): left out of
 * the task's mean, intervals and win rate, and counted, never scored as a loss.
 */
public record PairwiseVerdictScorer() implements Scorer {

    @Override
    public String name() { return "arena_hard_verdicts"; }

    @Override
    public int version() { return 1; }

    @Override
    public Scored judge(Extraction extracted, JsonNode expected) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        if (!extracted.found()) {
            details.put("unscored", true);
            return new Scored(0, details);
        }
        String[] labels = extracted.value().split(",");
        if (labels.length != 2) throw new IllegalArgumentException("pairwise verdicts must be two labels, got " + extracted.value());
        Verdict baselineFirst = Verdict.of(labels[0]).orElseThrow(() -> new IllegalArgumentException("not a verdict: " + labels[0]));
        Verdict answerFirst = Verdict.of(labels[1]).orElseThrow(() -> new IllegalArgumentException("not a verdict: " + labels[1]));
        List<Double> battles = new ArrayList<>(baselineFirst.scoresForB());   // the model's answer is B here
        battles.addAll(answerFirst.scoresForA());                            // and A here
        var array = details.putArray("battles");
        double sum = 0;
        for (double b : battles) {
            array.add(b);
            sum += b;
        }
        return new Scored(sum / battles.size(), details);
    }

    /** Whether a stored sample was left unscored (a judge verdict missing). */
    public static boolean unscored(JsonNode details) {
        return details != null && details.path("unscored").asBoolean(false);
    }
}

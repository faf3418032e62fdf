package dev.nemotron4j.eval.extract;

import dev.nemotron4j.eval.judge.PairwiseJudge;
import dev.nemotron4j.eval.judge.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The verdicts of a pairwise judge (Arena-Hard): the labels of both games, baseline-first then answer-first, joined by
 * a comma ({@code "B>A,A=B"}), or no answer when a game has no verdict after its retry. The verdicts are read from the
 * judge's judgments ({@link #of}), never from the model's own answer.
 */
public record PairwiseVerdictExtractor() implements AnswerExtractor {

    @Override
    public String name() { return "judge_verdicts"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        throw new IllegalStateException("pairwise verdicts come from the judge's games (PairwiseVerdictExtractor.of), not from the answer");
    }

    /** The labels of the games in order, or none (method {@code judge_missing}) when any game lacks a verdict. */
    public static Extraction of(List<PairwiseJudge.Game> games) {
        List<String> labels = new ArrayList<>();
        for (PairwiseJudge.Game game : games) {
            Optional<Verdict> v = game.verdict();
            if (v.isEmpty()) return new Extraction(null, "judge_missing");
            labels.add(v.get().label());
        }
        return new Extraction(String.join(",", labels), "judge");
    }
}

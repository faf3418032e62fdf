package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.nemotron4j.eval.extract.Extraction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The two halves of the scorer contract agree: a plain scorer's judgement is its score, a detailed scorer's score is its judgement's. */
class ScorerContractTest {

    @Test
    void aPlainScorersJudgementIsItsScoreWithoutDetails() {
        Scorer exact = Scorer.named("exact_match");
        assertThat(exact).isInstanceOf(Scorer.Plain.class);
        assertThat(exact.judge(new Extraction("B", "t"), TextNode.valueOf("B"))).isEqualTo(new Scored(1, null));
        assertThat(exact.judge(new Extraction("C", "t"), TextNode.valueOf("B"))).isEqualTo(new Scored(0, null));
    }

    @Test
    void aDetailedScorersScoreIsItsJudgements() {
        Scorer translation = Scorer.named("translation");
        assertThat(translation).isNotInstanceOf(Scorer.Plain.class);
        Extraction answer = new Extraction("Der Hund schläft im Garten.", "t");
        Scored judged = translation.judge(answer, TextNode.valueOf("Der Hund schläft draußen im Garten."));
        assertThat(judged.details().has("chrf")).isTrue();
        assertThat(judged.score()).isStrictlyBetween(0.0, 1.0);
        assertThat(translation.score(answer, TextNode.valueOf("Der Hund schläft draußen im Garten."))).isEqualTo(judged.score());
    }
}

package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.loading.ModelSource;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.TinyFixtures.Golden;
import dev.nemotron4j.engine.model.NemotronHModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Prompt log-probabilities, scored piece by piece, against the log-softmax of the reference logits. */
class PromptScorerTest {

    @Test
    void everyPositionMatchesTheReferenceLogSoftmax() {
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir("tiny-b")).load(); Golden golden = Golden.load("tiny-b")) {
            JsonNode seq = null;
            for (JsonNode s : golden.json().get("sequences")) if (s.get("name").asText().equals("len300")) seq = s;
            int[] ids = TinyFixtures.ints(seq.get("tokens"));
            float[] ref = golden.tensor(seq.get("logits").asText());
            int vocab = model.vocabSize();
            TokenLogprobs[] scored = PromptScorer.score(model, ids, 2);
            assertThat(scored[0]).isNull();
            for (int i = 1; i < ids.length; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int v = 0; v < vocab; v++) max = Math.max(max, ref[(i - 1) * vocab + v]);
                for (int v = 0; v < vocab; v++) sum += Math.exp(ref[(i - 1) * vocab + v] - max);
                double expected = ref[(i - 1) * vocab + ids[i]] - max - Math.log(sum);
                assertThat((double) scored[i].logprob()).as("position %d", i).isCloseTo(expected, within(1e-3));
                assertThat(scored[i].topTokens()[0]).isEqualTo(seq.get("argmax").get(i - 1).asInt());
            }
        }
    }
}

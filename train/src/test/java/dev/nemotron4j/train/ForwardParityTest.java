package dev.nemotron4j.train;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.train.model.TrainableModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The training forward (double) gives the inference engine's logits (float32) within 1e-5 on every tiny fixture. */
class ForwardParityTest {

    static Iterable<String> fixtures() {
        return Fixtures.ALL;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void trainingLogitsEqualEngineLogits(String fixture) {
        TrainableModel train = TrainableModel.load(Fixtures.dir(fixture));
        int vocab = train.config().vocabSize();
        int[] tokens = new SplittableRandom(fixture.hashCode()).ints(37, 0, vocab).toArray();
        double[] ours = train.forward(tokens);
        try (NemotronHModel engine = ModelSource.of(Fixtures.dir(fixture)).load(WorkerPool.shared())) {
            float[] theirs = engine.forwardAll(engine.newState(), tokens, null);
            double worst = 0, scale = 0;
            for (int i = 0; i < ours.length; i++) {
                worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
                scale = Math.max(scale, Math.abs(theirs[i]));
            }
            assertThat(scale).as("logits are not trivially small").isGreaterThan(0.1);
            assertThat(worst).as("%s: max |train − engine| over %d logits", fixture, ours.length).isLessThanOrEqualTo(1e-5);
        }
    }
}

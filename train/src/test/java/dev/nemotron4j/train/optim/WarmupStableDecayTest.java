package dev.nemotron4j.train.optim;

import org.junit.jupiter.api.Test;

import static dev.nemotron4j.train.optim.WarmupStableDecay.DecayShape.COSINE;
import static dev.nemotron4j.train.optim.WarmupStableDecay.DecayShape.LINEAR;
import static dev.nemotron4j.train.optim.WarmupStableDecay.DecayShape.ONE_MINUS_SQRT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The schedule's values at every phase boundary (4 warm-up, 3 stable, 4 decay steps; peak 1e-3, floor 1e-5). */
class WarmupStableDecayTest {

    @Test
    void phasesAndBoundaries() {
        WarmupStableDecay s = new WarmupStableDecay(1e-3, 1e-5, 4, 3, 4, LINEAR);
        assertThat(s.totalSteps()).isEqualTo(11);
        assertThat(s.learningRate(0)).isCloseTo(0.25e-3, within(1e-18));
        assertThat(s.learningRate(3)).isEqualTo(1e-3);
        assertThat(s.learningRate(4)).isEqualTo(1e-3);
        assertThat(s.learningRate(6)).isEqualTo(1e-3);
        assertThat(s.learningRate(7)).isCloseTo(1e-3 + (1e-5 - 1e-3) * 0.25, within(1e-18));
        assertThat(s.learningRate(8)).isCloseTo(1e-3 + (1e-5 - 1e-3) * 0.5, within(1e-18));
        assertThat(s.learningRate(10)).isCloseTo(1e-5, within(1e-18));
        assertThat(s.learningRate(11)).isEqualTo(1e-5);
        assertThat(s.learningRate(1000)).isEqualTo(1e-5);
    }

    @Test
    void decayShapesAtHalfway() {
        double peak = 1e-3, floor = 1e-5;
        assertThat(new WarmupStableDecay(peak, floor, 0, 0, 2, COSINE).learningRate(0)).isCloseTo((peak + floor) / 2, within(1e-18));
        assertThat(new WarmupStableDecay(peak, floor, 0, 0, 4, ONE_MINUS_SQRT).learningRate(0))
                .isCloseTo(peak - (peak - floor) * 0.5, within(1e-18));
        assertThat(new WarmupStableDecay(peak, floor, 0, 0, 4, COSINE).learningRate(3)).isCloseTo(floor, within(1e-18));
        assertThat(new WarmupStableDecay(peak, floor, 0, 5, 0, LINEAR).learningRate(0)).isEqualTo(peak);
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> new WarmupStableDecay(1e-3, 1e-2, 1, 1, 1, LINEAR)).hasMessageContaining("floor");
        assertThatThrownBy(() -> new WarmupStableDecay(0, 0, 1, 1, 1, LINEAR)).hasMessageContaining("peak");
        assertThatThrownBy(() -> new WarmupStableDecay(1e-3, 0, -1, 1, 1, LINEAR)).hasMessageContaining("phase");
    }
}

package dev.nemotron4j.train.rl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ratio clip as a mask, on ratios either side of the trust region. */
class ClipMaskTest {

    @Test
    void positiveAdvantageMasksTokensAlreadyPushedUpTooFar() {
        double eps = 0.2;
        // ratios 1.0, 1.19, 1.25, 0.5: a positive advantage stops pushing up past 1.2, never stops pulling up a lowered one
        double[] old = {-1, -2, -3, -4};
        double[] now = {-1, -2 + Math.log(1.19), -3 + Math.log(1.25), -4 + Math.log(0.5)};
        assertThat(ClipMask.of(now, old, 0.7, eps)).containsExactly(true, true, false, true);
    }

    @Test
    void negativeAdvantageMasksTokensAlreadyPushedDownTooFar() {
        double eps = 0.2;
        double[] old = {-1, -2, -3, -4};
        double[] now = {-1, -2 + Math.log(0.81), -3 + Math.log(0.75), -4 + Math.log(1.5)};
        assertThat(ClipMask.of(now, old, -1.3, eps)).containsExactly(true, true, false, true);
    }

    @Test
    void boundaryIsInsideAndZeroAdvantageNeverContributes() {
        assertThat(ClipMask.contributes(1.2, 1, 0.2)).isTrue();
        assertThat(ClipMask.contributes(1.2000001, 1, 0.2)).isFalse();
        assertThat(ClipMask.contributes(0.8, -1, 0.2)).isTrue();
        assertThat(ClipMask.contributes(0.7999999, -1, 0.2)).isFalse();
        assertThat(ClipMask.contributes(1.0, 0, 0.2)).isFalse();
    }
}

package dev.nemotron4j.train.optim;

import dev.nemotron4j.train.layers.Param;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Global-norm clipping over several tensors (a 3-4-12 triangle: norm 13). */
class GradientClippingTest {

    static Param withGrad(String name, boolean trainable, double... g) {
        Param p = new Param(name, new long[] {g.length}, new double[g.length], trainable);
        System.arraycopy(g, 0, p.grad(), 0, g.length);
        return p;
    }

    @Test
    void scalesAllTensorsTogether() {
        Param a = withGrad("a", true, 3, 4), b = withGrad("b", true, 12), frozen = withGrad("bias", false, 100);
        assertThat(GradientClipping.clip(List.of(a, b, frozen), 6.5)).isEqualTo(13.0);
        assertThat(a.grad()[0]).isCloseTo(1.5, within(1e-15));
        assertThat(a.grad()[1]).isCloseTo(2.0, within(1e-15));
        assertThat(b.grad()[0]).isCloseTo(6.0, within(1e-15));
        assertThat(frozen.grad()[0]).isEqualTo(100);
        assertThat(GradientClipping.globalNorm(List.of(a, b))).isCloseTo(6.5, within(1e-12));
    }

    @Test
    void belowTheMaximumOrDisabledNothingChanges() {
        Param a = withGrad("a", true, 3, 4);
        assertThat(GradientClipping.clip(List.of(a), 5.0)).isEqualTo(5.0);
        assertThat(GradientClipping.clip(List.of(a), 0)).isEqualTo(5.0);
        assertThat(a.grad()).containsExactly(3, 4);
        a.grad()[0] = Double.NaN;
        assertThatThrownBy(() -> GradientClipping.clip(List.of(a), 1)).hasMessageContaining("diverged");
    }
}

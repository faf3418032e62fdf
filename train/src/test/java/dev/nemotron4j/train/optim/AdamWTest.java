package dev.nemotron4j.train.optim;

import dev.nemotron4j.train.layers.Param;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** AdamW's updates worked by hand, the decay policy, frozen and non-trainable tensors. */
class AdamWTest {

    static Param param(String name, long[] shape, double... values) {
        return new Param(name, shape, values, true);
    }

    @Test
    void firstTwoStepsByHand() {
        Param w = param("w", new long[] {1, 2}, 1.0, -2.0);
        Param norm = param("norm.weight", new long[] {2}, 1.0, 1.0);
        AdamW opt = new AdamW(AdamW.Settings.RECIPE, List.of(w, norm), Set.of());
        w.grad()[0] = 0.5;
        w.grad()[1] = -0.25;
        norm.grad()[0] = 2.0;
        norm.grad()[1] = 0.0;
        opt.step(0.01);
        // step 1: m̂ = g, v̂ = g², so the update is g/(|g|+ε) ≈ sign(g); decay lr·λ·p only on the matrix
        assertThat(w.value()[0]).isCloseTo(1.0 - 0.01 * 0.5 / (0.5 + 1e-8) - 0.01 * 0.1 * 1.0, within(1e-15));
        assertThat(w.value()[1]).isCloseTo(-2.0 + 0.01 * 0.25 / (0.25 + 1e-8) + 0.01 * 0.1 * 2.0, within(1e-15));
        assertThat(norm.value()[0]).isCloseTo(1.0 - 0.01 * 2.0 / (2.0 + 1e-8), within(1e-15));
        assertThat(norm.value()[1]).isEqualTo(1.0);
        // step 2 with g = 1.0 on w[0]: m = 0.9·0.05+0.1 = 0.145, v = 0.95·0.0125+0.05·1 = 0.061875
        double p = w.value()[0];
        w.grad()[0] = 1.0;
        opt.step(0.02);
        double mHat = (0.9 * 0.05 + 0.1 * 1.0) / (1 - 0.81), vHat = (0.95 * 0.05 * 0.25 + 0.05 * 1.0) / (1 - 0.9025);
        assertThat(w.value()[0]).isCloseTo(p - 0.02 * mHat / (Math.sqrt(vHat) + 1e-8) - 0.02 * 0.1 * p, within(1e-15));
        assertThat(opt.steps()).isEqualTo(2);
        assertThat(opt.firstMoment("w")[0]).isCloseTo(0.145, within(1e-15));
        assertThat(opt.secondMoment("w")[0]).isCloseTo(0.061875, within(1e-15));
    }

    @Test
    void vectorsGetNoWeightDecay() {
        Param matrix = param("backbone.layers.0.mixer.in_proj.weight", new long[] {2, 2}, 1, 1, 1, 1);
        Param conv = param("backbone.layers.0.mixer.conv1d.weight", new long[] {2, 1, 4}, 1, 1, 1, 1, 1, 1, 1, 1);
        List<Param> vectors = List.of(param("backbone.layers.0.norm.weight", new long[] {2}, 1, 1),
                param("backbone.layers.0.mixer.A_log", new long[] {2}, 1, 1), param("backbone.layers.0.mixer.D", new long[] {2}, 1, 1),
                param("backbone.layers.0.mixer.dt_bias", new long[] {2}, 1, 1), param("backbone.layers.0.mixer.conv1d.bias", new long[] {2}, 1, 1));
        List<Param> all = new java.util.ArrayList<>(vectors);
        all.add(matrix);
        all.add(conv);
        AdamW opt = new AdamW(AdamW.Settings.RECIPE, all, Set.of());
        opt.step(0.5); // zero gradients: only the decay moves anything
        for (Param v : vectors) {
            assertThat(opt.decays(v.name())).as(v.name()).isFalse();
            assertThat(v.value()).as(v.name()).containsOnly(1.0);
        }
        assertThat(matrix.value()).containsOnly(1.0 - 0.5 * 0.1);
        assertThat(conv.value()).containsOnly(1.0 - 0.5 * 0.1);
    }

    @Test
    void frozenAndNonTrainableTensorsAreUntouched() {
        Param gate = param("backbone.layers.1.mixer.gate.weight", new long[] {1, 2}, 1, 1);
        Param bias = new Param("backbone.layers.1.mixer.gate.e_score_correction_bias", new long[] {2}, new double[] {0.5, 0.5}, false);
        Param other = param("lm_head.weight", new long[] {1, 2}, 1, 1);
        for (Param p : List.of(gate, bias, other)) java.util.Arrays.fill(p.grad(), 1.0);
        AdamW opt = new AdamW(AdamW.Settings.RECIPE, List.of(gate, bias, other), Set.of(gate.name()));
        opt.step(0.1);
        assertThat(gate.value()).containsOnly(1.0);
        assertThat(bias.value()).containsOnly(0.5);
        assertThat(other.value()[0]).isLessThan(1.0);
        assertThat(opt.names()).containsExactly("lm_head.weight");
    }
}

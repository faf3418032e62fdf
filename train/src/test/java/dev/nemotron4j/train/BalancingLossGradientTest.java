package dev.nemotron4j.train;

import dev.nemotron4j.train.layers.MixerLayer;
import dev.nemotron4j.train.layers.MoeLayer;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainableModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import static dev.nemotron4j.train.LayerGradientTest.dot;
import static dev.nemotron4j.train.LayerGradientTest.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The sequence-wise balancing loss w·Σᵢ fᵢ·Pᵢ of a MoE layer: its value against the definition computed here from
 * the router alone, and its gradient (router weight and input) against central finite differences, alone and
 * added to the layer's output loss. Fixtures: tiny-a (8 experts top-2) and tiny-c (group-limited top-3 of 16).
 */
class BalancingLossGradientTest {
    static final int ROWS = 7;

    static MoeLayer firstMoe(TrainableModel model) {
        for (MixerLayer m : model.mixers()) if (m instanceof MoeLayer moe) return moe;
        throw new AssertionError("no MoE layer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-c"})
    void valueMatchesTheDefinition(String fixture) {
        TrainableModel model = TrainableModel.load(Fixtures.dir(fixture));
        MoeLayer moe = firstMoe(model);
        int hidden = model.config().hiddenSize(), experts = model.config().nRoutedExperts(), k = model.config().numExpertsPerTok();
        double[] x = gaussian(new SplittableRandom(5), ROWS * hidden);
        moe.setAuxLossWeight(0.25);
        moe.forward(x, ROWS);
        int[] chosen = moe.chosen();
        double[] w = moe.gate().value();
        double[] p = new double[experts];
        double[] f = new double[experts];
        for (int t = 0; t < ROWS; t++) {
            double[] s = new double[experts];
            double z = 0;
            for (int e = 0; e < experts; e++) {
                double logit = 0;
                for (int i = 0; i < hidden; i++) logit += w[e * hidden + i] * x[t * hidden + i];
                s[e] = 1 / (1 + Math.exp(-logit));
                z += s[e];
            }
            for (int e = 0; e < experts; e++) p[e] += s[e] / z / ROWS;
        }
        for (int c : chosen) f[c] += (double) experts / (k * ROWS);
        double expected = 0;
        for (int e = 0; e < experts; e++) expected += f[e] * p[e];
        assertThat(expected).as("Σ fᵢ·Pᵢ is 1 for a perfectly uniform router, here near it").isBetween(0.5, 3.0);
        assertThat(moe.auxLoss()).isCloseTo(0.25 * expected, within(1e-12));
        moe.setAuxLossWeight(0);
        moe.forward(x, ROWS);
        assertThat(moe.auxLoss()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-c"})
    void gradientMatchesFiniteDifferences(String fixture) {
        TrainableModel model = TrainableModel.load(Fixtures.dir(fixture));
        MoeLayer moe = firstMoe(model);
        int hidden = model.config().hiddenSize();
        SplittableRandom rnd = new SplittableRandom(11);
        double[] x = gaussian(rnd, ROWS * hidden), r = gaussian(rnd, ROWS * hidden);
        // the balancing loss alone (dy = 0), then together with an output loss
        for (double outputWeight : new double[] {0, 1}) {
            double[] dy = r.clone();
            for (int i = 0; i < dy.length; i++) dy[i] *= outputWeight;
            moe.setAuxLossWeight(3.0);
            DoubleSupplier loss = () -> dot(dy, moe.forward(x, ROWS)) + moe.auxLoss();
            loss.getAsDouble();
            for (Param p : moe.params()) p.zeroGrad();
            double[] dx = moe.backward(dy);
            FiniteDifferenceCheck fd = new FiniteDifferenceCheck(loss, () -> Arrays.toString(moe.chosen()));
            List<FiniteDifferenceCheck.Point> points = new ArrayList<>(fd.check("x", x, dx, 40, 1));
            points.addAll(fd.check(moe.gate(), 60, 2));
            if (outputWeight == 0) {
                assertThat(points.stream().filter(pt -> pt.tensor().equals(moe.gate().name())).mapToDouble(pt -> Math.abs(pt.analytic())).max().orElse(0))
                        .as("the balancing loss alone moves the router").isGreaterThan(1e-4);
            }
            assertThat(points).as("%s, output weight %s", fixture, outputWeight).hasSizeGreaterThan(60)
                    .allMatch(pt -> pt.agrees(1e-8, 1e-5));
        }
        moe.setAuxLossWeight(0);
    }
}

package dev.nemotron4j.train;

import dev.nemotron4j.train.layers.MixerLayer;
import dev.nemotron4j.train.layers.MoeLayer;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.layers.RmsNormLayer;
import dev.nemotron4j.train.model.TrainableModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each layer alone against central finite differences in double: loss = Σ r ⊙ layer(x) for random x and r, so dy = r;
 * checks dx and the gradient of every parameter tensor the layer reads (a seeded subset of coordinates).
 */
class LayerGradientTest {
    static final int ROWS = 6;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void everyMixerMatchesFiniteDifferences(String fixture) {
        TrainableModel model = TrainableModel.load(Fixtures.dir(fixture));
        int hidden = model.config().hiddenSize();
        int layer = 0;
        for (MixerLayer m : model.mixers()) {
            SplittableRandom rnd = new SplittableRandom(17 + layer);
            double[] x = gaussian(rnd, ROWS * hidden), r = gaussian(rnd, ROWS * hidden);
            DoubleSupplier loss = () -> dot(r, m.forward(x, ROWS));
            java.util.function.Supplier<String> routing = () -> m instanceof MoeLayer moe ? Arrays.toString(moe.chosen()) : "";
            loss.getAsDouble();
            for (Param p : m.params()) p.zeroGrad();
            double[] dx = m.backward(r);
            FiniteDifferenceCheck fd = new FiniteDifferenceCheck(loss, routing);
            List<FiniteDifferenceCheck.Point> points = new ArrayList<>(fd.check("x", x, dx, 24, 1));
            for (Param p : m.params()) if (p.trainable()) points.addAll(fd.check(p, 12, p.name().hashCode()));
            assertThat(points).as("layer %d (%s) of %s", layer, m.getClass().getSimpleName(), fixture).hasSizeGreaterThan(20);
            assertThat(points).as("layer %d (%s) of %s", layer, m.getClass().getSimpleName(), fixture)
                    .allMatch(pt -> pt.agrees(1e-8, 1e-5));
            layer++;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void rmsNormMatchesFiniteDifferences(int groups) {
        SplittableRandom rnd = new SplittableRandom(3);
        int width = 16;
        Param w = new Param("w", new long[] {width}, gaussian(rnd, width), true);
        RmsNormLayer norm = new RmsNormLayer(w, 1e-5, width / groups);
        double[] x = gaussian(rnd, 3 * width), r = gaussian(rnd, 3 * width);
        DoubleSupplier loss = () -> dot(r, norm.forward(x, 3));
        loss.getAsDouble();
        double[] dx = norm.backward(r);
        FiniteDifferenceCheck fd = new FiniteDifferenceCheck(loss, () -> "");
        List<FiniteDifferenceCheck.Point> points = new ArrayList<>(fd.check("x", x, dx, 1000, 1));
        points.addAll(fd.check(w, 1000, 2));
        assertThat(points).hasSize(4 * width).allMatch(pt -> pt.agrees(1e-9, 1e-6));
    }

    static double[] gaussian(SplittableRandom rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u1 = rnd.nextDouble(), u2 = rnd.nextDouble();
            v[i] = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        }
        return v;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}

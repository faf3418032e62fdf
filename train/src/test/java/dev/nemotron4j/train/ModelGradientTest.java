package dev.nemotron4j.train;

import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainableModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * dLoss/dP of the whole model against central finite differences in double, for every parameter tensor of every
 * tiny fixture (a seeded subset of coordinates per tensor), skipping coordinates whose step flips an expert choice.
 */
class ModelGradientTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c", "tiny-d"})
    void everyTensorMatchesFiniteDifferences(String fixture) {
        check(fixture, 10, 3);
    }

    /** small-k: the K-quant widths (hidden 256), a few coordinates per tensor. */
    @Tag("slow")
    @ParameterizedTest
    @ValueSource(strings = {"small-k"})
    void kQuantWidthsMatchFiniteDifferences(String fixture) {
        check(fixture, 6, 2);
    }

    private static void check(String fixture, int length, int perTensor) {
        TrainableModel model = TrainableModel.load(Fixtures.dir(fixture));
        int[] tokens = new SplittableRandom(fixture.hashCode() + 1).ints(length, 0, model.config().vocabSize()).toArray();
        model.forward(tokens);
        double base = model.loss();
        assertThat(base).isBetween(0.1, 50.0);
        model.backward();
        // snapshot analytic gradients: the FD forwards do not touch them, but keep them safe from later backwards
        FiniteDifferenceCheck fd = new FiniteDifferenceCheck(() -> {
            model.forward(tokens);
            return model.loss();
        }, () -> model.routing().stream().map(java.util.Arrays::toString).collect(Collectors.joining(";")));
        List<FiniteDifferenceCheck.Point> points = new ArrayList<>();
        int tensors = 0;
        for (Param p : model.params().values()) {
            if (!p.trainable()) continue;
            tensors++;
            double[] analytic = p.grad().clone();
            List<FiniteDifferenceCheck.Point> got = fd.check(p.name(), p.value(), analytic, perTensor, p.name().hashCode());
            points.addAll(got);
        }
        assertThat(tensors).isGreaterThan(10);
        assertThat(points.size()).as("compared coordinates (%d skipped for routing flips)", fd.skipped())
                .isGreaterThan(tensors * Math.min(perTensor, 3) / 2);
        List<FiniteDifferenceCheck.Point> bad = points.stream().filter(pt -> !pt.agrees(1e-8, 1e-5)).toList();
        assertThat(bad).as(fixture).isEmpty();
        // the gradient is not trivially zero
        assertThat(points.stream().filter(pt -> Math.abs(pt.analytic()) > 1e-6).count()).isGreaterThan(points.size() / 3);
    }
}

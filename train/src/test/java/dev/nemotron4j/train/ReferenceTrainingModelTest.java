package dev.nemotron4j.train;

import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.ReferenceTrainingModel;
import dev.nemotron4j.train.model.TrainableModel;
import dev.nemotron4j.train.model.TrainingModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The reference adapter's packing semantics on tiny-a: a packed row is its documents trained separately (no state
 * or attention crosses a boundary), masked positions drop out, the scale multiplies the gradient, gradients add up
 * across calls, and the expert load counts every routed token.
 */
class ReferenceTrainingModelTest {
    static final String FIXTURE = "tiny-a";

    static int[] tokens(long seed, int n, int vocab) {
        return new SplittableRandom(seed).ints(n, 0, vocab).toArray();
    }

    static Map<String, double[]> grads(Map<String, Param> params) {
        Map<String, double[]> g = new LinkedHashMap<>();
        for (Param p : params.values()) if (p.trainable()) g.put(p.name(), p.grad().clone());
        return g;
    }

    static void zero(Map<String, Param> params) {
        for (Param p : params.values()) p.zeroGrad();
    }

    @Test
    void packedRowEqualsItsDocumentsTrainedAlone() {
        TrainableModel plain = TrainableModel.load(Fixtures.dir(FIXTURE));
        int vocab = plain.config().vocabSize();
        int[] a = tokens(1, 9, vocab), b = tokens(2, 6, vocab);
        // expected: Σ over both documents of (T−1)·mean CE and its gradient, times the scale
        double scale = 0.125;
        plain.forward(a);
        plain.backward();
        double lossA = plain.loss() * (a.length - 1);
        Map<String, double[]> gA = grads(plain.params());
        plain.forward(b);
        plain.backward();
        double lossB = plain.loss() * (b.length - 1);
        Map<String, double[]> gB = grads(plain.params());

        ReferenceTrainingModel model = ReferenceTrainingModel.load(Fixtures.dir(FIXTURE));
        int[] row = new int[a.length + b.length];
        System.arraycopy(a, 0, row, 0, a.length);
        System.arraycopy(b, 0, row, a.length, b.length);
        boolean[] mask = new boolean[row.length];
        for (int t = 0; t < row.length; t++) mask[t] = t != a.length - 1 && t != row.length - 1;
        zero(model.params());
        TrainingModel.LossSum sum = model.accumulate(new PackedSequence(row, mask, new int[] {0, a.length}), scale);
        assertThat(sum.count()).isEqualTo(a.length - 1 + b.length - 1);
        assertThat(sum.sum()).isCloseTo(lossA + lossB, within(1e-10));
        Map<String, double[]> got = grads(model.params());
        for (String name : got.keySet()) {
            double[] g = got.get(name), ea = gA.get(name), eb = gB.get(name);
            for (int i = 0; i < g.length; i++) {
                double expected = scale * ((a.length - 1) * ea[i] + (b.length - 1) * eb[i]);
                assertThat(g[i]).as("%s[%d]", name, i).isCloseTo(expected, within(1e-12 + 1e-9 * Math.abs(expected)));
            }
        }
        // a second call adds the same again
        model.accumulate(new PackedSequence(row, mask, new int[] {0, a.length}), scale);
        Map<String, double[]> twice = grads(model.params());
        for (String name : got.keySet()) {
            for (int i = 0; i < got.get(name).length; i++) {
                assertThat(twice.get(name)[i]).isCloseTo(2 * got.get(name)[i], within(1e-15 + 1e-12 * Math.abs(got.get(name)[i])));
            }
        }
    }

    @Test
    void maskedPositionsDoNotCountAndDocumentsAreIsolated() {
        ReferenceTrainingModel model = ReferenceTrainingModel.load(Fixtures.dir(FIXTURE));
        int vocab = model.config().vocabSize();
        int[] row = tokens(3, 16, vocab);
        boolean[] mask = new boolean[16];
        for (int t = 8; t < 15; t++) mask[t] = true; // only the second document's predictions
        TrainingModel.LossSum full = model.accumulate(new PackedSequence(row, mask, new int[] {0, 8}), 1);
        assertThat(full.count()).isEqualTo(7);
        // changing the first document changes nothing of the second's loss
        int[] other = row.clone();
        for (int t = 0; t < 8; t++) other[t] = (other[t] + 5) % vocab;
        TrainingModel.LossSum changed = model.accumulate(new PackedSequence(other, mask, new int[] {0, 8}), 1);
        assertThat(changed.sum()).isEqualTo(full.sum());
        // without the boundary the second half sees the first: a different loss
        TrainingModel.LossSum joined = model.accumulate(new PackedSequence(other, mask, new int[] {0}), 1);
        assertThat(joined.sum()).isNotCloseTo(full.sum(), within(1e-6));
    }

    @Test
    void expertLoadCountsEveryRoutedToken() {
        ReferenceTrainingModel model = ReferenceTrainingModel.load(Fixtures.dir(FIXTURE));
        int vocab = model.config().vocabSize(), k = model.config().numExpertsPerTok();
        int[] row = tokens(4, 12, vocab);
        boolean[] mask = new boolean[12];
        java.util.Arrays.fill(mask, 0, 11, true);
        mask[4] = false; // the first document's last token
        model.accumulate(new PackedSequence(row, mask, new int[] {0, 5}), 1.0 / 10);
        long[][] load = model.expertLoad();
        assertThat(load).hasNumberOfRows((int) model.config().countLayers(dev.nemotron4j.engine.model.LayerType.MOE));
        for (long[] layer : load) {
            assertThat(layer).hasSize(model.config().nRoutedExperts());
            assertThat(java.util.Arrays.stream(layer).sum()).isEqualTo(12L * k);
        }
        model.resetExpertLoad();
        assertThat(java.util.Arrays.stream(model.expertLoad()[0]).sum()).isZero();
    }

    @Test
    void auxLossAddsTheBalancingGradientToTheRouterOnly() {
        ReferenceTrainingModel model = ReferenceTrainingModel.load(Fixtures.dir(FIXTURE));
        int vocab = model.config().vocabSize();
        int[] row = tokens(6, 10, vocab);
        boolean[] mask = new boolean[10];
        java.util.Arrays.fill(mask, 0, 9, true);
        PackedSequence seq = new PackedSequence(row, mask, new int[] {0});
        model.accumulate(seq, 1.0 / 9);
        Map<String, double[]> without = grads(model.params());
        zero(model.params());
        model.setSequenceAuxLossCoefficient(1e-2);
        TrainingModel.LossSum with = model.accumulate(seq, 1.0 / 9);
        Map<String, double[]> withAux = grads(model.params());
        List<String> changed = new ArrayList<>();
        for (String name : without.keySet()) {
            double[] x = without.get(name), y = withAux.get(name);
            for (int i = 0; i < x.length; i++) {
                if (x[i] != y[i]) {
                    changed.add(name);
                    break;
                }
            }
        }
        // tiny-a is MEM*EME (MoE layers 1, 4, 6): every router changes, and (through the routers' input gradient) the
        // layers below them; nothing above the last MoE layer, nor that layer's own experts, sees the balancing loss
        assertThat(changed).contains("backbone.layers.1.mixer.gate.weight", "backbone.layers.4.mixer.gate.weight",
                "backbone.layers.6.mixer.gate.weight", "backbone.layers.5.mixer.in_proj.weight", "backbone.layers.0.mixer.in_proj.weight");
        assertThat(changed).noneMatch(n -> n.startsWith("backbone.layers.6.mixer.experts.") || n.startsWith("backbone.layers.6.mixer.shared")
                || n.startsWith("lm_head") || n.startsWith("backbone.norm_f"));
        assertThat(with.count()).isEqualTo(9);
        assertThatThrownBy(() -> model.setSequenceAuxLossCoefficient(-1)).hasMessageContaining(">= 0");
    }

    @Test
    void malformedRowsAreClearErrors() {
        ReferenceTrainingModel model = ReferenceTrainingModel.load(Fixtures.dir(FIXTURE));
        int[] row = {1, 2, 3, 4};
        assertThatThrownBy(() -> model.accumulate(new PackedSequence(row, new boolean[3], new int[] {0}), 1))
                .hasMessageContaining("3 entries for 4 tokens");
        assertThatThrownBy(() -> model.accumulate(new PackedSequence(row, new boolean[4], new int[] {1}), 1))
                .hasMessageContaining("begin with 0");
        assertThatThrownBy(() -> model.accumulate(new PackedSequence(row, new boolean[] {true, false, true, true}, new int[] {0}), 1))
                .hasMessageContaining("position 3");
        assertThatThrownBy(() -> model.accumulate(new PackedSequence(new int[] {1, 9999}, new boolean[] {true, false}, new int[] {0}), 1))
                .hasMessageContaining("9999");
    }
}

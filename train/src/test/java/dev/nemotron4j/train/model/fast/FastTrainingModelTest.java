package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.train.Fixtures;
import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.ReferenceTrainingModel;
import dev.nemotron4j.train.model.TrainableModel;
import dev.nemotron4j.train.model.TrainingModel.LossSum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The float32 batched model against the double reference ({@link TrainableModel}, itself checked against finite
 * differences) on the tiny fixtures: the loss within {@value #LOSS_REL} relative, and every parameter tensor's
 * gradient with {@code max |fast − reference| ≤ }{@value #GRAD_REL}{@code × max |reference|} per tensor. The
 * reference runs one document at a time; the loss of a subset of positions comes from prefix runs (the model is
 * causal, so the loss at t is S(t+2) − S(t+1), S(n) being the summed loss of the first n tokens).
 */
class FastTrainingModelTest {
    static final double LOSS_REL = 1e-5;
    static final double GRAD_REL = 1e-4;

    /** Summed masked loss and its gradient from the reference. */
    record Expected(double loss, long count, Map<String, double[]> grads) {}

    static Expected reference(TrainableModel ref, PackedSequence seq, double scale) {
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (Param p : ref.params().values()) grads.put(p.name(), new double[p.size()]);
        int[] starts = seq.segmentStarts();
        double loss = 0;
        long count = 0;
        for (int s = 0; s < starts.length; s++) {
            int s0 = starts[s], s1 = s + 1 < starts.length ? starts[s + 1] : seq.tokens().length, len = s1 - s0;
            double[] coef = new double[len + 1]; // coefficient of S(n), the summed loss of the first n tokens
            for (int t = 0; t < len; t++) {
                if (!seq.targetMask()[s0 + t]) continue;
                count++;
                coef[t + 2] += 1;
                coef[t + 1] -= 1;
            }
            for (int n = 2; n <= len; n++) {
                if (coef[n] == 0) continue;
                ref.forward(Arrays.copyOfRange(seq.tokens(), s0, s0 + n));
                double w = coef[n] * (n - 1); // the reference's loss is the mean over n − 1 positions
                loss += w * ref.loss();
                ref.backward();
                for (Param p : ref.params().values()) {
                    double[] g = grads.get(p.name());
                    for (int i = 0; i < g.length; i++) g[i] += w * scale * p.grad()[i];
                }
            }
        }
        for (Param p : ref.params().values()) p.zeroGrad();
        return new Expected(loss, count, grads);
    }

    static void assertMatches(TrainableModel ref, LossSum got, Expected want, String what) {
        assertThat(got.count()).as(what + ": masked positions").isEqualTo(want.count());
        assertThat(Math.abs(got.sum() - want.loss())).as(what + ": loss %s vs reference %s", got.sum(), want.loss())
                .isLessThanOrEqualTo(LOSS_REL * Math.abs(want.loss()));
        int compared = 0;
        double worst = 0;
        String worstName = "";
        StringBuilder bad = new StringBuilder();
        for (Param p : ref.params().values()) {
            double[] expected = want.grads().get(p.name());
            double max = 0, diff = 0;
            for (int i = 0; i < expected.length; i++) {
                max = Math.max(max, Math.abs(expected[i]));
                diff = Math.max(diff, Math.abs(expected[i] - p.grad()[i]));
            }
            if (!p.trainable()) {
                assertThat(diff).as(p.name() + " (not trainable) gets no gradient").isZero();
                continue;
            }
            compared++;
            if (max > 1e-9 && diff / max > worst) {
                worst = diff / max;
                worstName = p.name();
            }
            if (diff > GRAD_REL * max + 1e-12) bad.append(String.format("%n  %s: max diff %.3e, max |grad| %.3e (ratio %.2e)", p.name(), diff, max, diff / max));
        }
        System.out.printf("%s: loss rel. error %.2e, worst gradient tensor %s: max diff / max |grad| = %.2e%n", what,
                Math.abs(got.sum() - want.loss()) / Math.abs(want.loss()), worstName, worst);
        assertThat(compared).isGreaterThan(10);
        assertThat(bad.toString()).as(what + ": tensors beyond tolerance").isEmpty();
    }

    static PackedSequence sequence(int vocab, long seed, int[] docLengths, boolean randomMask) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int total = Arrays.stream(docLengths).sum();
        int[] tokens = rnd.ints(total, 0, vocab).toArray();
        boolean[] mask = new boolean[total];
        int[] starts = new int[docLengths.length];
        int at = 0;
        for (int d = 0; d < docLengths.length; d++) {
            starts[d] = at;
            for (int t = at; t < at + docLengths[d] - 1; t++) mask[t] = !randomMask || rnd.nextInt(3) != 0;
            at += docLengths[d];
        }
        return new PackedSequence(tokens, mask, starts);
    }

    private static void check(String fixture, int[] docs, boolean randomMask, double scale, long seed) {
        TrainableModel ref = TrainableModel.load(Fixtures.dir(fixture));
        PackedSequence seq = sequence(ref.config().vocabSize(), seed, docs, randomMask);
        Expected want = reference(ref, seq, scale);
        try (FastTrainingModel fast = FastTrainingModel.create(ref.config(), ref.params(), 2)) {
            LossSum got = fast.accumulate(seq, scale);
            assertMatches(ref, got, want, fixture + " " + Arrays.toString(docs));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c", "tiny-d"})
    void oneDocumentMatchesTheReference(String fixture) {
        check(fixture, new int[] {24}, false, 1.0 / 23, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c", "tiny-d"})
    void packedDocumentsMatchTheReference(String fixture) {
        check(fixture, new int[] {7, 1, 11, 2, 9}, false, 0.5, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c", "tiny-d"})
    void maskedPositionsMatchTheReference(String fixture) {
        check(fixture, new int[] {10, 14}, true, 1.0, 3);
    }

    /** With the sequence-wise balancing loss on, against {@link ReferenceTrainingModel} (which defines it). */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-c"})
    void balancingLossMatchesTheReferenceModel(String fixture) {
        TrainableModel model = TrainableModel.load(Fixtures.dir(fixture));
        ReferenceTrainingModel ref = new ReferenceTrainingModel(model);
        PackedSequence seq = sequence(model.config().vocabSize(), 7, new int[] {9, 13, 6}, true);
        double scale = 0.1, alpha = 0.5;
        ref.setSequenceAuxLossCoefficient(alpha);
        LossSum r = ref.accumulate(seq, scale);
        Map<String, double[]> want = new LinkedHashMap<>();
        for (Param p : model.params().values()) {
            want.put(p.name(), p.grad().clone());
            p.zeroGrad();
        }
        try (FastTrainingModel fast = FastTrainingModel.create(model.config(), model.params(), 2)) {
            LossSum plain = fast.accumulate(seq, scale);
            Map<String, double[]> without = new LinkedHashMap<>();
            for (Param p : model.params().values()) {
                without.put(p.name(), p.grad().clone());
                p.zeroGrad();
            }
            fast.setSequenceAuxLossCoefficient(alpha);
            LossSum got = fast.accumulate(seq, scale);
            assertThat(got).as("the balancing loss is not part of the returned loss").isEqualTo(plain);
            assertMatches(model, got, new Expected(r.sum(), r.count(), want), fixture + " with α " + alpha);
            // the balancing term is large enough here for the comparison to see it
            double gateChange = 0, gateMax = 0;
            for (Param p : model.params().values()) {
                if (!p.name().endsWith("gate.weight")) continue;
                for (int i = 0; i < p.size(); i++) {
                    gateChange = Math.max(gateChange, Math.abs(p.grad()[i] - without.get(p.name())[i]));
                    gateMax = Math.max(gateMax, Math.abs(p.grad()[i]));
                }
            }
            assertThat(gateChange).isGreaterThan(100 * GRAD_REL * gateMax);
            assertThatThrownBy(() -> fast.setSequenceAuxLossCoefficient(-1)).hasMessageContaining(">= 0");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-c", "tiny-d"})
    void oneAndTwoThreadsGiveBitIdenticalGradients(String fixture) {
        TrainableModel ref = TrainableModel.load(Fixtures.dir(fixture));
        PackedSequence seq = sequence(ref.config().vocabSize(), 4, new int[] {24, 9, 15}, true);
        Map<String, double[]> first = new LinkedHashMap<>();
        double[] losses = new double[2];
        for (int threads = 1; threads <= 2; threads++) {
            for (Param p : ref.params().values()) p.zeroGrad();
            try (FastTrainingModel fast = FastTrainingModel.create(ref.config(), ref.params(), threads)) {
                losses[threads - 1] = fast.accumulate(seq, 0.01).sum();
            }
            for (Param p : ref.params().values()) {
                if (threads == 1) first.put(p.name(), p.grad().clone());
                else assertThat(p.grad()).as(p.name()).isEqualTo(first.get(p.name()));
            }
        }
        assertThat(losses[1]).isEqualTo(losses[0]);
        assertThat(first.values().stream().filter(g -> Arrays.stream(g).anyMatch(v -> v != 0)).count()).isGreaterThan(10);
    }

    @Test
    void accumulateAddsAndParametersChangedRefreshes() {
        TrainableModel ref = TrainableModel.load(Fixtures.dir("tiny-a"));
        PackedSequence seq = sequence(ref.config().vocabSize(), 5, new int[] {12, 8}, false);
        try (FastTrainingModel fast = FastTrainingModel.create(ref.config(), ref.params(), 2)) {
            Param emb = ref.params().get("backbone.embeddings.weight");
            LossSum a = fast.accumulate(seq, 1.0);
            double[] once = emb.grad().clone();
            LossSum b = fast.accumulate(seq, 1.0);
            assertThat(b).isEqualTo(a);
            for (int i = 0; i < once.length; i++) assertThat(emb.grad()[i]).isEqualTo(2 * once[i]);
            // change a weight: the fast model sees it only after parametersChanged()
            Param head = ref.params().get("lm_head.weight");
            for (int i = 0; i < head.size(); i++) head.value()[i] *= 1.5;
            assertThat(fast.accumulate(seq, 1.0).sum()).isEqualTo(a.sum());
            fast.parametersChanged();
            double changed = fast.accumulate(seq, 1.0).sum();
            Expected want = reference(ref, seq, 1.0);
            assertThat(changed).isNotEqualTo(a.sum());
            assertThat(Math.abs(changed - want.loss())).isLessThanOrEqualTo(LOSS_REL * want.loss());
        }
    }

    @Test
    void expertLoadCountsRoutedTokens() {
        TrainableModel ref = TrainableModel.load(Fixtures.dir("tiny-c"));
        try (FastTrainingModel fast = FastTrainingModel.create(ref.config(), ref.params(), 1)) {
            fast.accumulate(sequence(ref.config().vocabSize(), 6, new int[] {30}, false), 1.0);
            long[][] load = fast.expertLoad();
            assertThat(load).hasNumberOfRows((int) ref.config().layers().stream().filter(t -> t.name().equals("MOE")).count());
            for (long[] row : load) {
                assertThat(row).hasSize(ref.config().nRoutedExperts());
                assertThat(Arrays.stream(row).sum()).isEqualTo(30L * ref.config().numExpertsPerTok());
            }
            fast.resetExpertLoad();
            assertThat(Arrays.stream(fast.expertLoad()).flatMapToLong(Arrays::stream).sum()).isZero();
        }
    }

    @Test
    void badRowsAreRefusedNamingTheProblem() {
        TrainableModel ref = TrainableModel.load(Fixtures.dir("tiny-a"));
        int vocab = ref.config().vocabSize();
        try (FastTrainingModel fast = FastTrainingModel.create(ref.config(), ref.params(), 1)) {
            assertThatThrownBy(() -> fast.accumulate(new PackedSequence(new int[] {1, vocab, 2}, new boolean[3], new int[] {0}), 1))
                    .hasMessageContaining("token id " + vocab + " at position 1");
            assertThatThrownBy(() -> fast.accumulate(new PackedSequence(new int[] {1, 2, 3}, new boolean[] {false, true, true}, new int[] {0}), 1))
                    .hasMessageContaining("targetMask[2]");
            assertThatThrownBy(() -> fast.accumulate(new PackedSequence(new int[] {1, 2, 3}, new boolean[] {true, false, false}, new int[] {0, 1}), 1))
                    .hasMessageContaining("targetMask[0]");
            assertThatThrownBy(() -> fast.accumulate(new PackedSequence(new int[] {1, 2, 3}, new boolean[3], new int[] {1}), 1))
                    .hasMessageContaining("segmentStarts");
            assertThatThrownBy(() -> fast.accumulate(new PackedSequence(new int[] {1, 2, 3}, new boolean[2], new int[] {0}), 1))
                    .hasMessageContaining("targetMask");
        }
        for (Param p : ref.params().values()) assertThat(Arrays.stream(p.grad()).allMatch(v -> v == 0)).as(p.name()).isTrue();
    }
}

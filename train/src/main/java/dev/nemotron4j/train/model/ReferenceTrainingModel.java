package dev.nemotron4j.train.model;

import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.layers.MoeLayer;
import dev.nemotron4j.train.layers.Param;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The double-precision {@link TrainableModel} as a {@link TrainingModel}: every document of a packed row runs its
 * own forward and backward from a zero state (so no state or attention crosses a boundary), one after the other.
 * Slow and allocating, but every number is the finite-difference-checked reference; the fast float32 model is
 * checked against it.
 *
 * <p>The sequence-wise balancing loss is computed per document (a document is the "sequence" that state and
 * attention see) and weighted by {@code α × scale × (the document's target count)}: with the loop's
 * {@code scale = 1 / (the step's target count)} that is the average over the step's documents weighted by their
 * share of the step's targets — the plain average when documents carry equal counts.
 */
public final class ReferenceTrainingModel implements TrainingModel {
    private final TrainableModel model;
    private final List<MoeLayer> moe;
    private final long[][] load;
    private double alpha;

    public ReferenceTrainingModel(TrainableModel model) {
        this.model = model;
        this.moe = model.moeLayers();
        this.load = new long[moe.size()][];
        for (int i = 0; i < moe.size(); i++) load[i] = new long[model.config().nRoutedExperts()];
    }

    /** Loads a Hugging Face model directory (widened to double). */
    public static ReferenceTrainingModel load(Path modelDir) {
        return new ReferenceTrainingModel(TrainableModel.load(modelDir));
    }

    /** The wrapped double model. */
    public TrainableModel model() {
        return model;
    }

    @Override
    public ModelConfig config() {
        return model.config();
    }

    @Override
    public Map<String, Param> params() {
        return model.params();
    }

    @Override
    public LossSum accumulate(PackedSequence sequence, double scale) {
        int[] tokens = sequence.tokens();
        boolean[] mask = sequence.targetMask();
        int[] starts = sequence.segmentStarts();
        check(tokens, mask, starts);
        double sum = 0;
        long count = 0;
        for (int s = 0; s < starts.length; s++) {
            int from = starts[s], to = s + 1 < starts.length ? starts[s + 1] : tokens.length;
            if (mask[to - 1]) {
                throw new IllegalArgumentException("target mask is set at position " + (to - 1)
                        + ", the last token of a document, which has no next token to predict");
            }
            int[] doc = Arrays.copyOfRange(tokens, from, to);
            double[] weights = new double[doc.length - 1];
            int targets = 0;
            for (int t = 0; t < weights.length; t++) {
                if (mask[from + t]) {
                    weights[t] = scale;
                    targets++;
                }
            }
            model.setAuxLossWeight(alpha * scale * targets);
            model.forward(doc, weights);
            if (targets > 0) model.accumulateBackward();
            for (int i = 0; i < moe.size(); i++) moe.get(i).addLoad(load[i]);
            sum += model.crossEntropySum();
            count += targets;
        }
        return new LossSum(sum, count);
    }

    private static void check(int[] tokens, boolean[] mask, int[] starts) {
        if (tokens.length == 0) throw new IllegalArgumentException("empty packed sequence");
        if (mask.length != tokens.length) {
            throw new IllegalArgumentException("target mask has " + mask.length + " entries for " + tokens.length + " tokens");
        }
        if (starts.length == 0 || starts[0] != 0) throw new IllegalArgumentException("segment starts must begin with 0: " + Arrays.toString(starts));
        for (int i = 1; i < starts.length; i++) {
            if (starts[i] <= starts[i - 1] || starts[i] >= tokens.length) {
                throw new IllegalArgumentException("segment starts must increase within [0, " + tokens.length + "): " + Arrays.toString(starts));
            }
        }
    }

    @Override
    public void parametersChanged() {
        // the reference model reads Param.value() directly
    }

    @Override
    public long[][] expertLoad() {
        long[][] copy = new long[load.length][];
        for (int i = 0; i < load.length; i++) copy[i] = load[i].clone();
        return copy;
    }

    @Override
    public void resetExpertLoad() {
        for (long[] l : load) Arrays.fill(l, 0);
    }

    @Override
    public void setSequenceAuxLossCoefficient(double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("aux loss coefficient must be finite and >= 0, got " + alpha);
        this.alpha = alpha;
    }
}

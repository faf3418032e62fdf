package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainableModel;
import dev.nemotron4j.train.model.TrainingModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The float32, batched {@link TrainingModel}: forward and backward of a whole packed row at once, every projection a
 * matrix-matrix product on {@link FloatGemm} (Vector API, width from {@code VectorWidth}) split over a
 * {@link WorkerPool}. The double {@link Param} arrays stay the master copy (the optimizer's); this model keeps
 * float32 working copies, refreshed by {@link #parametersChanged()}, and adds its float gradients into
 * {@link Param#grad()} at the end of every {@link #accumulate}.
 *
 * <p>Create with {@link #create(ModelConfig, Map, int)} over the parameters of a {@link TrainableModel} (the double
 * reference, which the tests check it against), or {@link #load(Path, int)} from a model directory. The training loop
 * selects it with {@code model.implementation: fast}.
 *
 * <p>Deterministic: every parallel loop gives each output one owning thread and every sum a fixed order (matrix
 * products are one fused multiply-add chain per element, cross-row sums run in row order), so the same inputs give
 * bit-identical gradients for any thread count. Buffers are sized for the longest row seen so far; a row no longer
 * than that allocates nothing. Not thread-safe: one caller at a time.
 *
 * <p>Numerics: float32 activations and products; router logits, scores and weights, softmax and log-sum-exp sums and
 * the RMSNorm reciprocal roots in double.
 */
public final class FastTrainingModel implements TrainingModel, AutoCloseable {
    private final ModelConfig config;
    private final Map<String, Param> params;
    private final WorkerPool pool;
    private final FloatGemm gemm;
    private final List<FloatWeight> weights;
    private final FloatWeight embedding;
    private final FastRmsNorm[] blockNorms;
    private final FastMixer[] mixers;
    private final FastRmsNorm finalNorm;
    private final FastLmHead head;
    private final long[][] expertLoad;
    private final SequenceLayout layout = new SequenceLayout();
    private final int hidden;
    private int capacity;
    private double auxAlpha;
    private float[] h = new float[0], mixOut = new float[0], dh = new float[0], dMix = new float[0];

    private FastTrainingModel(ModelConfig config, Map<String, Param> params, WorkerPool pool, FloatGemm gemm,
                              List<FloatWeight> weights, FloatWeight embedding, FastRmsNorm[] blockNorms, FastMixer[] mixers,
                              FastRmsNorm finalNorm, FastLmHead head, long[][] expertLoad) {
        this.config = config;
        this.params = params;
        this.pool = pool;
        this.gemm = gemm;
        this.weights = weights;
        this.embedding = embedding;
        this.blockNorms = blockNorms;
        this.mixers = mixers;
        this.finalNorm = finalNorm;
        this.head = head;
        this.expertLoad = expertLoad;
        this.hidden = config.hiddenSize();
    }

    /** Loads a Hugging Face model directory (through {@link TrainableModel#load}) and builds the fast model on its parameters. */
    public static FastTrainingModel load(Path modelDir, int threads) {
        TrainableModel reference = TrainableModel.load(modelDir);
        return create(reference.config(), reference.params(), threads);
    }

    /**
     * The fast model over {@code params} (checkpoint names as {@link TrainableModel} reads them; the same
     * {@link Param} objects, shared: their values are the master copy, their gradients receive this model's).
     *
     * @param threads threads of the model's own worker pool (the caller counts as one); close the model to stop them
     * @throws IllegalArgumentException naming the tensor when one is missing or shaped unlike the config says
     */
    public static FastTrainingModel create(ModelConfig c, Map<String, Param> params, int threads) {
        if (c.useBias() || c.attentionBias() || c.mlpBias()) {
            throw new IllegalArgumentException("projection biases (use_bias / attention_bias / mlp_bias) are not supported by training yet");
        }
        WorkerPool pool = new WorkerPool(threads);
        FloatGemm gemm = new FloatGemm(pool);
        Weights ws = new Weights(params);
        String body = bodyPrefix(params);
        int hidden = c.hiddenSize(), vocab = c.vocabSize();
        double eps = c.layerNormEpsilon();
        String embName = params.containsKey(body + "embeddings.weight") ? body + "embeddings.weight" : body + "embed_tokens.weight";
        FloatWeight emb = ws.matrix(embName, vocab, hidden);
        FastRmsNorm[] norms = new FastRmsNorm[c.numLayers()];
        FastMixer[] mixers = new FastMixer[c.numLayers()];
        int moeLayers = (int) c.countLayers(dev.nemotron4j.engine.model.LayerType.MOE);
        long[][] load = new long[moeLayers][c.nRoutedExperts()];
        int moe = 0;
        for (int i = 0; i < c.numLayers(); i++) {
            String p = body + "layers." + i + ".";
            norms[i] = new FastRmsNorm(ws.vector(p + "norm.weight", hidden), eps, hidden, pool);
            String m = p + "mixer.";
            mixers[i] = switch (c.layer(i)) {
                case MAMBA -> new FastMamba(ws.matrix(m + "in_proj.weight", c.inProjDim(), hidden),
                        ws.matrix(m + "conv1d.weight", c.convDim(), c.convKernel()),
                        c.useConvBias() ? ws.vector(m + "conv1d.bias", c.convDim()) : null,
                        ws.vector(m + "dt_bias", c.mambaNumHeads()), ws.vector(m + "A_log", c.mambaNumHeads()),
                        ws.vector(m + "D", c.mambaNumHeads()), ws.vector(m + "norm.weight", c.mambaInner()),
                        ws.matrix(m + "out_proj.weight", hidden, c.mambaInner()), eps, c.mambaNumHeads(), c.mambaHeadDim(),
                        c.ssmStateSize(), c.nGroups(), c.convKernel(), c.timeStepLimitMin(), c.timeStepLimitMax(), gemm, pool);
                case ATTENTION -> new FastAttention(
                        ws.matrix(m + "q_proj.weight", c.numAttentionHeads() * c.headDim(), hidden),
                        ws.matrix(m + "k_proj.weight", c.numKeyValueHeads() * c.headDim(), hidden),
                        ws.matrix(m + "v_proj.weight", c.numKeyValueHeads() * c.headDim(), hidden),
                        ws.matrix(m + "o_proj.weight", hidden, c.numAttentionHeads() * c.headDim()),
                        c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), gemm, pool);
                case MOE -> moe(ws, params, c, m, gemm, pool, load[moe++]);
                case MLP -> mlp(ws, m, c.intermediateSize(), hidden, gemm);
            };
        }
        String finalName = !params.containsKey(body + "norm_f.weight") && params.containsKey(body + "norm.weight") ? body + "norm.weight" : body + "norm_f.weight";
        FastRmsNorm finalNorm = new FastRmsNorm(ws.vector(finalName, hidden), eps, hidden, pool);
        FloatWeight headWeight = c.tieWordEmbeddings() && !params.containsKey("lm_head.weight") ? emb : ws.matrix("lm_head.weight", vocab, hidden);
        return new FastTrainingModel(c, params, pool, gemm, ws.all, emb, norms, mixers, finalNorm, new FastLmHead(headWeight, gemm, pool), load);
    }

    private static String bodyPrefix(Map<String, Param> params) {
        for (String b : List.of("backbone.", "model.", "model.language_model.", "")) {
            if (params.containsKey(b + "embeddings.weight") || params.containsKey(b + "embed_tokens.weight")) return b;
        }
        throw new IllegalArgumentException("no embeddings parameter (backbone.embeddings.weight or model.embed_tokens.weight)");
    }

    private static FastMoe moe(Weights ws, Map<String, Param> params, ModelConfig c, String m, FloatGemm gemm, WorkerPool pool, long[] load) {
        int hidden = c.hiddenSize(), e = c.nRoutedExperts();
        FloatWeight gate = ws.matrix(m + "gate.weight", e, hidden);
        Param bias = params.get(m + "gate.e_score_correction_bias");
        FastMlp[] experts = new FastMlp[e];
        for (int x = 0; x < e; x++) experts[x] = mlp(ws, m + "experts." + x + ".", c.moeIntermediateSize(), hidden, gemm);
        FastMlp shared = null;
        Param sharedUp = params.get(m + "shared_experts.up_proj.weight");
        if (sharedUp != null || c.nSharedExperts() > 0) {
            int width = sharedUp != null ? (int) sharedUp.shape()[0] : c.moeSharedExpertIntermediateSize();
            shared = mlp(ws, m + "shared_experts.", width, hidden, gemm);
        }
        return new FastMoe(gate, bias, experts, shared, c.numExpertsPerTok(), c.nGroup(), c.topkGroup(), c.normTopkProb(),
                c.routedScalingFactor(), gemm, pool, load);
    }

    private static FastMlp mlp(Weights ws, String p, int width, int hidden, FloatGemm gemm) {
        return new FastMlp(ws.matrix(p + "up_proj.weight", width, hidden), ws.matrix(p + "down_proj.weight", hidden, width), gemm);
    }

    /** One float working copy per parameter, however many layers read it (tied embeddings). */
    private static final class Weights {
        final Map<String, Param> params;
        final Map<Param, FloatWeight> byParam = new IdentityHashMap<>();
        final List<FloatWeight> all = new ArrayList<>();

        Weights(Map<String, Param> params) {
            this.params = params;
        }

        FloatWeight matrix(String name, int rows, int cols) {
            return get(name, rows, cols, true);
        }

        FloatWeight vector(String name, int size) {
            return get(name, 1, size, false);
        }

        private FloatWeight get(String name, int rows, int cols, boolean transposed) {
            Param p = params.get(name);
            if (p == null) throw new IllegalArgumentException("missing parameter '" + name + "'");
            if (p.size() != (long) rows * cols) {
                throw new IllegalArgumentException("parameter '" + name + "' has " + p.size() + " values, the config implies "
                        + rows + " × " + cols);
            }
            return byParam.computeIfAbsent(p, k -> {
                FloatWeight w = new FloatWeight(k, rows, cols, transposed);
                all.add(w);
                return w;
            });
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public Map<String, Param> params() {
        return params;
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) return;
        h = new float[rows * hidden];
        mixOut = new float[rows * hidden];
        dh = new float[rows * hidden];
        dMix = new float[rows * hidden];
        for (FastRmsNorm n : blockNorms) n.ensureCapacity(rows);
        for (FastMixer m : mixers) m.ensureCapacity(rows);
        finalNorm.ensureCapacity(rows);
        head.ensureCapacity(rows);
        capacity = rows;
    }

    @Override
    public LossSum accumulate(PackedSequence sequence, double scale) {
        int[] tokens = sequence.tokens();
        boolean[] mask = sequence.targetMask();
        int rows = tokens.length, vocab = config.vocabSize();
        if (rows == 0) throw new IllegalArgumentException("packed sequence: no tokens");
        if (mask == null || mask.length != rows) {
            throw new IllegalArgumentException("packed sequence: targetMask has " + (mask == null ? "no" : mask.length) + " entries for " + rows + " tokens");
        }
        layout.set(sequence, auxAlpha * scale);
        for (int t = 0; t < rows; t++) {
            if (tokens[t] < 0 || tokens[t] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[t] + " at position " + t + " is outside the vocabulary [0, " + vocab + ")");
            }
            if (mask[t] && layout.endsDocument(t)) {
                throw new IllegalArgumentException("packed sequence: targetMask[" + t + "] is set on the last token of a document (it has no next token)");
            }
        }
        ensureCapacity(rows);
        int n = rows * hidden;
        float[] emb = embedding.w;
        for (int t = 0; t < rows; t++) System.arraycopy(emb, tokens[t] * hidden, h, t * hidden, hidden);
        for (int i = 0; i < mixers.length; i++) {
            blockNorms[i].forward(h, rows);
            mixers[i].forward(blockNorms[i].out, mixOut, layout);
            RowOps.add(mixOut, 0, h, 0, n);
        }
        finalNorm.forward(h, rows);
        double loss = head.lossAndBackward(finalNorm.out, rows, tokens, mask, (float) scale, dh);
        finalNorm.backward(dh, dh);
        for (int i = mixers.length - 1; i >= 0; i--) {
            mixers[i].backward(dh, dMix);
            blockNorms[i].backward(dMix, dMix);
            RowOps.add(dMix, 0, dh, 0, n);
        }
        float[] embGrad = embedding.grad;
        for (int t = 0; t < rows; t++) RowOps.add(dh, t * hidden, embGrad, tokens[t] * hidden, hidden);
        for (FloatWeight w : weights) if (w.param.trainable()) w.flushInto();
        return new LossSum(loss, head.count());
    }

    @Override
    public void parametersChanged() {
        for (FloatWeight w : weights) w.refresh();
    }

    @Override
    public long[][] expertLoad() {
        long[][] copy = new long[expertLoad.length][];
        for (int i = 0; i < copy.length; i++) copy[i] = expertLoad[i].clone();
        return copy;
    }

    @Override
    public void resetExpertLoad() {
        for (long[] row : expertLoad) java.util.Arrays.fill(row, 0);
    }

    /**
     * α of the sequence-wise balancing loss (0 = off), as the reference model defines it: per document, α × scale ×
     * (its target count) × Σᵢ fᵢ·Pᵢ over the document's rows, in every MoE layer; its gradient reaches the router
     * and, through it, everything below. Not part of the returned loss.
     */
    @Override
    public void setSequenceAuxLossCoefficient(double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("aux loss coefficient must be finite and >= 0, got " + alpha);
        this.auxAlpha = alpha;
    }

    /** The experts each MoE layer chose in the last accumulate, layer by layer ([rows, topK] each; for tests). */
    List<int[]> routing() {
        List<int[]> all = new ArrayList<>();
        for (FastMixer m : mixers) if (m instanceof FastMoe moe) all.add(moe.chosen());
        return all;
    }

    /** Stops the worker threads. */
    @Override
    public void close() {
        pool.close();
    }
}

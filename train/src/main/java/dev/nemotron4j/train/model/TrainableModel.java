package dev.nemotron4j.train.model;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorSource;
import dev.nemotron4j.train.layers.AttentionLayer;
import dev.nemotron4j.train.layers.EmbeddingLayer;
import dev.nemotron4j.train.layers.LmHeadLoss;
import dev.nemotron4j.train.layers.MambaLayer;
import dev.nemotron4j.train.layers.MixerLayer;
import dev.nemotron4j.train.layers.MlpLayer;
import dev.nemotron4j.train.layers.MoeLayer;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.layers.RmsNormLayer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A Nemotron-H model whose parameters live in double arrays, with a forward over one sequence that remembers its
 * activations and a backward that fills every parameter's gradient (ARCHITECTURE.md §4: embed → per block
 * {@code h += mixer(RMSNorm(h))} → final RMSNorm → LM head; loss = mean next-token cross-entropy).
 */
public final class TrainableModel {
    private final ModelConfig config;
    private final Map<String, Param> params;
    private final EmbeddingLayer embedding;
    private final RmsNormLayer[] blockNorms;
    private final MixerLayer[] mixers;
    private final RmsNormLayer finalNorm;
    private final LmHeadLoss head;
    private double loss;

    private TrainableModel(ModelConfig config, Map<String, Param> params, EmbeddingLayer embedding, RmsNormLayer[] blockNorms,
                           MixerLayer[] mixers, RmsNormLayer finalNorm, LmHeadLoss head) {
        this.config = config;
        this.params = params;
        this.embedding = embedding;
        this.blockNorms = blockNorms;
        this.mixers = mixers;
        this.finalNorm = finalNorm;
        this.head = head;
    }

    /** Loads a Hugging Face model directory's checkpoint (any of the engine's float storages), widened to double. */
    public static TrainableModel load(Path modelDir) {
        ModelSource source = ModelSource.of(modelDir);
        if (!(source instanceof ModelSource.HfDirectory)) {
            throw new ModelFormatException(modelDir + ": training needs a Hugging Face model directory (config.json + model.safetensors)");
        }
        try (TensorSource tensors = source.openTensors()) {
            return build(source.config(), tensors);
        }
    }

    /** Builds the model from a config and its tensors (copied; the source may be closed afterwards). */
    public static TrainableModel build(ModelConfig c, TensorSource tensors) {
        if (c.useBias() || c.attentionBias() || c.mlpBias()) {
            throw new ModelFormatException(tensors.location() + ": projection biases (use_bias / attention_bias / mlp_bias) are not supported by training yet");
        }
        CheckpointParameters ps = new CheckpointParameters(tensors);
        String body = bodyPrefix(ps);
        int h = c.hiddenSize(), vocab = c.vocabSize();
        double eps = c.layerNormEpsilon();
        String embName = ps.find(body + "embeddings.weight").isPresent() ? body + "embeddings.weight" : body + "embed_tokens.weight";
        Param emb = ps.take(embName, true, vocab, h);
        RmsNormLayer[] norms = new RmsNormLayer[c.numLayers()];
        MixerLayer[] mixers = new MixerLayer[c.numLayers()];
        for (int i = 0; i < c.numLayers(); i++) {
            String p = body + "layers." + i + ".";
            norms[i] = new RmsNormLayer(ps.take(p + "norm.weight", true, h), eps);
            String m = p + "mixer.";
            mixers[i] = switch (c.layer(i)) {
                case MAMBA -> mamba(ps, c, m);
                case ATTENTION -> new AttentionLayer(
                        ps.take(m + "q_proj.weight", true, (long) c.numAttentionHeads() * c.headDim(), h),
                        ps.take(m + "k_proj.weight", true, (long) c.numKeyValueHeads() * c.headDim(), h),
                        ps.take(m + "v_proj.weight", true, (long) c.numKeyValueHeads() * c.headDim(), h),
                        ps.take(m + "o_proj.weight", true, h, (long) c.numAttentionHeads() * c.headDim()),
                        h, c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim());
                case MOE -> moe(ps, c, m);
                case MLP -> mlp(ps, m, c.intermediateSize(), h);
            };
        }
        String finalName = ps.find(body + "norm_f.weight").isEmpty() && ps.find(body + "norm.weight").isPresent() ? body + "norm.weight" : body + "norm_f.weight";
        RmsNormLayer finalNorm = new RmsNormLayer(ps.take(finalName, true, h), eps);
        Param headWeight = c.tieWordEmbeddings() && ps.find("lm_head.weight").isEmpty() ? emb : ps.take("lm_head.weight", true, vocab, h);
        return new TrainableModel(c, Collections.unmodifiableMap(ps.taken()), new EmbeddingLayer(emb, vocab, h), norms, mixers,
                finalNorm, new LmHeadLoss(headWeight, vocab, h));
    }

    private static String bodyPrefix(CheckpointParameters ps) {
        for (String b : List.of("backbone.", "model.", "model.language_model.", "")) {
            if (ps.find(b + "embeddings.weight").isPresent() || ps.find(b + "embed_tokens.weight").isPresent()) return b;
        }
        throw new ModelFormatException("no embeddings tensor (backbone.embeddings.weight or model.embed_tokens.weight) in the checkpoint");
    }

    private static MambaLayer mamba(CheckpointParameters ps, ModelConfig c, String m) {
        int h = c.hiddenSize(), nh = c.mambaNumHeads();
        return new MambaLayer(
                ps.take(m + "in_proj.weight", true, c.inProjDim(), h),
                ps.take(m + "conv1d.weight", true, c.convDim(), 1, c.convKernel()),
                c.useConvBias() ? ps.take(m + "conv1d.bias", true, c.convDim()) : null,
                ps.take(m + "dt_bias", true, nh), ps.take(m + "A_log", true, nh), ps.take(m + "D", true, nh),
                ps.take(m + "norm.weight", true, c.mambaInner()), ps.take(m + "out_proj.weight", true, h, c.mambaInner()),
                c.layerNormEpsilon(),
                new MambaLayer.Shape(h, nh, c.mambaHeadDim(), c.ssmStateSize(), c.nGroups(), c.convKernel(),
                        c.timeStepLimitMin(), c.timeStepLimitMax()));
    }

    private static MoeLayer moe(CheckpointParameters ps, ModelConfig c, String m) {
        int h = c.hiddenSize(), e = c.nRoutedExperts();
        if (ps.find(m + "experts.up_proj").isPresent() || ps.find(m + "experts.up_proj.weight").isPresent()) {
            throw new ModelFormatException(m + "experts.up_proj: fused expert tensors are not supported by training yet (per-expert tensors are)");
        }
        Param gate = ps.take(m + "gate.weight", true, e, h);
        String biasName = m + "gate.e_score_correction_bias";
        Param bias = ps.find(biasName).isPresent() ? ps.take(biasName, false, e) : null;
        MlpLayer[] experts = new MlpLayer[e];
        for (int x = 0; x < e; x++) experts[x] = mlp(ps, m + "experts." + x + ".", c.moeIntermediateSize(), h);
        MlpLayer shared = null;
        String sharedUp = m + "shared_experts.up_proj.weight";
        if (ps.find(sharedUp).isPresent() || c.nSharedExperts() > 0) {
            long width = ps.find(sharedUp).map(t -> t.shape()[0]).orElse((long) c.moeSharedExpertIntermediateSize());
            shared = mlp(ps, m + "shared_experts.", (int) width, h);
        }
        return new MoeLayer(gate, bias, experts, shared, h,
                new MoeLayer.Routing(c.numExpertsPerTok(), c.nGroup(), c.topkGroup(), c.normTopkProb(), c.routedScalingFactor()));
    }

    private static MlpLayer mlp(CheckpointParameters ps, String p, int width, int h) {
        return new MlpLayer(ps.take(p + "up_proj.weight", true, width, h), ps.take(p + "down_proj.weight", true, h, width), h);
    }

    public ModelConfig config() {
        return config;
    }

    /** Every parameter tensor by checkpoint name, in checkpoint-reading order (including non-trainable ones). */
    public Map<String, Param> params() {
        return params;
    }

    /** The block mixers, in layer order. */
    public List<MixerLayer> mixers() {
        return List.of(mixers);
    }

    /** Logits [T, vocab] of {@code tokens}; remembers the activations and the mean loss for {@link #backward()}. */
    public double[] forward(int[] tokens) {
        double[] x = body(tokens);
        double[] logits = head.forward(finalNorm.forward(x, tokens.length), tokens);
        loss = head.loss() + auxLoss();
        return logits;
    }

    /**
     * Logits [T, vocab] of one document {@code tokens} from a zero state; the loss is {@code Σ_t targetWeights[t] ·
     * −log p(tokens[t+1])} (T−1 weights; 0 drops a position) plus the enabled balancing losses. Remembers the
     * activations for {@link #accumulateBackward()}.
     */
    public double[] forward(int[] tokens, double[] targetWeights) {
        double[] x = body(tokens);
        double[] logits = head.forward(finalNorm.forward(x, tokens.length), tokens, targetWeights);
        loss = head.loss() + auxLoss();
        return logits;
    }

    private double[] body(int[] tokens) {
        int rows = tokens.length, h = config.hiddenSize();
        double[] x = embedding.forward(tokens);
        for (int i = 0; i < mixers.length; i++) {
            double[] out = mixers[i].forward(blockNorms[i].forward(x, rows), rows);
            double[] next = x.clone();
            for (int j = 0; j < rows * h; j++) next[j] += out[j];
            x = next;
        }
        return x;
    }

    private double auxLoss() {
        double sum = 0;
        for (MixerLayer m : mixers) if (m instanceof MoeLayer moe) sum += moe.auxLoss();
        return sum;
    }

    /** The loss of the last forward (cross-entropy as weighted, plus the balancing losses when enabled). */
    public double loss() {
        return loss;
    }

    /** The unweighted sum of −log p(target) over the positions the last forward counted. */
    public double crossEntropySum() {
        return head.crossEntropySum();
    }

    /** How many target positions the last forward counted. */
    public int targets() {
        return head.targets();
    }

    /** Weight w of every MoE layer's sequence-wise balancing loss w·Σᵢ fᵢ·Pᵢ in the next forwards (0 = off). */
    public void setAuxLossWeight(double weight) {
        for (MixerLayer m : mixers) if (m instanceof MoeLayer moe) moe.setAuxLossWeight(weight);
    }

    /** The MoE layers, in layer order. */
    public List<MoeLayer> moeLayers() {
        List<MoeLayer> all = new ArrayList<>();
        for (MixerLayer m : mixers) if (m instanceof MoeLayer moe) all.add(moe);
        return all;
    }

    /** Zeroes, then fills every trainable parameter's gradient of the last forward's loss. */
    public void backward() {
        for (Param p : params.values()) p.zeroGrad();
        accumulateBackward();
    }

    /** Adds the gradient of the last forward's loss to every trainable parameter's gradient. */
    public void accumulateBackward() {
        double[] dx = finalNorm.backward(head.backward());
        for (int i = mixers.length - 1; i >= 0; i--) {
            double[] dMix = blockNorms[i].backward(mixers[i].backward(dx));
            for (int j = 0; j < dx.length; j++) dx[j] += dMix[j];
        }
        embedding.backward(dx);
    }

    /** The experts each MoE layer chose in the last forward, layer by layer (for finite-difference checks). */
    public List<int[]> routing() {
        List<int[]> all = new ArrayList<>();
        for (MixerLayer m : mixers) if (m instanceof MoeLayer moe) all.add(moe.chosen());
        return all;
    }
}

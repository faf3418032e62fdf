package dev.nemotron4j.engine.loading;

import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.model.AttentionMixer;
import dev.nemotron4j.engine.model.DenseMlp;
import dev.nemotron4j.engine.model.ExpertRouter;
import dev.nemotron4j.engine.model.MambaMixer;
import dev.nemotron4j.engine.model.Mixer;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.MoeMixer;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.model.SquaredReluMlp;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link NemotronHModel} from a config and a {@link TensorSource}: binds every tensor named in
 * ARCHITECTURE.md §3 with its dtype and shape checked against the config. Per-expert 2-D and fused 3-D
 * expert layouts are both accepted. Tensors the model does not use are reported with a warning
 * ({@code mtp.*} heads are skipped silently, §2.2).
 */
public final class ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private ModelLoader() {}

    /** Binds the tensors of {@code source} to a model of {@code config}. The model owns the source. */
    public static NemotronHModel build(ModelConfig c, TensorSource source, WorkerPool pool) {
        return build(c, source, pool, null);
    }

    /**
     * {@link #build(ModelConfig, TensorSource, WorkerPool)} for a ModelOpt checkpoint: projections stored as FP8 or
     * NVFP4 are bound as stored ({@link ModelOptMatrices}); {@code modelOpt} null for a plain checkpoint.
     */
    public static NemotronHModel build(ModelConfig c, TensorSource source, WorkerPool pool, ModelOptQuantization modelOpt) {
        return build(c, source, pool, modelOpt, (name, m) -> m);
    }

    /** Replaces a bound weight matrix (by its tensor name) with another that computes the same, e.g. one that records ranges. */
    @FunctionalInterface
    public interface MatrixDecorator {
        WeightMatrix decorate(String tensorName, WeightMatrix matrix);
    }

    /** {@link #build(ModelConfig, TensorSource, WorkerPool, ModelOptQuantization)} with every matrix passed through {@code decorator}. */
    public static NemotronHModel build(ModelConfig c, TensorSource source, WorkerPool pool, ModelOptQuantization modelOpt, MatrixDecorator decorator) {
        WeightBinder b = new WeightBinder(source, modelOpt, decorator);
        int h = c.hiddenSize();
        String embName = b.findBody("embeddings.weight").isPresent() ? "embeddings.weight" : "embed_tokens.weight";
        WeightMatrix embeddings = b.matrix(b.bodyName(embName), c.vocabSize(), h);

        float[][] norms = new float[c.numLayers()][];
        Mixer[] mixers = new Mixer[c.numLayers()];
        for (int i = 0; i < c.numLayers(); i++) {
            String p = b.bodyName("layers." + i + ".");
            norms[i] = b.vector(p + "norm.weight", h);
            mixers[i] = switch (c.layer(i)) {
                case MAMBA -> mamba(b, c, i, p + "mixer.", pool);
                case ATTENTION -> attention(b, c, i, p + "mixer.", pool);
                case MOE -> moe(b, c, i, p + "mixer.", pool);
                case MLP -> new DenseMlp(mlp(b, p + "mixer.", c.intermediateSize(), h, c.mlpBias()), pool);
            };
        }
        String finalName = b.findBody("norm_f.weight").isEmpty() && b.findBody("norm.weight").isPresent() ? "norm.weight" : "norm_f.weight";
        float[] finalNorm = b.vector(b.bodyName(finalName), h);
        WeightMatrix head;
        if (c.tieWordEmbeddings() && source.find("lm_head.weight").isEmpty()) {
            head = embeddings;
        } else {
            head = b.matrix("lm_head.weight", c.vocabSize(), h);
        }
        reportUnused(b, source);
        return new NemotronHModel(c, source, embeddings, norms, mixers, finalNorm, head, pool);
    }

    private static MambaMixer mamba(WeightBinder b, ModelConfig c, int layer, String p, WorkerPool pool) {
        int h = c.hiddenSize(), cd = c.convDim(), nh = c.mambaNumHeads(), k = c.convKernel();
        WeightMatrix inProj = b.matrix(p + "in_proj.weight", c.inProjDim(), h);
        TensorInfo conv = b.require(p + "conv1d.weight");
        if (conv.rank() == 2) b.checkShape(conv, cd, k);
        else b.checkShape(conv, cd, 1, k);
        b.checkFloat(conv);
        float[] convW = WeightBinder.widen(conv);
        float[] convB = c.useConvBias() ? b.vector(p + "conv1d.bias", cd) : null;
        float[] dtBias = b.vector(p + "dt_bias", nh);
        float[] aLog = b.vector(p + "A_log", nh);
        float[] d = b.vector(p + "D", nh);
        float[] norm = b.vector(p + "norm.weight", c.mambaInner());
        WeightMatrix outProj = b.matrix(p + "out_proj.weight", h, c.mambaInner());
        float[] inBias = c.useBias() ? b.vector(p + "in_proj.bias", c.inProjDim()) : null;
        float[] outBias = c.useBias() ? b.vector(p + "out_proj.bias", h) : null;
        return new MambaMixer(layer, c, inProj, inBias, convW, convB, dtBias, aLog, d, norm, outProj, outBias, pool);
    }

    private static AttentionMixer attention(WeightBinder b, ModelConfig c, int layer, String p, WorkerPool pool) {
        int h = c.hiddenSize(), q = c.numAttentionHeads() * c.headDim(), kv = c.numKeyValueHeads() * c.headDim();
        boolean bias = c.attentionBias();
        AttentionMixer mixer = new AttentionMixer(layer, c,
                b.matrix(p + "q_proj.weight", q, h), b.matrix(p + "k_proj.weight", kv, h),
                b.matrix(p + "v_proj.weight", kv, h), b.matrix(p + "o_proj.weight", h, q),
                bias ? b.vector(p + "q_proj.bias", q) : null, bias ? b.vector(p + "k_proj.bias", kv) : null,
                bias ? b.vector(p + "v_proj.bias", kv) : null, bias ? b.vector(p + "o_proj.bias", h) : null, pool);
        // FP8 KV-cache calibration of a ModelOpt checkpoint: used only by an FP8 cache (KvCacheType.FP8)
        mixer.setKvCacheScales(cacheScale(b, p + "k_proj.k_scale"), cacheScale(b, p + "v_proj.v_scale"));
        return mixer;
    }

    /** A KV-cache scale tensor (a positive finite float scalar), or 1 when absent. */
    private static float cacheScale(WeightBinder b, String name) {
        if (b.find(name).isEmpty()) return 1f;
        TensorInfo t = b.require(name);
        if (t.elementCount() != 1 || t.rank() > 1) {
            throw new ModelFormatException(WeightBinder.where(t) + ": shape " + t.shapeString() + ": a KV-cache scale is one value (shape [] or [1])");
        }
        b.checkFloat(t);
        float v = WeightBinder.widen(t)[0];
        if (!(v > 0) || !Float.isFinite(v)) throw new ModelFormatException(WeightBinder.where(t) + ": KV-cache scale " + v + " is not positive and finite");
        return v;
    }

    private static MoeMixer moe(WeightBinder b, ModelConfig c, int layer, String p, WorkerPool pool) {
        int h = c.hiddenSize(), e = c.nRoutedExperts(), f = c.moeIntermediateSize();
        WeightMatrix gate = b.matrix(p + "gate.weight", e, h);
        String biasName = p + "gate.e_score_correction_bias";
        float[] corr = b.find(biasName).isPresent() ? b.vector(biasName, e) : null;
        ExpertRouter router = new ExpertRouter(gate, corr, c, pool);

        SquaredReluMlp[] experts = new SquaredReluMlp[e];
        Optional<String> fusedUp = firstPresent(b, p + "experts.up_proj", p + "experts.up_proj.weight");
        if (fusedUp.isPresent()) {
            String downName = firstPresent(b, p + "experts.down_proj", p + "experts.down_proj.weight")
                    .orElseThrow(() -> new ModelFormatException(b.bodyName("") + ": missing tensor '" + p + "experts.down_proj' (fused layout)"));
            WeightMatrix[] ups = b.experts(fusedUp.get(), e, f, h);
            WeightMatrix[] downs = b.experts(downName, e, h, f);
            for (int x = 0; x < e; x++) experts[x] = new SquaredReluMlp(ups[x], downs[x], null, null);
        } else {
            for (int x = 0; x < e; x++) experts[x] = mlp(b, p + "experts." + x + ".", f, h, c.mlpBias());
        }

        SquaredReluMlp shared = null;
        String sharedUp = p + "shared_experts.up_proj.weight";
        if (b.find(sharedUp).isPresent() || c.nSharedExperts() > 0) {
            // HF builds one shared MLP of width S; vLLM of width S × n_shared (§12 D6): accept either.
            TensorInfo up = b.require(sharedUp);
            int s = (int) up.shape()[0];
            int hf = c.moeSharedExpertIntermediateSize(), vllm = hf * Math.max(1, c.nSharedExperts());
            if (up.rank() != 2 || (s != hf && s != vllm)) {
                throw new ModelFormatException(WeightBinder.where(up) + ": shape " + up.shapeString()
                        + " disagrees with the config, which implies [" + hf + ", " + h + "]");
            }
            shared = mlp(b, p + "shared_experts.", s, h, c.mlpBias());
        }
        return new MoeMixer(layer, c, router, experts, shared, pool);
    }

    private static SquaredReluMlp mlp(WeightBinder b, String p, int width, int h, boolean bias) {
        return new SquaredReluMlp(b.matrix(p + "up_proj.weight", width, h), b.matrix(p + "down_proj.weight", h, width),
                bias ? b.vector(p + "up_proj.bias", width) : null, bias ? b.vector(p + "down_proj.bias", h) : null);
    }

    private static Optional<String> firstPresent(WeightBinder b, String... fullNames) {
        for (String n : fullNames) {
            if (b.find(n).isPresent()) return Optional.of(n);
        }
        return Optional.empty();
    }

    private static void reportUnused(WeightBinder b, TensorSource source) {
        Set<String> unused = b.unused();
        unused.removeIf(n -> n.startsWith("mtp.") || n.contains(".mtp."));
        if (!unused.isEmpty()) {
            LOG.warn("{}: ignoring {} tensor(s) the model does not use: {}", source.location(), unused.size(),
                    unused.size() > 8 ? String.join(", ", unused.stream().limit(8).toList()) + ", ..." : String.join(", ", unused));
        }
    }
}

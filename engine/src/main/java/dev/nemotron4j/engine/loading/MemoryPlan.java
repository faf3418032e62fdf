package dev.nemotron4j.engine.loading;

import dev.nemotron4j.engine.model.LayerType;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.state.KvCacheType;

/**
 * What running a model takes in memory, from its configuration. The weights stay in the memory-mapped files
 * (page cache, shared, never copied to the heap); everything else is Java heap:
 * <ul>
 *   <li>per sequence: the fixed Mamba state (conv rows + SSM state, float32, per Mamba layer) and the attention
 *       cache, which grows with the context ({@link #kvBytesPerToken});</li>
 *   <li>per forward pass: the activations of its rows ({@link #activationBytesPerRow}, one set shared by all
 *       layers plus the attention and routing buffers each such layer keeps) and the logits of the rows that
 *       need them;</li>
 *   <li>the vocabulary: GGUF metadata strings and, for text, the tokenizer's tables.</li>
 * </ul>
 * {@link #heapBytes} adds these for a {@link Workload} — the launcher sizes the JVM heap with it.
 *
 * @param weightBytes bytes of the weight files (mapped, not heap)
 */
public record MemoryPlan(ModelConfig config, long weightBytes) {

    /** Runtime objects, worker pool and per-thread kernel scratch, the JIT's early garbage that survives: measured ~20 MB. */
    public static final long RUNTIME_BYTES = 48L << 20;
    /** The young generation the launcher gives the heap (-Xmn): where every step's short-lived objects die. */
    public static final long YOUNG_BYTES = 32L << 20;
    /** GGUF metadata strings (tokens, merges) held while the file is open, per vocabulary entry. */
    static final long METADATA_BYTES_PER_TOKEN = 256;
    /** The tokenizer's tables (vocabulary, merges, caches) and per-token text tables, per vocabulary entry: 46 MB measured for 128K tokens + 280K merges. */
    static final long TEXT_BYTES_PER_TOKEN = 512;
    /** Old-generation headroom over the live set, so promotions do not force a full collection at every step. */
    static final double OLD_HEADROOM = 1.25;

    /** Fixed recurrent state of one sequence: conv rows and SSM state of every Mamba layer, float32. */
    public long mambaStateBytes() {
        ModelConfig c = config;
        long perLayer = (long) (c.convKernel() - 1) * c.convDim() + (long) c.mambaNumHeads() * c.mambaHeadDim() * c.ssmStateSize();
        return 4L * perLayer * c.countLayers(LayerType.MAMBA);
    }

    /** Attention cache bytes one token adds to one attention layer: keys and values of every KV head. */
    public long kvBytesPerTokenPerLayer(KvCacheType type) {
        return 2L * config.numKeyValueHeads() * config.headDim() * type.bytesPerElement();
    }

    /** Attention cache bytes one token adds to a sequence (all attention layers). */
    public long kvBytesPerToken(KvCacheType type) {
        return kvBytesPerTokenPerLayer(type) * config.countLayers(LayerType.ATTENTION);
    }

    /** State of one sequence holding {@code tokens} positions. */
    public long sequenceBytes(long tokens, KvCacheType type) {
        return mambaStateBytes() + kvBytesPerToken(type) * tokens;
    }

    /** Logits of one row, float32. */
    public long logitsBytesPerRow() {
        return 4L * config.vocabSize();
    }

    /**
     * Activation bytes per row of a forward pass: the residual stream and its norms, the largest layer's projections
     * (shared by all layers), and the buffers each attention and MoE layer keeps for its rows.
     */
    public long activationBytesPerRow() {
        ModelConfig c = config;
        long floats = 4L * c.hiddenSize(); // residual, normed input, mixer output, head input
        if (c.countLayers(LayerType.MAMBA) > 0) floats += c.inProjDim() + c.convDim() + c.mambaNumHeads() + 2L * c.mambaInner();
        long moe = c.countLayers(LayerType.MOE);
        if (moe > 0) {
            int width = Math.max(c.moeIntermediateSize(), c.moeSharedExpertIntermediateSize() * Math.max(1, c.nSharedExperts()));
            floats += 2L * c.hiddenSize() + width; // gathered rows, expert output, expert hidden (shared)
            floats += moe * (2L * c.nRoutedExperts() + 4L * c.numExpertsPerTok()); // router scores and routing tables per layer
        }
        floats += c.countLayers(LayerType.ATTENTION) * 2L * ((long) c.numAttentionHeads() * c.headDim() + (long) c.numKeyValueHeads() * c.headDim());
        floats += c.countLayers(LayerType.MLP) * (long) c.intermediateSize();
        return 4L * floats;
    }

    /**
     * Java heap a workload needs: runtime, young generation, and the live set with old-generation headroom
     * (vocabulary tables, sequence states with one cache mid-doubling, activations, logits).
     */
    public long heapBytes(Workload w) {
        long vocab = config.vocabSize();
        long live = vocab * (METADATA_BYTES_PER_TOKEN + (w.text() ? TEXT_BYTES_PER_TOKEN : 0));
        long context = w.contextTokens();
        live += w.sequences() * sequenceBytes(context, w.kvCache());
        live += kvBytesPerToken(w.kvCache()) * context / 2; // a growing cache holds its old and new arrays for a moment
        live += w.rowsPerStep() * activationBytesPerRow();
        live += 2L * w.logitRowsPerStep() * logitsBytesPerRow(); // the logits and the sampler's working copy
        live += w.stateCacheBytes();
        return RUNTIME_BYTES + YOUNG_BYTES + (long) (OLD_HEADROOM * live);
    }

    /**
     * What a command asks of the model at most at once.
     *
     * @param sequences        sequences whose state is held at the same time
     * @param contextTokens    positions each sequence may reach
     * @param rowsPerStep      most rows one forward pass computes (prompt chunk, batch)
     * @param logitRowsPerStep most rows one forward pass produces logits for
     * @param kvCache          the attention cache's element type
     * @param text             whether the tokenizer is loaded
     * @param stateCacheBytes  saved sequence states kept for reuse (the server's state cache)
     */
    public record Workload(int sequences, int contextTokens, int rowsPerStep, int logitRowsPerStep, KvCacheType kvCache, boolean text,
                           long stateCacheBytes) {
        public Workload {
            if (sequences < 0 || contextTokens < 0 || rowsPerStep < 0 || logitRowsPerStep < 0 || stateCacheBytes < 0) {
                throw new IllegalArgumentException("negative size in " + this);
            }
        }

        /** A workload without a state cache. */
        public Workload(int sequences, int contextTokens, int rowsPerStep, int logitRowsPerStep, KvCacheType kvCache, boolean text) {
            this(sequences, contextTokens, rowsPerStep, logitRowsPerStep, kvCache, text, 0);
        }
    }
}

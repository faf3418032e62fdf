package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.kernels.MatMul;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.state.KvCache;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.engine.state.MambaLayerState;
import dev.nemotron4j.engine.state.SequenceState;
import dev.nemotron4j.engine.weights.TensorSource;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Nemotron-H: token embedding → blocks {@code h ← h + Mixer(RMSNorm(h))} → final RMSNorm → untied LM head
 * (ARCHITECTURE.md §4), computed in float32. Many sequences can advance together in one pass ({@link BatchLayout}).
 *
 * <p>Threading: one instance runs one forward pass at a time. A pass works in scratch buffers that the model and each
 * of its mixers keep (grown on demand, reused: no allocation per step), so two passes at once would overwrite each
 * other's activations. The model does not lock: it is meant to have one caller, and when it is shared (the server,
 * the chat, the in-process evaluation target), that caller is the thread of the one {@code BatchScheduler} that owns
 * it, which batches generation and prompt scoring into its steps. A second pass started while one runs is refused
 * with an {@link IllegalStateException} (never a silent mix of activations); passes one after another from different
 * threads are fine. The weights are read-only; each {@link SequenceState} belongs to the pass it is fed to.
 */
public final class NemotronHModel implements AutoCloseable {

    /** Which rows of a forward pass need logits. */
    public enum LogitRows {
        /** Every row (full-sequence scoring). */
        ALL,
        /** The last row of each segment (prefill and decode). */
        LAST_OF_EACH_SEGMENT,
        /** None (prefill of a piece whose continuation follows). */
        NONE
    }

    private final ModelConfig config;
    private final TensorSource source;
    private final WeightMatrix embeddings;
    private final float[][] blockNorms;
    private final Mixer[] mixers;
    private final float[] finalNorm;
    private final WeightMatrix lmHead;
    private final WorkerPool pool;
    private int defaultContextLimit;
    private KvCacheType kvCacheType = KvCacheType.F32;

    private final AtomicBoolean inPass = new AtomicBoolean(); // a forward pass is running (the one-caller check)

    // scratch of the running pass, grown on demand
    private float[] h = new float[0], normed = new float[0], mixOut = new float[0], headIn = new float[0];

    /** The model over bound weights; built by the model loader, which checked every tensor against the config. Owns {@code source}. */
    public NemotronHModel(ModelConfig config, TensorSource source, WeightMatrix embeddings, float[][] blockNorms, Mixer[] mixers,
                   float[] finalNorm, WeightMatrix lmHead, WorkerPool pool) {
        this.config = config;
        this.source = source;
        this.embeddings = embeddings;
        this.blockNorms = blockNorms;
        this.mixers = mixers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.pool = pool;
        this.defaultContextLimit = Math.max(config.maxPositionEmbeddings(), 1);
    }

    public ModelConfig config() {
        return config;
    }

    public TensorSource tensors() {
        return source;
    }

    public int vocabSize() {
        return config.vocabSize();
    }

    public List<Mixer> mixers() {
        return List.of(mixers);
    }

    public Mixer mixer(int layer) {
        return mixers[layer];
    }

    /** Maximum tokens per sequence for states created by {@link #newState()}. */
    public void setDefaultContextLimit(int tokens) {
        this.defaultContextLimit = tokens;
    }

    public int defaultContextLimit() {
        return defaultContextLimit;
    }

    /** Element type of the attention caches of states created from now on (default {@link KvCacheType#F32}, exact). */
    public void setKvCacheType(KvCacheType type) {
        this.kvCacheType = Objects.requireNonNull(type);
    }

    public KvCacheType kvCacheType() {
        return kvCacheType;
    }

    /** A fresh, empty sequence state. */
    public SequenceState newState() {
        return newState(defaultContextLimit);
    }

    /** A fresh state whose attention caches may grow to {@code contextLimit} tokens. */
    public SequenceState newState(int contextLimit) {
        int n = config.numLayers();
        MambaLayerState[] m = new MambaLayerState[n];
        KvCache[] kv = new KvCache[n];
        for (int i = 0; i < n; i++) {
            switch (config.layer(i)) {
                case MAMBA -> m[i] = new MambaLayerState(config.convKernel() - 1, config.convDim(),
                        config.mambaNumHeads(), config.mambaHeadDim(), config.ssmStateSize());
                case ATTENTION -> {
                    float ks = 1f, vs = 1f;
                    if (mixers[i] instanceof AttentionMixer a) {
                        ks = a.keyCacheScale();
                        vs = a.valueCacheScale();
                    }
                    kv[i] = new KvCache(config.numKeyValueHeads(), config.headDim(), Math.min(256, contextLimit), contextLimit, kvCacheType, ks, vs);
                }
                default -> { }
            }
        }
        return new SequenceState(m, kv);
    }

    /** Feeds {@code tokens} to one sequence and returns the logits of its last position [vocab]. */
    public float[] forwardLast(SequenceState state, int[] tokens) {
        float[] logits = new float[config.vocabSize()];
        forward(BatchLayout.of(new SequenceState[] {state}, new int[] {tokens.length}), tokens, LogitRows.LAST_OF_EACH_SEGMENT, logits, null);
        return logits;
    }

    /** Feeds {@code tokens} to one sequence and returns logits for every position, [T, vocab] row-major. */
    public float[] forwardAll(SequenceState state, int[] tokens, ForwardObserver observer) {
        float[] logits = new float[tokens.length * config.vocabSize()];
        forward(BatchLayout.of(new SequenceState[] {state}, new int[] {tokens.length}), tokens, LogitRows.ALL, logits, observer);
        return logits;
    }

    /** One batched decode step: token {@code tokens[i]} continues {@code states[i]}; logits [batch, vocab]. */
    public void decodeBatch(SequenceState[] states, int[] tokens, float[] logits) {
        int[] ones = new int[states.length];
        Arrays.fill(ones, 1);
        forward(BatchLayout.of(states, ones), tokens, LogitRows.LAST_OF_EACH_SEGMENT, logits, null);
    }

    /**
     * The general forward pass.
     *
     * @param tokens token ids of all rows, in row order
     * @param logits output for the rows {@code which} selects, in row order, each {@code vocab} wide
     * @throws IllegalStateException when another pass is running (one pass at a time: see the class comment)
     */
    public void forward(BatchLayout batch, int[] tokens, LogitRows which, float[] logits, ForwardObserver obs) {
        if (!inPass.compareAndSet(false, true)) {
            throw new IllegalStateException("a forward pass of this model is already running on another thread: a model runs one pass "
                    + "at a time (its scratch is shared); share it through one BatchScheduler");
        }
        try {
            pass(batch, tokens, which, logits, obs);
        } finally {
            inPass.set(false);
        }
    }

    private void pass(BatchLayout batch, int[] tokens, LogitRows which, float[] logits, ForwardObserver obs) {
        int rows = batch.rows();
        int hidden = config.hiddenSize(), vocab = config.vocabSize();
        if (tokens.length < rows) throw new IllegalArgumentException(tokens.length + " tokens for " + rows + " rows");
        for (int r = 0; r < rows; r++) {
            if (tokens[r] < 0 || tokens[r] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[r] + " at position " + r + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        for (int s = 0; s < batch.segments(); s++) {
            long need = (long) batch.state(s).position() + batch.length(s);
            if (need > Integer.MAX_VALUE) throw new IllegalArgumentException("sequence too long");
        }
        if (rows == 0) return;
        ensure(rows);
        for (int r = 0; r < rows; r++) embeddings.readRow(tokens[r], h, r * hidden);
        if (obs != null) obs.tensor("trace.embed", h, 0, rows, hidden);

        for (int i = 0; i < mixers.length; i++) {
            RmsNorm.applyRows(h, rows, blockNorms[i], config.layerNormEpsilon(), normed);
            mixers[i].forward(batch, normed, mixOut, obs);
            for (int j = 0; j < rows * hidden; j++) h[j] += mixOut[j];
            if (obs != null) obs.tensor("trace.block" + i + ".out", h, 0, rows, hidden);
        }
        for (int s = 0; s < batch.segments(); s++) batch.state(s).advance(batch.length(s));

        switch (which) {
            case NONE -> { }
            case ALL -> {
                RmsNorm.applyRows(h, rows, finalNorm, config.layerNormEpsilon(), headIn);
                if (obs != null) obs.tensor("trace.final_norm", headIn, 0, rows, hidden);
                MatMul.multiply(lmHead, headIn, rows, logits, pool);
            }
            case LAST_OF_EACH_SEGMENT -> {
                int n = 0;
                for (int s = 0; s < batch.segments(); s++) {
                    if (batch.length(s) == 0) continue;
                    int last = batch.start(s) + batch.length(s) - 1;
                    RmsNorm.apply(h, last * hidden, finalNorm, config.layerNormEpsilon(), headIn, n * hidden);
                    n++;
                }
                MatMul.multiply(lmHead, headIn, n, logits, pool);
            }
        }
    }

    private void ensure(int rows) {
        int hidden = config.hiddenSize();
        if (h.length < rows * hidden) {
            h = new float[rows * hidden];
            normed = new float[rows * hidden];
            mixOut = new float[rows * hidden];
            headIn = new float[rows * hidden];
        }
    }

    /** Parameters actually loaded (total, and per token). */
    public long parameterCount() {
        long p = (long) embeddings.rows() * embeddings.cols() + finalNorm.length;
        if (lmHead != embeddings) p += (long) lmHead.rows() * lmHead.cols();
        for (int i = 0; i < mixers.length; i++) p += blockNorms[i].length + mixers[i].parameterCount();
        return p;
    }

    /** Weight bytes one decode step reads for one token (embedding row excluded, LM head included). */
    public long activeWeightBytesPerToken() {
        long b = lmHead.byteSize();
        for (Mixer m : mixers) b += m.activeWeightBytes();
        return b;
    }

    /** Sets the SSD chunk length of every Mamba layer (tests: any chunking gives the same result). */
    public void setMambaChunkSize(int q) {
        for (Mixer m : mixers) if (m instanceof MambaMixer mm) mm.setChunkSize(q);
    }

    /**
     * The SSD chunk length of the Mamba layers (0 without Mamba layers): a segment's scan runs in chunks of this many
     * tokens from the segment's start, and a one-token segment runs the recurrence. Splitting a segment where one of its
     * chunks starts gives the same bits unless a one-token piece results (callers that resume sequences from saved
     * states rely on this; see {@code PrefillSchedule}).
     */
    public int mambaChunkSize() {
        for (Mixer m : mixers) if (m instanceof MambaMixer mm) return mm.chunkSize();
        return 0;
    }

    /** Forces the recurrent scan in every Mamba layer (tests). */
    public void setMambaRecurrentOnly(boolean on) {
        for (Mixer m : mixers) if (m instanceof MambaMixer mm) mm.setRecurrentOnly(on);
    }

    @Override
    public void close() {
        source.close();
    }
}

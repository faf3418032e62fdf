package dev.nemotron4j.engine.state;

/**
 * Everything one sequence carries between forward calls (ARCHITECTURE.md §10): a {@link MambaLayerState}
 * per Mamba layer, a {@link KvCache} per attention layer, and the number of tokens consumed. MoE and MLP
 * layers are stateless. A prompt may be fed in any number of pieces, then decoded one token at a time;
 * {@link #fork()} copies the state (e.g. for several completions of one prompt), {@link #reset()} starts over.
 * Many states can advance together in one batched forward step.
 */
public final class SequenceState {
    private final MambaLayerState[] mamba;
    private final KvCache[] kv;
    private int position;

    /** Created by the model ({@code NemotronHModel.newState()}); arrays are indexed by layer. */
    public SequenceState(MambaLayerState[] mambaByLayer, KvCache[] kvByLayer) {
        this.mamba = mambaByLayer;
        this.kv = kvByLayer;
    }

    /** Tokens consumed so far (= the next token's position). */
    public int position() {
        return position;
    }

    /** Called by the model after consuming {@code n} tokens. */
    public void advance(int n) {
        position += n;
    }

    public MambaLayerState mamba(int layer) {
        return mamba[layer];
    }

    public KvCache kv(int layer) {
        return kv[layer];
    }

    /** Back to an empty sequence, keeping the allocated memory. */
    public void reset() {
        for (MambaLayerState m : mamba) if (m != null) m.clear();
        for (KvCache c : kv) if (c != null) c.clear();
        position = 0;
    }

    /** An independent copy of this state. */
    public SequenceState fork() {
        MambaLayerState[] m = new MambaLayerState[mamba.length];
        KvCache[] k = new KvCache[kv.length];
        for (int i = 0; i < m.length; i++) {
            if (mamba[i] != null) m[i] = mamba[i].copy();
            if (kv[i] != null) k[i] = kv[i].copy();
        }
        SequenceState s = new SequenceState(m, k);
        s.position = position;
        return s;
    }

    /**
     * Makes this state continue exactly where {@code other} stands (every Mamba layer's conv and SSM state, every
     * attention layer's keys and values, the position), reusing this state's memory; {@code other} is unchanged.
     */
    public void copyFrom(SequenceState other) {
        if (other.mamba.length != mamba.length) throw new IllegalArgumentException("states of models with different layers");
        for (int i = 0; i < mamba.length; i++) {
            if ((mamba[i] == null) != (other.mamba[i] == null) || (kv[i] == null) != (other.kv[i] == null)) {
                throw new IllegalArgumentException("states of models with different layers");
            }
            if (mamba[i] != null) mamba[i].copyFrom(other.mamba[i]);
            if (kv[i] != null) kv[i].copyFrom(other.kv[i]);
        }
        position = other.position;
    }

    /** Bytes held by this state (fixed Mamba part plus allocated KV caches). */
    public long bytes() {
        long b = 0;
        for (MambaLayerState m : mamba) if (m != null) b += m.bytes();
        for (KvCache c : kv) if (c != null) b += c.allocatedBytes();
        return b;
    }
}

package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.kernels.MatMul;
import dev.nemotron4j.engine.kernels.VectorWidth;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.state.MambaLayerState;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Mamba-2 selective state-space mixer (ARCHITECTURE.md §5): in_proj → causal depthwise conv + SiLU on xBC →
 * softplus time steps → selective scan (recurrent for single tokens, chunked SSD for longer segments; both
 * compute the same function) → gated grouped RMSNorm → out_proj. The scan runs in float32 on a float32 state.
 */
public final class MambaMixer implements Mixer {

    private final int layer;
    private final int hidden, heads, headDim, stateSize, groups, kernel, inner, convDim, inProjDim, headsPerGroup;
    private final float eps, dtMin, dtMax;
    private final WeightMatrix inProj, outProj;
    private final float[] inProjBias, outProjBias;
    private final float[] convWeight; // [convDim][kernel]
    private final float[] convBias;   // [convDim] or null
    private final float[] dtBias, negA, skipD, normWeight;
    private final WorkerPool pool;
    private int chunkSize;

    // scratch: the thread's shared temporaries (Scratch), re-fetched at every forward
    private float[] zxbcdt = new float[0], xbc = new float[0], dt = new float[0], y = new float[0], gated = new float[0];

    /** A Mamba-2 layer over its bound weights (built by the model loader). */
    public MambaMixer(int layer, ModelConfig c, WeightMatrix inProj, float[] inProjBias, float[] convWeight, float[] convBias,
               float[] dtBias, float[] aLog, float[] d, float[] normWeight, WeightMatrix outProj, float[] outProjBias,
               WorkerPool pool) {
        this.layer = layer;
        this.hidden = c.hiddenSize();
        this.heads = c.mambaNumHeads();
        this.headDim = c.mambaHeadDim();
        this.stateSize = c.ssmStateSize();
        this.groups = c.nGroups();
        this.kernel = c.convKernel();
        this.inner = c.mambaInner();
        this.convDim = c.convDim();
        this.inProjDim = c.inProjDim();
        this.headsPerGroup = heads / groups;
        this.eps = c.layerNormEpsilon();
        this.dtMin = c.timeStepLimitMin();
        this.dtMax = c.timeStepLimitMax();
        this.chunkSize = c.chunkSize();
        this.inProj = inProj;
        this.inProjBias = inProjBias;
        this.convWeight = convWeight;
        this.convBias = convBias;
        this.dtBias = dtBias;
        this.negA = new float[heads];
        for (int h = 0; h < heads; h++) negA[h] = (float) -Math.exp(aLog[h]);
        this.skipD = d;
        this.normWeight = normWeight;
        this.outProj = outProj;
        this.outProjBias = outProjBias;
        this.pool = pool;
    }

    /** Overrides the SSD chunk length used for multi-token segments (any value ≥ 1 gives the same math). */
    public void setChunkSize(int q) {
        if (q < 1) throw new IllegalArgumentException("chunk size must be >= 1");
        this.chunkSize = q;
    }

    /** The SSD chunk length of multi-token segments: chunks start every this many tokens from a segment's start. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Forces the token-by-token recurrence for every segment (for tests of the two scan forms). */
    private boolean recurrentOnly;

    public void setRecurrentOnly(boolean recurrentOnly) {
        this.recurrentOnly = recurrentOnly;
    }

    @Override
    public void forward(BatchLayout batch, float[] in, float[] out, ForwardObserver obs) {
        int rows = batch.rows();
        ensure(rows);
        MatMul.multiply(inProj, in, rows, zxbcdt, pool);
        if (inProjBias != null) addBias(zxbcdt, rows, inProjDim, inProjBias);

        if (obs == null && pool != null && batch.segments() > 1 && batch.rows() == batch.segments()) {
            // A decode step: one row per sequence, each with its own state, so the sequences' conv, scan and
            // norm run in parallel (the same operations per sequence as below, in any order across them).
            stepBatch = batch;
            try {
                pool.parallelFor(batch.segments(), 1, decodeRows);
            } finally {
                stepBatch = null;
            }
        } else {
            for (int s = 0; s < batch.segments(); s++) mixSegment(batch, s, obs);
        }
        MatMul.multiply(outProj, gated, rows, out, pool);
        if (outProjBias != null) addBias(out, rows, hidden, outProjBias);
    }

    /** The sequences of the decode step being computed by {@link #decodeRows}. */
    private BatchLayout stepBatch;
    /** Created once: a lambda per step would allocate on every token. */
    private final WorkerPool.RangeBody decodeRows = (s0, s1) -> {
        for (int s = s0; s < s1; s++) mixSegment(stepBatch, s, null);
    };

    /** Conv, time steps, scan and gated norm of segment {@code s} (§5.2–§5.4). */
    private void mixSegment(BatchLayout batch, int s, ForwardObserver obs) {
        int r0 = batch.start(s), len = batch.length(s);
        if (len == 0) return;
        MambaLayerState st = batch.state(s).mamba(layer);
        convolve(st, r0, len);
        timeSteps(r0, len);
        if (len == 1 || recurrentOnly) scanRecurrent(st, r0, len);
        else scanChunked(st, r0, len);
        gatedNorm(r0, len);
        if (obs != null) {
            obs.tensor("trace.layer" + layer + ".in_proj", zxbcdt, r0 * inProjDim, len, inProjDim);
            obs.tensor("trace.layer" + layer + ".conv_act", xbc, r0 * convDim, len, convDim);
            obs.tensor("trace.layer" + layer + ".dt", dt, r0 * heads, len, heads);
            obs.tensor("trace.layer" + layer + ".y", y, r0 * inner, len, inner);
            obs.tensor("trace.layer" + layer + ".gated_norm", gated, r0 * inner, len, inner);
        }
    }

    private static void addBias(float[] a, int rows, int width, float[] bias) {
        for (int r = 0; r < rows; r++) for (int j = 0; j < width; j++) a[r * width + j] += bias[j];
    }

    /** §5.2: causal depthwise conv over xBC with the cached K−1 previous rows, then SiLU; updates the conv state. */
    private void convolve(MambaLayerState st, int r0, int len) {
        int hist = kernel - 1;
        float[] conv = st.conv;
        for (int t = 0; t < len; t++) {
            int outBase = (r0 + t) * convDim;
            for (int c = 0; c < convDim; c++) {
                float acc = convBias == null ? 0f : convBias[c];
                int wBase = c * kernel;
                for (int k = 0; k < kernel; k++) {
                    int j = t - hist + k; // source token index within the segment; < 0 means cached history
                    float v = j >= 0 ? zxbcdt[(r0 + j) * inProjDim + inner + c] : conv[(hist + j) * convDim + c];
                    acc += convWeight[wBase + k] * v;
                }
                xbc[outBase + c] = silu(acc);
            }
        }
        // New state: the last K−1 pre-conv rows of [old state; segment rows].
        for (int k = 0; k < hist; k++) {
            int j = len - hist + k; // segment-relative index of the row that becomes state row k
            if (j >= 0) {
                System.arraycopy(zxbcdt, (r0 + j) * inProjDim + inner, conv, k * convDim, convDim);
            } else {
                System.arraycopy(conv, (hist + j) * convDim, conv, k * convDim, convDim); // still history (j+len < 0 impossible)
            }
        }
    }

    /** §5.3: dt = clamp(softplus(dt_raw + dt_bias), limit). */
    private void timeSteps(int r0, int len) {
        for (int t = 0; t < len; t++) {
            int src = (r0 + t) * inProjDim + inner + convDim;
            for (int h = 0; h < heads; h++) {
                float v = zxbcdt[src + h] + dtBias[h];
                float sp = v > 20f ? v : (float) Math.log1p(Math.exp(v));
                dt[(r0 + t) * heads + h] = Math.min(dtMax, Math.max(dtMin, sp));
            }
        }
    }

    /** §5.4: one token at a time. */
    private void scanRecurrent(MambaLayerState st, int r0, int len) {
        float[] S = st.ssm;
        int pn = headDim * stateSize;
        for (int t = 0; t < len; t++) {
            int row = r0 + t;
            int xb = row * convDim, bOff = xb + inner, cOff = xb + inner + groups * stateSize;
            for (int h = 0; h < heads; h++) {
                int g = h / headsPerGroup;
                float dth = dt[row * heads + h];
                float a = (float) Math.exp(dth * negA[h]);
                int bBase = bOff + g * stateSize, cBase = cOff + g * stateSize;
                for (int p = 0; p < headDim; p++) {
                    float xv = xbc[xb + h * headDim + p];
                    float dx = dth * xv;
                    int sBase = h * pn + p * stateSize;
                    float acc = 0f;
                    for (int n = 0; n < stateSize; n++) {
                        float sv = a * S[sBase + n] + dx * xbc[bBase + n];
                        S[sBase + n] = sv;
                        acc += sv * xbc[cBase + n];
                    }
                    y[row * inner + h * headDim + p] = acc + skipD[h] * xv;
                }
            }
        }
    }

    /** Per-thread temporaries of the chunked scan (each group's task needs its own). */
    private static final class ChunkScratch {
        float[] cb = new float[0], decay = new float[0], cum = new float[0], coef = new float[0], acc = new float[0];
        float[] stateT = new float[0];

        void ensure(int q, int headDim, int stateSize) {
            if (stateT.length < headDim * stateSize) stateT = new float[headDim * stateSize];
            if (cb.length < q * q) cb = new float[q * q];
            if (decay.length < q) {
                decay = new float[q];
                cum = new float[q];
                coef = new float[q];
            }
            if (acc.length < headDim) acc = new float[headDim];
        }
    }

    private static final ThreadLocal<ChunkScratch> CHUNK_SCRATCH = ThreadLocal.withInitial(ChunkScratch::new);
    /** The chunked scan's vectors; with {@link VectorWidth#SCALAR} its scalar loops do everything (the same roundings). */
    private static final VectorSpecies<Float> FV = VectorWidth.FLOAT;

    /**
     * §5.5: chunked (SSD) form, chunks of {@link #chunkSize} tokens carrying the state between chunks. Groups
     * are independent (their heads own disjoint state and outputs), so they run in parallel; each head's
     * arithmetic is the same whatever thread runs it.
     */
    private void scanChunked(MambaLayerState st, int r0, int len) {
        float[] S = st.ssm;
        int q = Math.min(chunkSize, len);
        for (int c0 = 0; c0 < len; c0 += q) {
            int L = Math.min(q, len - c0), start = r0 + c0;
            if (pool == null) scanGroups(S, start, L, q, 0, groups);
            else pool.parallelFor(groups, 1, (g0, g1) -> scanGroups(S, start, L, q, g0, g1));
        }
    }

    private void scanGroups(float[] S, int row0, int L, int q, int g0, int g1) {
        int pn = headDim * stateSize;
        int bRel = inner, cRel = inner + groups * stateSize;
        ChunkScratch cs = CHUNK_SCRATCH.get();
        cs.ensure(q, headDim, stateSize);
        float[] cb = cs.cb;
        for (int g = g0; g < g1; g++) {
            // CB[t][s] = C_t · B_s (s ≤ t), shared by the heads of group g.
            for (int t = 0; t < L; t++) {
                int cBase = (row0 + t) * convDim + cRel + g * stateSize;
                for (int s = 0; s <= t; s++) {
                    int bBase = (row0 + s) * convDim + bRel + g * stateSize;
                    float acc = 0f;
                    for (int n = 0; n < stateSize; n++) acc += xbc[cBase + n] * xbc[bBase + n];
                    cb[t * q + s] = acc;
                }
            }
            for (int h = g * headsPerGroup; h < (g + 1) * headsPerGroup; h++) {
                scanChunkHead(S, h * pn, h, g, row0, L, q, bRel, cRel, cs);
            }
        }
    }

    private void scanChunkHead(float[] S, int sOff, int h, int g, int row0, int L, int cbStride, int bRel, int cRel, ChunkScratch cs) {
        float[] cb = cs.cb, cum = cs.cum, coef = cs.coef, decay = cs.decay, accs = cs.acc;
        float A = negA[h];
        // cum[t] = Σ_{r≤t} a_r with a_r = dt_r·A ≤ 0
        float run = 0f;
        for (int t = 0; t < L; t++) {
            run += dt[(row0 + t) * heads + h] * A;
            cum[t] = run;
        }
        int vecEnd = VectorWidth.SCALAR ? 0 : headDim - headDim % FV.length();
        // the chunk's incoming state transposed to [n][p], for the inter-chunk term below
        float[] stT = cs.stateT;
        for (int p = 0; p < headDim; p++) {
            for (int n = 0; n < stateSize; n++) stT[n * headDim + p] = S[sOff + p * stateSize + n];
        }
        for (int t = 0; t < L; t++) {
            int row = row0 + t;
            // Intra-chunk weights: coef[s] = exp(Σ_{r=s+1..t} a_r) · CB[t][s] · dt_s, exponent built by
            // summing the masked a values (never a difference of two large sums).
            float e = 0f;
            for (int s = t; s >= 0; s--) {
                if (s < t) e += dt[(row0 + s + 1) * heads + h] * A;
                coef[s] = (float) Math.exp(e) * cb[t * cbStride + s] * dt[(row0 + s) * heads + h];
            }
            // acc[p] = Σ_{s≤t} coef[s]·x_s[p], in s order for every p; vectorised across p with a separate
            // multiply and add, so each element is rounded exactly as the scalar loop rounds it.
            java.util.Arrays.fill(accs, 0, headDim, 0f);
            for (int s = 0; s <= t; s++) {
                int xs = (row0 + s) * convDim + h * headDim;
                FloatVector c = FloatVector.broadcast(FV, coef[s]);
                int p = 0;
                for (; p < vecEnd; p += FV.length()) {
                    FloatVector.fromArray(FV, accs, p).add(FloatVector.fromArray(FV, xbc, xs + p).mul(c)).intoArray(accs, p);
                }
                for (; p < headDim; p++) accs[p] += coef[s] * xbc[xs + p];
            }
            float carry = (float) Math.exp(cum[t]);
            int cBase = row * convDim + cRel + g * stateSize;
            int xRow = row * convDim + h * headDim, yRow = row * inner + h * headDim;
            // off[p] = Σ_n S[p][n]·C_t[n] in n order for every p: vectorised across p over the transposed state,
            // with a separate multiply and add, so each element is rounded exactly as the scalar loop rounds it
            int p = 0;
            for (; p < vecEnd; p += FV.length()) {
                FloatVector o = FloatVector.zero(FV);
                for (int n = 0; n < stateSize; n++) {
                    o = o.add(FloatVector.fromArray(FV, stT, n * headDim + p).mul(xbc[cBase + n]));
                }
                FloatVector.fromArray(FV, accs, p).add(o.mul(carry)).add(FloatVector.fromArray(FV, xbc, xRow + p).mul(skipD[h]))
                        .intoArray(y, yRow + p);
            }
            for (; p < headDim; p++) {
                int sBase = sOff + p * stateSize;
                float off = 0f;
                for (int n = 0; n < stateSize; n++) off += S[sBase + n] * xbc[cBase + n];
                y[yRow + p] = accs[p] + carry * off + skipD[h] * xbc[xRow + p];
            }
        }
        // State update: S_out = exp(Λ_{L−1})·S_in + Σ_s exp(Σ_{r=s+1..L−1} a_r)·dt_s·x_s ⊗ B_s
        float e = 0f;
        for (int s = L - 1; s >= 0; s--) {
            if (s < L - 1) e += dt[(row0 + s + 1) * heads + h] * A;
            decay[s] = (float) Math.exp(e) * dt[(row0 + s) * heads + h];
        }
        float total = (float) Math.exp(cum[L - 1]);
        for (int p = 0; p < headDim; p++) {
            int sBase = sOff + p * stateSize;
            int n = 0;
            // Vectorised across n with a separate multiply and add, so each element is rounded exactly as the
            // scalar loop below rounds it; eight vectors of the state row stay in registers across the chunk.
            if (!VectorWidth.SCALAR) {
                for (; n + 8 * FV.length() <= stateSize; n += 8 * FV.length()) updateStateSlice(S, sBase + n, total, h, p, g, row0, L, bRel + n, decay);
                for (; n + FV.length() <= stateSize; n += FV.length()) updateStateVector(S, sBase + n, total, h, p, g, row0, L, bRel + n, decay);
            }
            for (; n < stateSize; n++) {
                float v = S[sBase + n] * total;
                for (int s = 0; s < L; s++) {
                    v += decay[s] * xbc[(row0 + s) * convDim + h * headDim + p] * xbc[(row0 + s) * convDim + bRel + g * stateSize + n];
                }
                S[sBase + n] = v;
            }
        }
    }

    /** {@link #updateStateSlice} for one vector (state sizes that are not a multiple of 8 vectors). */
    private void updateStateVector(float[] S, int at, float total, int h, int p, int g, int row0, int L, int bRel, float[] decay) {
        FloatVector v = FloatVector.fromArray(FV, S, at).mul(total);
        for (int s = 0; s < L; s++) {
            int row = (row0 + s) * convDim;
            v = v.add(FloatVector.fromArray(FV, xbc, row + bRel + g * stateSize).mul(decay[s] * xbc[row + h * headDim + p]));
        }
        v.intoArray(S, at);
    }

    /**
     * {@code S[at + j] = S[at + j]·total + Σ_s w_s·B_s[j]} for the 8 vectors from {@code at}, in s order, where
     * {@code w_s = decay[s]·x_s[p]} and B_s starts at {@code bRel} (+ the group's offset) in row s's xBC.
     */
    private void updateStateSlice(float[] S, int at, float total, int h, int p, int g, int row0, int L, int bRel, float[] decay) {
        int lanes = FV.length();
        FloatVector t = FloatVector.broadcast(FV, total);
        FloatVector s0 = FloatVector.fromArray(FV, S, at).mul(t), s1 = FloatVector.fromArray(FV, S, at + lanes).mul(t);
        FloatVector s2 = FloatVector.fromArray(FV, S, at + 2 * lanes).mul(t), s3 = FloatVector.fromArray(FV, S, at + 3 * lanes).mul(t);
        FloatVector s4 = FloatVector.fromArray(FV, S, at + 4 * lanes).mul(t), s5 = FloatVector.fromArray(FV, S, at + 5 * lanes).mul(t);
        FloatVector s6 = FloatVector.fromArray(FV, S, at + 6 * lanes).mul(t), s7 = FloatVector.fromArray(FV, S, at + 7 * lanes).mul(t);
        for (int s = 0; s < L; s++) {
            int row = (row0 + s) * convDim;
            FloatVector w = FloatVector.broadcast(FV, decay[s] * xbc[row + h * headDim + p]);
            int b = row + bRel + g * stateSize;
            s0 = s0.add(FloatVector.fromArray(FV, xbc, b).mul(w));
            s1 = s1.add(FloatVector.fromArray(FV, xbc, b + lanes).mul(w));
            s2 = s2.add(FloatVector.fromArray(FV, xbc, b + 2 * lanes).mul(w));
            s3 = s3.add(FloatVector.fromArray(FV, xbc, b + 3 * lanes).mul(w));
            s4 = s4.add(FloatVector.fromArray(FV, xbc, b + 4 * lanes).mul(w));
            s5 = s5.add(FloatVector.fromArray(FV, xbc, b + 5 * lanes).mul(w));
            s6 = s6.add(FloatVector.fromArray(FV, xbc, b + 6 * lanes).mul(w));
            s7 = s7.add(FloatVector.fromArray(FV, xbc, b + 7 * lanes).mul(w));
        }
        s0.intoArray(S, at);
        s1.intoArray(S, at + lanes);
        s2.intoArray(S, at + 2 * lanes);
        s3.intoArray(S, at + 3 * lanes);
        s4.intoArray(S, at + 4 * lanes);
        s5.intoArray(S, at + 5 * lanes);
        s6.intoArray(S, at + 6 * lanes);
        s7.intoArray(S, at + 7 * lanes);
    }

    /** §5.6: v = y ⊙ SiLU(z), RMS-normalised within each of G contiguous groups, times norm.weight. */
    private void gatedNorm(int r0, int len) {
        int groupSize = inner / groups;
        for (int t = 0; t < len; t++) {
            int row = r0 + t;
            int yb = row * inner, zb = row * inProjDim;
            for (int i = 0; i < inner; i++) gated[yb + i] = y[yb + i] * silu(zxbcdt[zb + i]);
            for (int g = 0; g < groups; g++) {
                int gb = yb + g * groupSize;
                double ss = 0;
                for (int i = 0; i < groupSize; i++) ss += (double) gated[gb + i] * gated[gb + i];
                float inv = (float) (1.0 / Math.sqrt(ss / groupSize + eps));
                for (int i = 0; i < groupSize; i++) gated[gb + i] = gated[gb + i] * inv * normWeight[g * groupSize + i];
            }
        }
    }

    static float silu(float v) {
        return v / (1f + (float) Math.exp(-v));
    }

    private void ensure(int rows) {
        zxbcdt = Scratch.floats(Scratch.MAMBA_ZXBCDT, rows * inProjDim);
        xbc = Scratch.floats(Scratch.MAMBA_XBC, rows * convDim);
        dt = Scratch.floats(Scratch.MAMBA_DT, rows * heads);
        y = Scratch.floats(Scratch.MAMBA_Y, rows * inner);
        gated = Scratch.floats(Scratch.MAMBA_GATED, rows * inner);
    }

    @Override
    public long parameterCount() {
        return (long) inProj.rows() * inProj.cols() + convWeight.length + (convBias == null ? 0 : convBias.length)
                + 3L * heads + normWeight.length + (long) outProj.rows() * outProj.cols()
                + (inProjBias == null ? 0 : inProjBias.length) + (outProjBias == null ? 0 : outProjBias.length);
    }

    @Override
    public long activeWeightBytes() {
        return inProj.byteSize() + outProj.byteSize();
    }
}

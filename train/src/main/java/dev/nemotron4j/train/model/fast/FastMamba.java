package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.VectorWidth;
import dev.nemotron4j.engine.kernels.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Mamba-2 mixer over a packed row in float32: in_proj and out_proj as whole-row matrix products; the causal
 * depthwise conv + SiLU, the time steps ({@code softplus(dt_raw + dt_bias)}, clamped) and the selective scan
 * restart at every document start. The scan is the plain recurrence {@code S_t = a_t·S_{t−1} + dt_t·x_t ⊗ B_t},
 * {@code y_t = S_t·C_t + D·x_t}, {@code a_t = exp(−dt_t·exp(A_log))}, with each head's state kept as [state, headDim]
 * so that both directions vectorise over the head's channels; every state is kept for the backward, which runs the
 * recurrence backward in time. Then the gated grouped RMSNorm of {@code y ⊙ SiLU(z)} and out_proj.
 *
 * <p>Parallel loops split rows (conv, gate, time steps) or heads (scan) so that each output has one owner; what
 * heads share (the B and C gradients of a group) is summed afterwards in head order.
 */
final class FastMamba implements FastMixer {
    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();

    private final FloatWeight inProj, conv, convBias, dtBias, aLog, skipD, outProj;
    private final FastRmsNorm norm;
    private final int hidden, heads, headDim, state, groups, kernelSize, inner, convDim, inProjDim, perGroup, stateSize;
    private final double dtMin, dtMax;
    private final FloatGemm gemm;
    private final WorkerPool pool;

    private float[] x;
    private SequenceLayout layout;
    private int rows;
    private float[] zx = new float[0], pre = new float[0], xbc = new float[0], dtPre = new float[0], dt = new float[0],
            decay = new float[0], states = new float[0], y = new float[0], gated = new float[0];
    private float[] dz = new float[0], dXbc = new float[0], dy = new float[0], dNormed = new float[0], dDt = new float[0],
            dBh = new float[0], dCh = new float[0], dState = new float[0], convGradT = new float[0];
    private final double[] gD, gA, rowSums;
    private final WorkerPool.RangeBody convRows = this::convRange, scanHeads = this::scanRange, gateRows = this::gateRange,
            gateBackRows = this::gateBackwardRange, scanBackHeads = this::scanBackwardRange, postScanRows = this::postScanRange,
            convBackRows = this::convBackwardRange;

    FastMamba(FloatWeight inProj, FloatWeight conv, FloatWeight convBias, FloatWeight dtBias, FloatWeight aLog, FloatWeight skipD,
              FloatWeight normWeight, FloatWeight outProj, double eps, int heads, int headDim, int state, int groups,
              int kernelSize, double dtMin, double dtMax, FloatGemm gemm, WorkerPool pool) {
        this.inProj = inProj;
        this.conv = conv;
        this.convBias = convBias;
        this.dtBias = dtBias;
        this.aLog = aLog;
        this.skipD = skipD;
        this.outProj = outProj;
        this.hidden = inProj.cols;
        this.heads = heads;
        this.headDim = headDim;
        this.state = state;
        this.groups = groups;
        this.kernelSize = kernelSize;
        this.inner = heads * headDim;
        this.convDim = inner + 2 * groups * state;
        this.inProjDim = inner + convDim + heads;
        this.perGroup = heads / groups;
        this.stateSize = state * headDim;
        this.dtMin = dtMin;
        this.dtMax = dtMax;
        this.gemm = gemm;
        this.pool = pool;
        this.norm = new FastRmsNorm(normWeight, eps, inner / groups, pool);
        this.gD = new double[heads];
        this.gA = new double[heads];
        this.rowSums = new double[2 * heads];
        if (inProj.rows != inProjDim) throw new IllegalArgumentException(inProj.param.name() + ": " + inProj.rows + " rows, the config implies " + inProjDim);
        if (conv.rows != convDim || conv.cols != kernelSize) {
            throw new IllegalArgumentException(conv.param.name() + ": not [" + convDim + ", 1, " + kernelSize + "]");
        }
    }

    @Override
    public void ensureCapacity(int maxRows) {
        norm.ensureCapacity(maxRows);
        if (zx.length >= maxRows * inProjDim) return;
        zx = new float[maxRows * inProjDim];
        dz = new float[maxRows * inProjDim];
        pre = new float[maxRows * convDim];
        xbc = new float[maxRows * convDim];
        dXbc = new float[maxRows * convDim];
        dtPre = new float[maxRows * heads];
        dt = new float[maxRows * heads];
        decay = new float[maxRows * heads];
        dDt = new float[maxRows * heads];
        states = new float[maxRows * heads * stateSize];
        y = new float[maxRows * inner];
        gated = new float[maxRows * inner];
        dy = new float[maxRows * inner];
        dNormed = new float[maxRows * inner];
        dBh = new float[maxRows * heads * state];
        dCh = new float[maxRows * heads * state];
        dState = new float[heads * stateSize];
        convGradT = new float[kernelSize * convDim];
    }

    @Override
    public void forward(float[] in, float[] out, SequenceLayout layout) {
        this.x = in;
        this.layout = layout;
        this.rows = layout.rows;
        gemm.multiply(rows, inProjDim, hidden, in, 0, hidden, 1, inProj.wT, 0, inProjDim, zx, 0, inProjDim, false);
        pool.parallelFor(rows, 8, convRows);
        pool.parallelFor(heads, 1, scanHeads);
        pool.parallelFor(rows, 16, gateRows);
        norm.forward(gated, rows);
        gemm.multiply(rows, hidden, inner, norm.out, 0, inner, 1, outProj.wT, 0, hidden, out, 0, hidden, false);
    }

    /** Causal conv (restarting at document starts) + SiLU, and the time steps, for rows {@code [start, end)}. */
    private void convRange(int start, int end) {
        float[] wT = conv.wT, bias = convBias == null ? null : convBias.w;
        for (int t = start; t < end; t++) {
            int first = layout.docStart[t], po = t * convDim;
            if (bias != null) System.arraycopy(bias, 0, pre, po, convDim);
            else Arrays.fill(pre, po, po + convDim, 0f);
            for (int j = 0; j < kernelSize; j++) {
                int src = t - (kernelSize - 1) + j;
                if (src >= first) fmaRow(wT, j * convDim, zx, src * inProjDim + inner, pre, po, convDim);
            }
            Activations.silu(pre, po, xbc, po, convDim);
            for (int h = 0; h < heads; h++) {
                double v = (double) zx[t * inProjDim + inner + convDim + h] + dtBias.w[h];
                double sp = v > 20 ? v : Math.log1p(Math.exp(v));
                double d = Math.min(dtMax, Math.max(dtMin, sp));
                dtPre[t * heads + h] = (float) v;
                dt[t * heads + h] = (float) d;
                decay[t * heads + h] = (float) Math.exp(-(double) (float) d * Math.exp(aLog.w[h]));
            }
        }
    }

    /** {@code acc = fma(w, v, acc)} element-wise. */
    private static void fmaRow(float[] w, int wOff, float[] v, int vOff, float[] acc, int aOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= n - L; i += L) {
                FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, v, vOff + i), FloatVector.fromArray(F, acc, aOff + i))
                        .intoArray(acc, aOff + i);
            }
        }
        for (; i < n; i++) acc[aOff + i] = Math.fma(w[wOff + i], v[vOff + i], acc[aOff + i]);
    }

    /** The scan forward for heads {@code [start, end)}, every position. */
    private void scanRange(int start, int end) {
        for (int h = start; h < end; h++) {
            int g = h / perGroup;
            float d = skipD.w[h];
            for (int t = 0; t < rows; t++) {
                boolean reset = layout.docStart[t] == t;
                float a = decay[t * heads + h], dth = dt[t * heads + h];
                int xOff = t * convDim + h * headDim, bOff = t * convDim + inner + g * state;
                int cOff = t * convDim + inner + groups * state + g * state;
                int sb = (t * heads + h) * stateSize, prev = reset ? -1 : sb - heads * stateSize;
                int yOff = t * inner + h * headDim;
                RowOps.scale(d, xbc, xOff, y, yOff, headDim);
                for (int j = 0; j < state; j++) {
                    stateRow(states, prev < 0 ? -1 : prev + j * headDim, sb + j * headDim, a, dth * xbc[bOff + j], xbc, xOff,
                            xbc[cOff + j], y, yOff, headDim);
                }
            }
        }
    }

    /** {@code S = a·S_prev + coef·x} (or {@code coef·x} after a reset, {@code prev < 0}); {@code y += c·S}. */
    static void stateRow(float[] st, int prev, int off, float a, float coef, float[] x, int xOff, float c, float[] y, int yOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            FloatVector av = FloatVector.broadcast(F, a), cv = FloatVector.broadcast(F, c);
            for (; i <= n - L; i += L) {
                FloatVector s = FloatVector.fromArray(F, x, xOff + i).mul(coef);
                if (prev >= 0) s = FloatVector.fromArray(F, st, prev + i).fma(av, s);
                s.intoArray(st, off + i);
                s.fma(cv, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
            }
        }
        stateRowScalar(st, prev < 0 ? -1 : prev + i, off + i, a, coef, x, xOff + i, c, y, yOff + i, n - i);
    }

    static void stateRowScalar(float[] st, int prev, int off, float a, float coef, float[] x, int xOff, float c, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float s = x[xOff + i] * coef;
            if (prev >= 0) s = Math.fma(st[prev + i], a, s);
            st[off + i] = s;
            y[yOff + i] = Math.fma(s, c, y[yOff + i]);
        }
    }

    private void gateRange(int start, int end) {
        for (int t = start; t < end; t++) Activations.gate(y, t * inner, zx, t * inProjDim, gated, t * inner, inner);
    }

    @Override
    public void backward(float[] dOut, float[] dx) {
        gemm.multiply(rows, inner, hidden, dOut, 0, hidden, 1, outProj.w, 0, inner, dNormed, 0, inner, false);
        gemm.multiply(hidden, inner, rows, dOut, 0, 1, hidden, norm.out, 0, inner, outProj.grad, 0, inner, true);
        norm.backward(dNormed, dNormed);
        pool.parallelFor(rows, 16, gateBackRows);
        Arrays.fill(gD, 0);
        Arrays.fill(gA, 0);
        pool.parallelFor(heads, 1, scanBackHeads);
        pool.parallelFor(rows, 8, postScanRows);
        // conv weight and bias gradients: rows in order on one thread
        Arrays.fill(convGradT, 0f);
        float[] biasGrad = convBias == null ? null : convBias.grad;
        for (int t = 0; t < rows; t++) {
            int first = layout.docStart[t], po = t * convDim;
            if (biasGrad != null) RowOps.add(dXbc, po, biasGrad, 0, convDim);
            for (int j = 0; j < kernelSize; j++) {
                int src = t - (kernelSize - 1) + j;
                if (src >= first) fmaRow(dXbc, po, zx, src * inProjDim + inner, convGradT, j * convDim, convDim);
            }
        }
        for (int c = 0; c < convDim; c++) {
            for (int j = 0; j < kernelSize; j++) conv.grad[c * kernelSize + j] += convGradT[j * convDim + c];
        }
        pool.parallelFor(rows, 8, convBackRows);
        for (int h = 0; h < heads; h++) {
            float sum = 0f;
            for (int t = 0; t < rows; t++) sum += dDt[t * heads + h];
            dtBias.grad[h] += sum;
            skipD.grad[h] += (float) gD[h];
            aLog.grad[h] += (float) gA[h];
        }
        gemm.multiply(rows, hidden, inProjDim, dz, 0, inProjDim, 1, inProj.w, 0, hidden, dx, 0, hidden, false);
        gemm.multiply(inProjDim, hidden, rows, dz, 0, 1, inProjDim, x, 0, hidden, inProj.grad, 0, hidden, true);
    }

    /** Gate backward: {@code dy = dGated ⊙ silu(z)} and the z part of {@code dz}. */
    private void gateBackwardRange(int start, int end) {
        for (int t = start; t < end; t++) {
            Activations.gateBackward(dNormed, t * inner, y, t * inner, zx, t * inProjDim, dy, t * inner, dz, t * inProjDim, inner);
        }
    }

    /** The scan backward in time for heads {@code [start, end)}. */
    private void scanBackwardRange(int start, int end) {
        for (int h = start; h < end; h++) {
            int g = h / perGroup, ds = h * stateSize;
            float d = skipD.w[h];
            double expA = Math.exp(aLog.w[h]);
            double sumD = 0, sumA = 0;
            for (int t = rows - 1; t >= 0; t--) {
                if (layout.endsDocument(t)) Arrays.fill(dState, ds, ds + stateSize, 0f);
                boolean reset = layout.docStart[t] == t;
                float a = decay[t * heads + h], dth = dt[t * heads + h];
                int xOff = t * convDim + h * headDim, bOff = t * convDim + inner + g * state;
                int cOff = t * convDim + inner + groups * state + g * state;
                int sb = (t * heads + h) * stateSize, prev = reset ? -1 : sb - heads * stateSize;
                int gOff = t * inner + h * headDim, hs = (t * heads + h) * state;
                sumD += FixedLaneSum.dot(dy, gOff, xbc, xOff, headDim);
                RowOps.scale(d, dy, gOff, dXbc, xOff, headDim);
                double dA = 0, dDtH = 0;
                for (int j = 0; j < state; j++) {
                    dCh[hs + j] = FixedLaneSum.dot(dy, gOff, states, sb + j * headDim, headDim);
                    float bj = xbc[bOff + j];
                    stateGradRow(dState, ds + j * headDim, dy, gOff, xbc[cOff + j], xbc, xOff, states,
                            prev < 0 ? -1 : prev + j * headDim, a, dth * bj, dXbc, xOff, headDim, rowSums, 2 * h);
                    double u = rowSums[2 * h];
                    dBh[hs + j] = (float) (dth * u);
                    dDtH += bj * u;
                    dA += rowSums[2 * h + 1];
                }
                // a = exp(−dt·e^{A_log})
                dDtH += dA * a * -expA;
                sumA += dA * a * -dth * expA;
                dDt[t * heads + h] = (float) dDtH;
            }
            gD[h] = sumD;
            gA[h] = sumA;
        }
    }

    /**
     * One state row j of one step backward: {@code ds = dS + g·c}; {@code out[o] = Σ ds·x}, {@code out[o+1] = Σ ds·S_prev}
     * (0 after a reset); {@code dx += coef·ds}; {@code dS = a·ds}.
     */
    static void stateGradRow(float[] dS, int dsOff, float[] g, int gOff, float c, float[] x, int xOff, float[] st, int prev,
                             float a, float coef, float[] dx, int dxOff, int n, double[] out, int o) {
        if (VectorWidth.SCALAR) {
            stateGradRowScalar(dS, dsOff, g, gOff, c, x, xOff, st, prev, a, coef, dx, dxOff, n, out, o);
            return;
        }
        FloatVector accU = FloatVector.zero(F), accA = FloatVector.zero(F);
        FloatVector cv = FloatVector.broadcast(F, c), coefV = FloatVector.broadcast(F, coef);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector s = FloatVector.fromArray(F, g, gOff + i).fma(cv, FloatVector.fromArray(F, dS, dsOff + i));
            accU = s.fma(FloatVector.fromArray(F, x, xOff + i), accU);
            if (prev >= 0) accA = s.fma(FloatVector.fromArray(F, st, prev + i), accA);
            s.fma(coefV, FloatVector.fromArray(F, dx, dxOff + i)).intoArray(dx, dxOff + i);
            s.mul(a).intoArray(dS, dsOff + i);
        }
        float u = FixedLaneSum.sum(accU), sa = FixedLaneSum.sum(accA);
        for (; i < n; i++) {
            float s = Math.fma(g[gOff + i], c, dS[dsOff + i]);
            u = Math.fma(s, x[xOff + i], u);
            if (prev >= 0) sa = Math.fma(s, st[prev + i], sa);
            dx[dxOff + i] = Math.fma(s, coef, dx[dxOff + i]);
            dS[dsOff + i] = s * a;
        }
        out[o] = u;
        out[o + 1] = sa;
    }

    static void stateGradRowScalar(float[] dS, int dsOff, float[] g, int gOff, float c, float[] x, int xOff, float[] st, int prev,
                                   float a, float coef, float[] dx, int dxOff, int n, double[] out, int o) {
        float u = 0f, sa = 0f;
        for (int i = 0; i < n; i++) {
            float s = Math.fma(g[gOff + i], c, dS[dsOff + i]);
            u = Math.fma(s, x[xOff + i], u);
            if (prev >= 0) sa = Math.fma(s, st[prev + i], sa);
            dx[dxOff + i] = Math.fma(s, coef, dx[dxOff + i]);
            dS[dsOff + i] = s * a;
        }
        out[o] = u;
        out[o + 1] = sa;
    }

    /** Per row: the group sums of the heads' B and C gradients, the time-step backward, and SiLU's backward. */
    private void postScanRange(int start, int end) {
        for (int t = start; t < end; t++) {
            int row = t * convDim;
            for (int g = 0; g < groups; g++) {
                int bOut = row + inner + g * state, cOut = row + inner + groups * state + g * state;
                int h0 = (t * heads + g * perGroup) * state;
                System.arraycopy(dBh, h0, dXbc, bOut, state);
                System.arraycopy(dCh, h0, dXbc, cOut, state);
                for (int h = 1; h < perGroup; h++) {
                    RowOps.add(dBh, h0 + h * state, dXbc, bOut, state);
                    RowOps.add(dCh, h0 + h * state, dXbc, cOut, state);
                }
            }
            for (int h = 0; h < heads; h++) {
                double v = dtPre[t * heads + h];
                double sp = v > 20 ? v : Math.log1p(Math.exp(v));
                double gv = sp < dtMin || sp > dtMax ? 0 : dDt[t * heads + h] * (v > 20 ? 1 : 1.0 / (1.0 + Math.exp(-v)));
                dDt[t * heads + h] = (float) gv;
                dz[t * inProjDim + inner + convDim + h] = (float) gv;
            }
            Activations.siluBackward(dXbc, row, pre, row, dXbc, row, convDim);
        }
    }

    /** The conv's input gradient, gathered per source row: {@code dRaw[s] = Σ_j dPre[s + K−1−j]·w_j} within the document. */
    private void convBackwardRange(int start, int end) {
        float[] wT = conv.wT;
        for (int s = start; s < end; s++) {
            int out = s * inProjDim + inner, first = layout.docStart[s];
            Arrays.fill(dz, out, out + convDim, 0f);
            for (int j = kernelSize - 1; j >= 0; j--) {
                int t = s + (kernelSize - 1) - j;
                if (t >= rows || layout.docStart[t] != first) continue;
                fmaRow(wT, j * convDim, dXbc, t * convDim, dz, out, convDim);
            }
        }
    }

    @Override
    public List<FloatWeight> weights() {
        List<FloatWeight> all = new ArrayList<>(List.of(inProj, conv));
        if (convBias != null) all.add(convBias);
        all.addAll(List.of(dtBias, aLog, skipD, norm.weight, outProj));
        return all;
    }
}

package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.train.layers.Param;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sparse mixture of relu² experts plus a shared expert over a whole packed row, in float32 with the router in
 * double (as the reference {@code MoeLayer}): sigmoid scores, correction bias for selection only, optional
 * group-limited top-k, renormalisation and scaling. The chosen (row, slot) pairs are sorted by expert (a counting
 * sort, in slot order within an expert), each expert's rows gathered into one block, and every expert runs its
 * products once over its block as matrix-matrix products, experts spread over the threads (each expert on one). Outputs are combined per row in slot order, so the result
 * does not depend on how the products were split between threads.
 */
final class FastMoe implements FastMixer {
    private final FloatWeight gate; // [experts, hidden]
    private final Param correctionBias; // may be null; selection only, no gradient
    private final FastMlp[] experts;
    private final FastMlp shared; // may be null
    private final int hidden, count, topK, nGroup, topkGroup, expertWidth;
    private final boolean normalize;
    private final double scaling;
    private final FloatGemm gemm;
    private final WorkerPool pool;
    /** Tokens routed to each expert, added to by every forward (the model's row for this layer). */
    private final long[] load;

    private int rows;
    private float[] x;
    private double[] scores = new double[0], selection = new double[0], weights = new double[0], dWeight = new double[0];
    private double[] groupScore = new double[0];
    private boolean[] groupKept = new boolean[0];
    private int[] chosen = new int[0], sorted = new int[0], posOf = new int[0];
    private final int[] expertCount, expertStart, fill;
    private final double[] balanceF;
    private SequenceLayout layout;
    private float[] xg = new float[0], pre = new float[0], act = new float[0], yg = new float[0];
    private float[] sharedPre = new float[0], sharedAct = new float[0], sharedScratch = new float[0];
    private float[] dOutG = new float[0], dXg = new float[0], scratch = new float[0], dLogits = new float[0];
    private final WorkerPool.RangeBody routeRows = this::routeRange, expertForward = this::expertForwardRange,
            expertBackward = this::expertBackwardRange;

    FastMoe(FloatWeight gate, Param correctionBias, FastMlp[] experts, FastMlp shared, int topK, int nGroup, int topkGroup,
            boolean normalize, double scaling, FloatGemm gemm, WorkerPool pool, long[] load) {
        this.gate = gate;
        this.correctionBias = correctionBias;
        this.experts = experts;
        this.shared = shared;
        this.count = experts.length;
        this.hidden = gate.cols;
        this.topK = topK;
        this.nGroup = nGroup;
        this.topkGroup = topkGroup;
        this.normalize = normalize;
        this.scaling = scaling;
        this.gemm = gemm;
        this.pool = pool;
        this.load = load;
        this.expertWidth = experts[0].width;
        for (FastMlp e : experts) {
            if (e.width != expertWidth) throw new IllegalArgumentException(e.up.param.name() + ": experts of different widths");
        }
        if (gate.rows != count) throw new IllegalArgumentException(gate.param.name() + ": " + gate.rows + " rows for " + count + " experts");
        if (nGroup > 1 && count % nGroup != 0) throw new IllegalArgumentException(count + " experts do not split into n_group " + nGroup);
        this.expertCount = new int[count];
        this.expertStart = new int[count + 1];
        this.fill = new int[count];
        this.balanceF = new double[count];
    }

    @Override
    public void ensureCapacity(int maxRows) {
        if (chosen.length >= maxRows * topK) return;
        int slots = maxRows * topK;
        scores = new double[maxRows * count];
        selection = new double[maxRows * count];
        groupScore = new double[maxRows * Math.max(1, nGroup)];
        groupKept = new boolean[maxRows * Math.max(1, nGroup)];
        weights = new double[slots];
        dWeight = new double[slots];
        chosen = new int[slots];
        sorted = new int[slots];
        posOf = new int[slots];
        xg = new float[slots * hidden];
        yg = new float[slots * hidden];
        dOutG = new float[slots * hidden];
        dXg = new float[slots * hidden];
        pre = new float[slots * expertWidth];
        act = new float[slots * expertWidth];
        scratch = new float[slots * expertWidth];
        dLogits = new float[maxRows * count];
        if (shared != null) {
            sharedPre = new float[maxRows * shared.width];
            sharedAct = new float[maxRows * shared.width];
            sharedScratch = new float[maxRows * shared.width];
        }
    }

    @Override
    public void forward(float[] in, float[] out, SequenceLayout layout) {
        this.x = in;
        this.rows = layout.rows;
        this.layout = layout;
        pool.parallelFor(rows, 8, routeRows);
        // counting sort of the (row, slot) pairs by expert
        int slots = rows * topK;
        Arrays.fill(expertCount, 0);
        for (int i = 0; i < slots; i++) expertCount[chosen[i]]++;
        expertStart[0] = 0;
        for (int e = 0; e < count; e++) expertStart[e + 1] = expertStart[e] + expertCount[e];
        System.arraycopy(expertStart, 0, fill, 0, count);
        for (int i = 0; i < slots; i++) {
            int pos = fill[chosen[i]]++;
            sorted[pos] = i;
            posOf[i] = pos;
            System.arraycopy(in, (i / topK) * hidden, xg, pos * hidden, hidden);
        }
        for (int e = 0; e < count; e++) load[e] += expertCount[e];
        if (shared != null) shared.forwardRows(in, 0, rows, sharedPre, sharedAct, 0, out, 0);
        else Arrays.fill(out, 0, rows * hidden, 0f);
        // one task per expert, each expert's products on one thread: two hand-offs per layer instead of a few per expert
        pool.parallelFor(count, 1, expertForward);
        for (int i = 0; i < slots; i++) RowOps.axpy((float) weights[i], yg, posOf[i] * hidden, out, (i / topK) * hidden, hidden);
    }

    /** Experts {@code [start, end)} forward over their gathered rows (disjoint regions of the shared buffers). */
    private void expertForwardRange(int start, int end) {
        for (int e = start; e < end; e++) {
            int n = expertCount[e], s = expertStart[e];
            if (n > 0) experts[e].forwardRows(xg, s * hidden, n, pre, act, s * expertWidth, yg, s * hidden, true);
        }
    }

    private void expertBackwardRange(int start, int end) {
        for (int e = start; e < end; e++) {
            int n = expertCount[e], s = expertStart[e];
            if (n > 0) {
                experts[e].backwardRows(xg, s * hidden, n, pre, act, s * expertWidth, dOutG, s * hidden, scratch, dXg, s * hidden, false, true);
            }
        }
    }

    /** Router for rows {@code [start, end)}: double logits, sigmoid scores, selection, weights. */
    private void routeRange(int start, int end) {
        double[] g = gate.param.value();
        double[] bias = correctionBias == null ? null : correctionBias.value();
        for (int t = start; t < end; t++) {
            int base = t * count, xb = t * hidden;
            for (int e = 0; e < count; e++) {
                double acc = 0;
                int gb = e * hidden;
                for (int i = 0; i < hidden; i++) acc += x[xb + i] * g[gb + i];
                double s = 1.0 / (1.0 + Math.exp(-acc));
                scores[base + e] = s;
                selection[base + e] = bias == null ? s : s + bias[e];
            }
            if (nGroup > 1) excludeGroups(t);
            selectTopK(t);
            double sum = 0;
            for (int i = 0; i < topK; i++) sum += scores[base + chosen[t * topK + i]];
            for (int i = 0; i < topK; i++) {
                double w = scores[base + chosen[t * topK + i]];
                if (normalize) w /= sum + 1e-20;
                weights[t * topK + i] = w * scaling;
            }
        }
    }

    /** Keeps the topk_group groups with the largest sum of their two best selection scores. */
    private void excludeGroups(int t) {
        int per = count / nGroup, base = t * count, gb = t * nGroup;
        for (int g = 0; g < nGroup; g++) {
            double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
            for (int e = g * per; e < (g + 1) * per; e++) {
                double v = selection[base + e];
                if (v > best) {
                    second = best;
                    best = v;
                } else if (v > second) {
                    second = v;
                }
            }
            groupScore[gb + g] = per >= 2 ? best + second : best;
            groupKept[gb + g] = false;
        }
        for (int j = 0; j < topkGroup; j++) {
            int arg = -1;
            for (int g = 0; g < nGroup; g++) if (!groupKept[gb + g] && (arg < 0 || groupScore[gb + g] > groupScore[gb + arg])) arg = g;
            groupKept[gb + arg] = true;
        }
        for (int g = 0; g < nGroup; g++) {
            if (!groupKept[gb + g]) Arrays.fill(selection, base + g * per, base + (g + 1) * per, Double.NEGATIVE_INFINITY);
        }
    }

    /** Top-k by selection score, ties to the lower index, in descending order. */
    private void selectTopK(int t) {
        int base = t * count, off = t * topK;
        for (int i = 0; i < topK; i++) {
            int arg = -1;
            for (int e = 0; e < count; e++) {
                if (taken(off, i, e)) continue;
                if (arg < 0 || selection[base + e] > selection[base + arg]) arg = e;
            }
            chosen[off + i] = arg;
        }
    }

    private boolean taken(int off, int n, int e) {
        for (int i = 0; i < n; i++) if (chosen[off + i] == e) return true;
        return false;
    }

    @Override
    public void backward(float[] dy, float[] dx) {
        int slots = rows * topK;
        if (shared != null) shared.backwardRows(x, 0, rows, sharedPre, sharedAct, 0, dy, 0, sharedScratch, dx, 0, false);
        else Arrays.fill(dx, 0, rows * hidden, 0f);
        for (int i = 0; i < slots; i++) {
            int t = i / topK, pos = posOf[i];
            double dw = 0;
            for (int h = 0; h < hidden; h++) dw += (double) dy[t * hidden + h] * yg[pos * hidden + h];
            dWeight[i] = dw;
            RowOps.scale((float) weights[i], dy, t * hidden, dOutG, pos * hidden, hidden);
        }
        pool.parallelFor(count, 1, expertBackward);
        for (int i = 0; i < slots; i++) RowOps.add(dXg, posOf[i] * hidden, dx, (i / topK) * hidden, hidden);
        // weights → scores of the chosen experts → router logits (+ the balancing loss through every score)
        Arrays.fill(dLogits, 0, rows * count, 0f);
        if (layout.auxPerTarget != 0) addBalanceGradient();
        for (int t = 0; t < rows; t++) {
            double sum = 0, dot = 0;
            for (int i = 0; i < topK; i++) {
                double s = scores[t * count + chosen[t * topK + i]];
                sum += s;
                dot += dWeight[t * topK + i] * s;
            }
            double z = sum + 1e-20;
            for (int i = 0; i < topK; i++) {
                int e = chosen[t * topK + i];
                double dw = dWeight[t * topK + i];
                double dScore = normalize ? scaling * (dw / z - dot / (z * z)) : scaling * dw;
                double s = scores[t * count + e];
                dLogits[t * count + e] = (float) (dLogits[t * count + e] + dScore * s * (1 - s));
            }
        }
        gemm.multiply(rows, hidden, count, dLogits, 0, count, 1, gate.w, 0, hidden, dx, 0, hidden, true);
        gemm.multiply(count, hidden, rows, dLogits, 0, 1, count, x, 0, hidden, gate.grad, 0, hidden, true);
    }

    /**
     * Writes into {@code dLogits} the gradient of the sequence-wise balancing loss (DeepSeek-V3), per document d of
     * T_d rows: {@code L_d = w_d·Σᵢ fᵢ·Pᵢ}, {@code fᵢ = E/(K·T_d)·#(rows of d choosing i)} held constant,
     * {@code Pᵢ = (1/T_d)·Σ_t s_{t,i}/Σ_j s_{t,j}}, {@code w_d = α·scale·(targets of d)}; in double, documents and
     * experts in order.
     */
    private void addBalanceGradient() {
        for (int d = 0; d < layout.segments; d++) {
            double w = layout.auxPerTarget * layout.targets[d];
            if (w == 0) continue;
            int t0 = layout.bounds[d], t1 = layout.bounds[d + 1], len = t1 - t0;
            Arrays.fill(balanceF, 0);
            for (int i = t0 * topK; i < t1 * topK; i++) balanceF[chosen[i]]++;
            double c = (double) count / ((double) topK * len * len); // fᵢ/T_d per chosen row
            for (int e = 0; e < count; e++) balanceF[e] *= c;
            for (int t = t0; t < t1; t++) {
                double z = 0, dot = 0;
                for (int e = 0; e < count; e++) {
                    z += scores[t * count + e];
                    dot += balanceF[e] * scores[t * count + e];
                }
                double mean = dot / z;
                for (int e = 0; e < count; e++) {
                    double s = scores[t * count + e];
                    dLogits[t * count + e] = (float) (w * (balanceF[e] - mean) / z * s * (1 - s));
                }
            }
        }
    }

    /** The experts chosen for each row by the last forward, [rows, topK] (a copy; for tests). */
    int[] chosen() {
        return Arrays.copyOf(chosen, rows * topK);
    }

    @Override
    public List<FloatWeight> weights() {
        List<FloatWeight> all = new ArrayList<>();
        all.add(gate);
        for (FastMlp e : experts) all.addAll(e.weights());
        if (shared != null) all.addAll(shared.weights());
        return all;
    }
}

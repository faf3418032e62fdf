package dev.nemotron4j.train.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sparse mixture of relu² experts plus a shared expert (ARCHITECTURE.md §7), and its backward. The router's
 * sigmoid scores pick experts after adding the correction bias (selection only, so the bias gets no gradient),
 * optionally within the {@code topk_group} best groups; the chosen experts' unbiased scores, optionally
 * renormalised, times the routed scaling factor weight their outputs. Gradients reach the router only through
 * the chosen experts' weights: the selection itself is piecewise constant.
 *
 * <p>Optionally the sequence-wise balancing loss of DeepSeek-V3 (RECIPES.md §2) over the rows of one forward:
 * {@code L = w · Σᵢ fᵢ·Pᵢ} with {@code s'_{t,i} = s_{t,i} / Σ_j s_{t,j}}, {@code Pᵢ = (1/T) Σ_t s'_{t,i}} and
 * {@code fᵢ = E/(K·T) · #{t : i chosen at t}} held constant; its gradient reaches the router through every score
 * (not only the chosen ones) and, through the router, the layer's input.
 */
public final class MoeLayer implements MixerLayer {

    /** Routing hyper-parameters. */
    public record Routing(int topK, int nGroup, int topkGroup, boolean normalize, double scaling) {}

    private final Param gate;
    private final Param correctionBias; // may be null
    private final MlpLayer[] experts;
    private final MlpLayer shared; // may be null
    private final int hidden, count;
    private final Routing routing;

    private double[] x, scores, weights, expertOut;
    private int[] chosen, rowsOf[], slotOf[];
    private int rows;
    private double auxWeight, auxLoss;

    public MoeLayer(Param gate, Param correctionBias, MlpLayer[] experts, MlpLayer shared, int hidden, Routing routing) {
        this.gate = gate;
        this.correctionBias = correctionBias;
        this.experts = experts;
        this.shared = shared;
        this.hidden = hidden;
        this.count = experts.length;
        this.routing = routing;
    }

    /** The experts chosen for every row by the last forward, [rows, topK], in descending selection score. */
    public int[] chosen() {
        return chosen.clone();
    }

    /** The weight w of the sequence-wise balancing loss in the next forwards and backwards (0 = off). */
    public void setAuxLossWeight(double weight) {
        this.auxWeight = weight;
    }

    /** The balancing loss w·Σᵢ fᵢ·Pᵢ of the last forward (0 when off). */
    public double auxLoss() {
        return auxLoss;
    }

    /** Adds how many rows of the last forward chose each expert to {@code counts} [experts]. */
    public void addLoad(long[] counts) {
        for (int e : chosen) counts[e]++;
    }

    /** The correction bias (selection only), or null when the checkpoint has none. */
    public Param correctionBias() {
        return correctionBias;
    }

    /** The router weight [experts, hidden]. */
    public Param gate() {
        return gate;
    }

    @Override
    public double[] forward(double[] in, int rows) {
        this.x = in;
        this.rows = rows;
        int k = routing.topK();
        double[] logits = Linear.forward(in, rows, hidden, gate.value(), count);
        scores = new double[rows * count];
        chosen = new int[rows * k];
        weights = new double[rows * k];
        double[] selection = new double[count];
        for (int t = 0; t < rows; t++) {
            for (int e = 0; e < count; e++) {
                double s = 1.0 / (1.0 + Math.exp(-logits[t * count + e]));
                scores[t * count + e] = s;
                selection[e] = correctionBias == null ? s : s + correctionBias.value()[e];
            }
            if (routing.nGroup() > 1) excludeGroups(selection);
            selectTopK(selection, t * k);
            double sum = 0;
            for (int i = 0; i < k; i++) sum += scores[t * count + chosen[t * k + i]];
            for (int i = 0; i < k; i++) {
                double w = scores[t * count + chosen[t * k + i]];
                if (routing.normalize()) w /= sum + 1e-20;
                weights[t * k + i] = w * routing.scaling();
            }
        }
        auxLoss = auxWeight == 0 ? 0 : auxWeight * balanceSum();
        double[] out = shared == null ? new double[rows * hidden] : shared.forward(in, rows);
        // each expert runs once over the rows that chose it
        rowsOf = new int[count][];
        slotOf = new int[count][];
        expertOut = new double[rows * k * hidden];
        for (int e = 0; e < count; e++) {
            int n = 0;
            for (int i = 0; i < rows * k; i++) if (chosen[i] == e) n++;
            rowsOf[e] = new int[n];
            slotOf[e] = new int[n];
            n = 0;
            for (int i = 0; i < rows * k; i++) {
                if (chosen[i] == e) {
                    rowsOf[e][n] = i / k;
                    slotOf[e][n++] = i;
                }
            }
            if (n == 0) continue;
            double[] gathered = new double[n * hidden];
            for (int j = 0; j < n; j++) System.arraycopy(in, rowsOf[e][j] * hidden, gathered, j * hidden, hidden);
            double[] y = experts[e].forward(gathered, n);
            for (int j = 0; j < n; j++) {
                int slot = slotOf[e][j], t = rowsOf[e][j];
                System.arraycopy(y, j * hidden, expertOut, slot * hidden, hidden);
                for (int i = 0; i < hidden; i++) out[t * hidden + i] += weights[slot] * y[j * hidden + i];
            }
        }
        return out;
    }

    /** fᵢ / T of the balancing loss: E/(K·T²) · how many rows chose expert i. */
    private double[] balanceFractionsOverT() {
        double[] f = new double[count];
        for (int e : chosen) f[e]++;
        double c = (double) count / ((double) routing.topK() * rows * rows);
        for (int e = 0; e < count; e++) f[e] *= c;
        return f;
    }

    /** Σᵢ fᵢ·Pᵢ of the last selection. */
    private double balanceSum() {
        double[] fOverT = balanceFractionsOverT();
        double sum = 0;
        for (int t = 0; t < rows; t++) {
            double z = 0, dot = 0;
            for (int e = 0; e < count; e++) {
                z += scores[t * count + e];
                dot += fOverT[e] * scores[t * count + e];
            }
            sum += dot / z;
        }
        return sum;
    }

    /** Adds d(w·Σᵢ fᵢ·Pᵢ)/d(router logits) to {@code dLogits}: dL/ds'_{t,i} = w·fᵢ/T, through s' = s/Σs and the sigmoid. */
    private void addBalanceGradient(double[] dLogits) {
        double[] fOverT = balanceFractionsOverT();
        for (int t = 0; t < rows; t++) {
            double z = 0, dot = 0;
            for (int e = 0; e < count; e++) {
                z += scores[t * count + e];
                dot += fOverT[e] * scores[t * count + e];
            }
            double mean = dot / z; // Σᵢ (fᵢ/T)·s'_{t,i}
            for (int e = 0; e < count; e++) {
                double s = scores[t * count + e];
                double dScore = auxWeight * (fOverT[e] - mean) / z;
                dLogits[t * count + e] += dScore * s * (1 - s);
            }
        }
    }

    /** Keeps the topk_group groups with the largest sum of their two best selection scores (§7, §12 D5). */
    private void excludeGroups(double[] selection) {
        int nGroup = routing.nGroup(), per = count / nGroup;
        double[] groupScore = new double[nGroup];
        boolean[] kept = new boolean[nGroup];
        for (int g = 0; g < nGroup; g++) {
            double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
            for (int e = g * per; e < (g + 1) * per; e++) {
                double v = selection[e];
                if (v > best) {
                    second = best;
                    best = v;
                } else if (v > second) {
                    second = v;
                }
            }
            groupScore[g] = per >= 2 ? best + second : best;
        }
        for (int j = 0; j < routing.topkGroup(); j++) {
            int arg = -1;
            for (int g = 0; g < nGroup; g++) if (!kept[g] && (arg < 0 || groupScore[g] > groupScore[arg])) arg = g;
            kept[arg] = true;
        }
        for (int g = 0; g < nGroup; g++) {
            if (!kept[g]) Arrays.fill(selection, g * per, (g + 1) * per, Double.NEGATIVE_INFINITY);
        }
    }

    /** Top-k by selection score, ties to the lower index, in descending order. */
    private void selectTopK(double[] selection, int off) {
        boolean[] taken = new boolean[count];
        for (int i = 0; i < routing.topK(); i++) {
            int arg = -1;
            for (int e = 0; e < count; e++) {
                if (taken[e]) continue;
                if (arg < 0 || selection[e] > selection[arg]) arg = e;
            }
            taken[arg] = true;
            chosen[off + i] = arg;
        }
    }

    @Override
    public double[] backward(double[] dy) {
        int k = routing.topK();
        double[] dx = shared == null ? new double[rows * hidden] : shared.backward(dy);
        double[] dWeight = new double[rows * k];
        for (int e = 0; e < count; e++) {
            int n = rowsOf[e].length;
            if (n == 0) continue;
            double[] dOut = new double[n * hidden];
            for (int j = 0; j < n; j++) {
                int slot = slotOf[e][j], t = rowsOf[e][j];
                double w = weights[slot], dw = 0;
                for (int i = 0; i < hidden; i++) {
                    dOut[j * hidden + i] = w * dy[t * hidden + i];
                    dw += dy[t * hidden + i] * expertOut[slot * hidden + i];
                }
                dWeight[slot] = dw;
            }
            double[] dIn = experts[e].backward(dOut);
            for (int j = 0; j < n; j++) {
                int t = rowsOf[e][j];
                for (int i = 0; i < hidden; i++) dx[t * hidden + i] += dIn[j * hidden + i];
            }
        }
        // weights → scores of the chosen experts → router logits
        double[] dLogits = new double[rows * count];
        double sc = routing.scaling();
        for (int t = 0; t < rows; t++) {
            double sum = 0, dot = 0;
            for (int i = 0; i < k; i++) {
                double s = scores[t * count + chosen[t * k + i]];
                sum += s;
                dot += dWeight[t * k + i] * s;
            }
            double z = sum + 1e-20;
            for (int i = 0; i < k; i++) {
                int e = chosen[t * k + i];
                double dScore = routing.normalize() ? sc * (dWeight[t * k + i] / z - dot / (z * z)) : sc * dWeight[t * k + i];
                double s = scores[t * count + e];
                dLogits[t * count + e] = dScore * s * (1 - s);
            }
        }
        if (auxWeight != 0) addBalanceGradient(dLogits);
        double[] dxRouter = Linear.backward(x, dLogits, rows, hidden, gate.value(), gate.grad(), count);
        for (int i = 0; i < dx.length; i++) dx[i] += dxRouter[i];
        return dx;
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        all.add(gate);
        if (correctionBias != null) all.add(correctionBias);
        for (MlpLayer m : experts) all.addAll(m.params());
        if (shared != null) all.addAll(shared.params());
        return all;
    }
}

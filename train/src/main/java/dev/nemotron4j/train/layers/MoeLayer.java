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

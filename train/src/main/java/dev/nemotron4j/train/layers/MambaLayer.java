package dev.nemotron4j.train.layers;

import java.util.ArrayList;
import java.util.List;

/**
 * The Mamba-2 mixer (ARCHITECTURE.md §5) over one sequence from a zero state, and its backward: in_proj split into
 * z, xBC and raw dt; causal depthwise conv + SiLU on xBC; dt = clamp(softplus(dt_raw + dt_bias)); the selective scan
 * as the plain recurrence {@code S_t = exp(dt·A)·S_{t−1} + dt·x_t ⊗ B_t}, {@code y_t = S_t·C_t + D·x_t} with
 * A = −exp(A_log) (run backward in time for the gradient, from the saved states); the gated grouped RMSNorm of
 * {@code y ⊙ SiLU(z)}; out_proj.
 */
public final class MambaLayer implements MixerLayer {

    /** Mamba shapes (ARCHITECTURE.md §2.1). */
    public record Shape(int hidden, int heads, int headDim, int stateSize, int groups, int kernel, double dtMin, double dtMax) {
        int inner() {
            return heads * headDim;
        }

        int convDim() {
            return inner() + 2 * groups * stateSize;
        }

        int inProjDim() {
            return inner() + convDim() + heads;
        }
    }

    private final Param inProj, convWeight, convBias, dtBias, aLog, skipD, normWeight, outProj;
    private final RmsNormLayer norm;
    private final Shape s;

    private double[] x, zxbcdt, pre, xbc, dtPre, dt, states, y, gatedIn;
    private int rows;

    public MambaLayer(Param inProj, Param convWeight, Param convBias, Param dtBias, Param aLog, Param skipD,
                      Param normWeight, Param outProj, double eps, Shape shape) {
        this.inProj = inProj;
        this.convWeight = convWeight;
        this.convBias = convBias;
        this.dtBias = dtBias;
        this.aLog = aLog;
        this.skipD = skipD;
        this.normWeight = normWeight;
        this.outProj = outProj;
        this.s = shape;
        this.norm = new RmsNormLayer(normWeight, eps, shape.inner() / shape.groups());
    }

    private static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    private static double silu(double v) {
        return v * sigmoid(v);
    }

    private static double siluGrad(double v) {
        double sg = sigmoid(v);
        return sg * (1 + v * (1 - sg));
    }

    @Override
    public double[] forward(double[] in, int rows) {
        this.x = in;
        this.rows = rows;
        int inner = s.inner(), cd = s.convDim(), ipd = s.inProjDim(), nh = s.heads(), k = s.kernel();
        int hd = s.headDim(), n = s.stateSize(), perGroup = nh / s.groups(), pn = hd * n;
        zxbcdt = Linear.forward(in, rows, s.hidden(), inProj.value(), ipd);
        // causal depthwise conv + SiLU
        pre = new double[rows * cd];
        xbc = new double[rows * cd];
        double[] w = convWeight.value();
        for (int t = 0; t < rows; t++) {
            for (int c = 0; c < cd; c++) {
                double acc = convBias == null ? 0 : convBias.value()[c];
                for (int j = 0; j < k; j++) {
                    int src = t - (k - 1) + j;
                    if (src >= 0) acc += w[c * k + j] * zxbcdt[src * ipd + inner + c];
                }
                pre[t * cd + c] = acc;
                xbc[t * cd + c] = silu(acc);
            }
        }
        // time steps
        dtPre = new double[rows * nh];
        dt = new double[rows * nh];
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < nh; h++) {
                double v = zxbcdt[t * ipd + inner + cd + h] + dtBias.value()[h];
                dtPre[t * nh + h] = v;
                double sp = v > 20 ? v : Math.log1p(Math.exp(v));
                dt[t * nh + h] = Math.min(s.dtMax(), Math.max(s.dtMin(), sp));
            }
        }
        // scan, saving every state
        states = new double[rows * nh * pn];
        y = new double[rows * inner];
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < nh; h++) {
                int g = h / perGroup;
                double dth = dt[t * nh + h], a = Math.exp(-dth * Math.exp(aLog.value()[h]));
                int bBase = t * cd + inner + g * n, cBase = t * cd + inner + s.groups() * n + g * n;
                int sb = (t * nh + h) * pn, prev = sb - nh * pn;
                for (int p = 0; p < hd; p++) {
                    double xv = xbc[t * cd + h * hd + p], acc = 0;
                    for (int j = 0; j < n; j++) {
                        double old = t == 0 ? 0 : states[prev + p * n + j];
                        double sv = a * old + dth * xv * xbc[bBase + j];
                        states[sb + p * n + j] = sv;
                        acc += sv * xbc[cBase + j];
                    }
                    y[t * inner + h * hd + p] = acc + skipD.value()[h] * xv;
                }
            }
        }
        // gated grouped RMSNorm, out_proj
        gatedIn = new double[rows * inner];
        for (int t = 0; t < rows; t++) {
            for (int i = 0; i < inner; i++) gatedIn[t * inner + i] = y[t * inner + i] * silu(zxbcdt[t * ipd + i]);
        }
        double[] normed = norm.forward(gatedIn, rows);
        this.normed = normed;
        return Linear.forward(normed, rows, inner, outProj.value(), s.hidden());
    }

    private double[] normed;

    @Override
    public double[] backward(double[] dOut) {
        int inner = s.inner(), cd = s.convDim(), ipd = s.inProjDim(), nh = s.heads(), k = s.kernel();
        int hd = s.headDim(), n = s.stateSize(), perGroup = nh / s.groups(), pn = hd * n;
        double[] dz = new double[rows * ipd]; // d zxbcdt
        double[] dNormed = Linear.backward(normed, dOut, rows, inner, outProj.value(), outProj.grad(), s.hidden());
        double[] dGated = norm.backward(dNormed);
        double[] dy = new double[rows * inner];
        for (int t = 0; t < rows; t++) {
            for (int i = 0; i < inner; i++) {
                double zv = zxbcdt[t * ipd + i];
                dy[t * inner + i] = dGated[t * inner + i] * silu(zv);
                dz[t * ipd + i] = dGated[t * inner + i] * y[t * inner + i] * siluGrad(zv);
            }
        }
        // scan backward in time
        double[] dXbc = new double[rows * cd];
        double[] dDt = new double[rows * nh];
        double[] dState = new double[nh * pn];
        double[] gD = skipD.grad(), gALog = aLog.grad();
        for (int t = rows - 1; t >= 0; t--) {
            for (int h = 0; h < nh; h++) {
                int g = h / perGroup;
                double expA = Math.exp(aLog.value()[h]);
                double dth = dt[t * nh + h], a = Math.exp(-dth * expA);
                int bBase = t * cd + inner + g * n, cBase = t * cd + inner + s.groups() * n + g * n;
                int sb = (t * nh + h) * pn, prev = sb - nh * pn, db = h * pn;
                double dA = 0, dDtH = 0;
                for (int p = 0; p < hd; p++) {
                    int xi = t * cd + h * hd + p;
                    double xv = xbc[xi], g1 = dy[t * inner + h * hd + p];
                    gD[h] += g1 * xv;
                    dXbc[xi] += skipD.value()[h] * g1;
                    double dxB = 0;
                    for (int j = 0; j < n; j++) {
                        double sv = states[sb + p * n + j];
                        dXbc[cBase + j] += g1 * sv;
                        double ds = dState[db + p * n + j] + g1 * xbc[cBase + j];
                        double old = t == 0 ? 0 : states[prev + p * n + j];
                        dA += ds * old;
                        dDtH += ds * xv * xbc[bBase + j];
                        dxB += ds * xbc[bBase + j];
                        dXbc[bBase + j] += ds * dth * xv;
                        dState[db + p * n + j] = ds * a;
                    }
                    dXbc[xi] += dth * dxB;
                }
                // a = exp(−dt·e^{A_log})
                dDtH += dA * a * -expA;
                gALog[h] += dA * a * -dth * expA;
                dDt[t * nh + h] = dDtH;
            }
        }
        // time steps: softplus' = sigmoid; the clamp passes no gradient where it binds
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < nh; h++) {
                double v = dtPre[t * nh + h];
                double sp = v > 20 ? v : Math.log1p(Math.exp(v));
                double g = sp < s.dtMin() || sp > s.dtMax() ? 0 : dDt[t * nh + h] * (v > 20 ? 1 : sigmoid(v));
                dtBias.grad()[h] += g;
                dz[t * ipd + inner + cd + h] = g;
            }
        }
        // SiLU and conv
        double[] w = convWeight.value(), gw = convWeight.grad();
        for (int t = 0; t < rows; t++) {
            for (int c = 0; c < cd; c++) {
                double dp = dXbc[t * cd + c] * siluGrad(pre[t * cd + c]);
                if (convBias != null) convBias.grad()[c] += dp;
                for (int j = 0; j < k; j++) {
                    int src = t - (k - 1) + j;
                    if (src < 0) continue;
                    gw[c * k + j] += dp * zxbcdt[src * ipd + inner + c];
                    dz[src * ipd + inner + c] += dp * w[c * k + j];
                }
            }
        }
        return Linear.backward(x, dz, rows, s.hidden(), inProj.value(), inProj.grad(), ipd);
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>(List.of(inProj, convWeight));
        if (convBias != null) all.add(convBias);
        all.addAll(List.of(dtBias, aLog, skipD, normWeight, outProj));
        return all;
    }
}

package dev.nemotron4j.train.layers;

/**
 * {@code x / sqrt(mean(x²) + eps) ⊙ w} over groups of {@code groupSize} consecutive elements of each row
 * (ARCHITECTURE.md §4; with groups, the Mamba gated norm of §5.6), and its backward.
 */
public final class RmsNormLayer {
    private final Param weight;
    private final int width, groupSize;
    private final double eps;
    private double[] x, inv;
    private int rows;

    /** A norm over whole rows. */
    public RmsNormLayer(Param weight, double eps) {
        this(weight, eps, weight.size());
    }

    public RmsNormLayer(Param weight, double eps, int groupSize) {
        this.weight = weight;
        this.width = weight.size();
        this.groupSize = groupSize;
        this.eps = eps;
        if (width % groupSize != 0) throw new IllegalArgumentException(weight.name() + ": width " + width + " is not a multiple of " + groupSize);
    }

    public double[] forward(double[] in, int rows) {
        this.x = in;
        this.rows = rows;
        int groups = width / groupSize;
        inv = new double[rows * groups];
        double[] w = weight.value(), y = new double[rows * width];
        for (int t = 0; t < rows; t++) {
            for (int g = 0; g < groups; g++) {
                int b = t * width + g * groupSize;
                double ss = 0;
                for (int i = 0; i < groupSize; i++) ss += in[b + i] * in[b + i];
                double r = 1.0 / Math.sqrt(ss / groupSize + eps);
                inv[t * groups + g] = r;
                for (int i = 0; i < groupSize; i++) y[b + i] = in[b + i] * r * w[g * groupSize + i];
            }
        }
        return y;
    }

    public double[] backward(double[] dy) {
        int groups = width / groupSize;
        double[] w = weight.value(), gw = weight.grad(), dx = new double[rows * width];
        for (int t = 0; t < rows; t++) {
            for (int g = 0; g < groups; g++) {
                int b = t * width + g * groupSize, wb = g * groupSize;
                double r = inv[t * groups + g], dot = 0;
                for (int i = 0; i < groupSize; i++) {
                    gw[wb + i] += dy[b + i] * x[b + i] * r;
                    dot += dy[b + i] * w[wb + i] * x[b + i];
                }
                double c = r * r * r * dot / groupSize;
                for (int i = 0; i < groupSize; i++) dx[b + i] = r * dy[b + i] * w[wb + i] - c * x[b + i];
            }
        }
        return dx;
    }
}

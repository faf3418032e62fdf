package dev.nemotron4j.train.layers;

/** {@code y = x · Wᵀ} for a weight W of shape [out, in] over T rows, and its backward. */
public final class Linear {
    private Linear() {}

    /** y[T, out] = x[T, in] · wᵀ. */
    public static double[] forward(double[] x, int rows, int in, double[] w, int out) {
        double[] y = new double[rows * out];
        for (int t = 0; t < rows; t++) {
            int xb = t * in;
            for (int o = 0; o < out; o++) {
                int wb = o * in;
                double acc = 0;
                for (int i = 0; i < in; i++) acc += x[xb + i] * w[wb + i];
                y[t * out + o] = acc;
            }
        }
        return y;
    }

    /** Adds dyᵀ·x to {@code gw} and returns dx = dy · w. */
    public static double[] backward(double[] x, double[] dy, int rows, int in, double[] w, double[] gw, int out) {
        double[] dx = new double[rows * in];
        for (int t = 0; t < rows; t++) {
            int xb = t * in;
            for (int o = 0; o < out; o++) {
                double g = dy[t * out + o];
                if (g == 0) continue;
                int wb = o * in;
                for (int i = 0; i < in; i++) {
                    dx[xb + i] += g * w[wb + i];
                    gw[wb + i] += g * x[xb + i];
                }
            }
        }
        return dx;
    }
}

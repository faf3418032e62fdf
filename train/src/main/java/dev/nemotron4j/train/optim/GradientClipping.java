package dev.nemotron4j.train.optim;

import dev.nemotron4j.train.layers.Param;

/** Global-norm clipping: when the L2 norm of all trainable gradients together exceeds a maximum, scale them all down to it. */
public final class GradientClipping {
    private GradientClipping() {}

    /** The global L2 norm of the trainable parameters' gradients (summed in iteration order, so reproducible). */
    public static double globalNorm(Iterable<Param> params) {
        double sum = 0;
        for (Param p : params) {
            if (!p.trainable()) continue;
            for (double g : p.grad()) sum += g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales every trainable gradient by {@code maxNorm / norm} when the global norm exceeds {@code maxNorm}
     * ({@code maxNorm ≤ 0} or infinite: no clipping). A non-finite norm is an error: the step must not be applied.
     *
     * @return the global norm before clipping
     */
    public static double clip(Iterable<Param> params, double maxNorm) {
        double norm = globalNorm(params);
        if (!Double.isFinite(norm)) throw new ArithmeticException("gradient norm is " + norm + ": the step diverged");
        if (maxNorm > 0 && Double.isFinite(maxNorm) && norm > maxNorm) {
            double factor = maxNorm / norm;
            for (Param p : params) {
                if (!p.trainable()) continue;
                double[] g = p.grad();
                for (int i = 0; i < g.length; i++) g[i] *= factor;
            }
        }
        return norm;
    }
}

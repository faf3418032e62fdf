package dev.nemotron4j.engine.model;

/**
 * Per-thread temporaries shared by all layers of all models on that thread. A forward pass runs its layers
 * one after another on the calling thread, and a layer's intermediate arrays (projections, gathered expert
 * rows) are dead once it returns, so one set sized for the largest layer serves them all: memory for a long
 * prompt does not grow with the number of layers, and steady-state decoding allocates nothing.
 */
final class Scratch {
    private Scratch() {}

    static final int MAMBA_ZXBCDT = 0, MAMBA_XBC = 1, MAMBA_DT = 2, MAMBA_Y = 3, MAMBA_GATED = 4,
            MOE_GATHERED = 5, MOE_EXPERT_OUT = 6, MOE_HIDDEN = 7;
    private static final int SLOTS = 8;

    private static final ThreadLocal<float[][]> LOCAL = ThreadLocal.withInitial(() -> {
        float[][] a = new float[SLOTS][];
        for (int i = 0; i < SLOTS; i++) a[i] = new float[0];
        return a;
    });

    /** The thread's array for {@code slot}, at least {@code size} long (contents undefined). */
    static float[] floats(int slot, int size) {
        float[][] a = LOCAL.get();
        if (a[slot].length < size) a[slot] = new float[size];
        return a[slot];
    }
}

package dev.nemotron4j.engine.state;

import java.util.Arrays;

/**
 * The recurrent state of one Mamba layer for one sequence (ARCHITECTURE.md §5.7): the last K−1
 * pre-conv xBC rows (oldest first) and the float32 SSM state S[heads][headDim][stateSize].
 */
public final class MambaLayerState {
    /** [K−1][convDim], oldest row first; zeros at sequence start. */
    public final float[] conv;
    /** [heads][headDim][stateSize]. */
    public final float[] ssm;

    public MambaLayerState(int convRows, int convDim, int heads, int headDim, int stateSize) {
        this.conv = new float[convRows * convDim];
        this.ssm = new float[heads * headDim * stateSize];
    }

    private MambaLayerState(float[] conv, float[] ssm) {
        this.conv = conv;
        this.ssm = ssm;
    }

    public void clear() {
        Arrays.fill(conv, 0f);
        Arrays.fill(ssm, 0f);
    }

    public MambaLayerState copy() {
        return new MambaLayerState(conv.clone(), ssm.clone());
    }

    /** Overwrites this state with {@code other}'s (same shape). */
    public void copyFrom(MambaLayerState other) {
        if (other.conv.length != conv.length || other.ssm.length != ssm.length) {
            throw new IllegalArgumentException("Mamba states of different shapes");
        }
        System.arraycopy(other.conv, 0, conv, 0, conv.length);
        System.arraycopy(other.ssm, 0, ssm, 0, ssm.length);
    }

    public long bytes() {
        return 4L * (conv.length + ssm.length);
    }
}

package dev.nemotron4j.train.layers;

import java.util.Arrays;

/**
 * One parameter tensor of the checkpoint: its name, shape, values and accumulated gradient, both held in double
 * (the training forward runs in double so that finite differences can check it; float32 storage is a later step).
 *
 * @param trainable false for tensors that steer the forward but receive no gradient ({@code e_score_correction_bias})
 */
public record Param(String name, long[] shape, double[] value, double[] grad, boolean trainable) {

    public Param(String name, long[] shape, double[] value, boolean trainable) {
        this(name, shape, value, new double[value.length], trainable);
    }

    public int size() {
        return value.length;
    }

    public void zeroGrad() {
        Arrays.fill(grad, 0.0);
    }
}

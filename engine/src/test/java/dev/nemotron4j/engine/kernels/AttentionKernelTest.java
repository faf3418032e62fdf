package dev.nemotron4j.engine.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The online-softmax attention kernel agrees with its two-pass scalar twin at real shapes (head_dim 128, GQA stride). */
class AttentionKernelTest {

    @Test
    void onlineSoftmaxMatchesTwoPassTwin() {
        Random rnd = new Random(3);
        int headDim = 128, kvHeads = 2, stride = kvHeads * headDim;
        for (int visible : new int[] {1, 5, 16, 17, 333, 4100}) {
            float[] keys = new float[visible * stride], values = new float[visible * stride], q = new float[headDim];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = (float) rnd.nextGaussian();
                values[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < headDim; i++) q[i] = (float) rnd.nextGaussian() * (visible == 333 ? 3 : 1); // peaked softmax too
            float[] vec = new float[headDim], scalar = new float[headDim];
            float scale = (float) (1 / Math.sqrt(headDim));
            AttentionKernel.attend(q, 0, keys, values, headDim, stride, visible, scale, headDim, vec, 0);
            AttentionKernel.attendScalar(q, 0, keys, values, headDim, stride, visible, scale, headDim, scalar, 0);
            for (int d = 0; d < headDim; d++) assertThat(vec[d]).as("visible %d dim %d", visible, d).isCloseTo(scalar[d], within(2e-5f));
        }
    }

    @Test
    void aGroupOfQueryHeadsSharingOneKvHeadMatchesEachHeadAlone() {
        Random rnd = new Random(5);
        int headDim = 128, heads = 16, stride = 2 * headDim, visible = 1000;
        float[] keys = new float[visible * stride], values = new float[visible * stride], q = new float[heads * headDim];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (float) rnd.nextGaussian();
            values[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] group = new float[heads * headDim];
        AttentionKernel.attendGroup(q, 0, heads, keys, values, headDim, stride, visible, scale, headDim, group, 0);
        for (int h = 0; h < heads; h++) {
            float[] alone = new float[headDim], scalar = new float[headDim];
            AttentionKernel.attend(q, h * headDim, keys, values, headDim, stride, visible, scale, headDim, alone, 0);
            AttentionKernel.attendScalar(q, h * headDim, keys, values, headDim, stride, visible, scale, headDim, scalar, 0);
            for (int d = 0; d < headDim; d++) {
                assertThat(group[h * headDim + d]).as("head %d dim %d bit-identical to alone", h, d).isEqualTo(alone[d]);
                assertThat(group[h * headDim + d]).as("head %d dim %d vs scalar", h, d).isCloseTo(scalar[d], within(2e-5f));
            }
        }
    }
}

package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.kernels.GgmlBlocks;
import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quantize → dequantize round trips stay within each type's step size (relative to the block's largest
 * magnitude; Q4_0 clips the side opposite its largest element at 7/8 of it, hence 1/8), and llama.cpp's
 * rounding rule is followed exactly on hand-picked values.
 */
class GgmlQuantizerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Q8_0, 0.0045", "Q4_0, 0.126", "Q4_K, 0.08", "Q6_K, 0.02", "F16, 0.0005", "BF16, 0.004"})
    void roundTripErrorIsWithinTheStepSize(DType type, double relTol) {
        Random rnd = new Random(11);
        int n = 4096;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextGaussian() * 0.02);
        ByteBuffer buf = ByteBuffer.allocate((int) type.byteSize(n)).order(ByteOrder.LITTLE_ENDIAN);
        GgmlQuantizer.quantize(type, x, 0, n, buf);
        assertThat(buf.position()).isEqualTo(buf.capacity());
        float[] back = new float[n];
        MemorySegment seg = MemorySegment.ofArray(buf.array());
        if (type.isQuantized()) {
            GgmlBlocks.dequantizeRun(type, seg, 0, n, back, 0);
        } else {
            for (int i = 0; i < n; i++) {
                short h = buf.getShort(2 * i);
                back[i] = type == DType.F16 ? Float.float16ToFloat(h) : Float.intBitsToFloat(h << 16);
            }
        }
        int bs = Math.max(32, type.blockSize());
        for (int b = 0; b < n; b += bs) {
            float amax = 0;
            for (int i = b; i < b + bs; i++) amax = Math.max(amax, Math.abs(x[i]));
            for (int i = b; i < b + bs; i++) {
                assertThat((double) Math.abs(back[i] - x[i])).as("%s element %d", type, i).isLessThanOrEqualTo(relTol * amax);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0.5, 1", "-0.5, -1", "1.5, 2", "-2.5, -3", "0.49999997, 0", "126.5, 127"})
    void roundingIsHalfAwayFromZeroLikeC(float v, int expected) {
        assertThat(GgmlQuantizer.roundHalfAway(v)).isEqualTo(expected);
    }
}

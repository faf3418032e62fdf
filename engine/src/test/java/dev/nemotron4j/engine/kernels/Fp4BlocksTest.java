package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MXFP4 and NVFP4 blocks decoded by hand from the layouts (GGUF.md, ggml-common.h), including the edge cases as
 * ggml defines them: the E2M1 "−0" code dequantizes to +0 (ggml's table holds the integer 0), E8M0 exponents 0
 * and 1 give subnormal scales and 255 gives 2^127 (no NaN), E4M3 bytes 0x00 and 0x7F give a zero scale while bit 7
 * is ignored otherwise.
 */
class Fp4BlocksTest {

    private static float[] decode(DType type, int... bytes) {
        byte[] b = new byte[type.blockBytes()];
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        float[] out = new float[type.blockSize()];
        GgmlBlocks.dequantize(type, MemorySegment.ofArray(b), 0, out, 0);
        return out;
    }

    /** An MXFP4 block with exponent byte e and the nibbles 0x87, 0x19, 0xD5, 0x0F in its first four bytes. */
    private static float[] mxfp4(int e) {
        return decode(DType.MXFP4, e, 0x87, 0x19, 0xD5, 0x0F);
    }

    private static boolean isPositiveZero(float v) {
        return Float.floatToRawIntBits(v) == 0;
    }

    @Test
    void mxfp4WithUnitScale() {
        float[] v = mxfp4(128); // 2^(128−128) = 1: the doubled E2M1 codes themselves
        // low nibbles are elements 0–15: codes 7, 9, 5, 15 = 12, −1, 6, −12
        assertThat(new float[] {v[0], v[1], v[2], v[3]}).containsExactly(12f, -1f, 6f, -12f);
        // high nibbles are elements 16–31: codes 8 (−0), 1, 13, 0 = 0, 1, −6, 0
        assertThat(new float[] {v[17], v[18]}).containsExactly(1f, -6f);
        assertThat(isPositiveZero(v[16])).as("code 8 is +0 in ggml").isTrue();
        assertThat(isPositiveZero(v[19])).isTrue();
        for (int j = 4; j < 16; j++) assertThat(isPositiveZero(v[j]) && isPositiveZero(v[16 + j])).isTrue();
    }

    @Test
    void mxfp4ExponentEdges() {
        float[] half = mxfp4(127);
        assertThat(new float[] {half[0], half[1], half[2], half[3], half[17], half[18]}).containsExactly(6f, -0.5f, 3f, -6f, 0.5f, -3f);
        float[] e0 = mxfp4(0); // 2^−128: subnormal
        assertThat(e0[1]).isEqualTo(-Float.MIN_NORMAL / 4);
        assertThat(e0[0]).isEqualTo(3 * Float.MIN_NORMAL); // 12·2^−128
        assertThat(e0[3]).isEqualTo(-3 * Float.MIN_NORMAL);
        assertThat(mxfp4(1)[17]).isEqualTo(Float.MIN_NORMAL / 2); // 2^−127
        assertThat(mxfp4(2)[17]).isEqualTo(Float.MIN_NORMAL); // 2^−126, the first normal scale
        float[] e255 = mxfp4(255); // 2^127, not NaN; products beyond float's range overflow as in ggml
        assertThat(e255[17]).isEqualTo(0x1p127f);
        assertThat(e255[1]).isEqualTo(-0x1p127f);
        assertThat(e255[0]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(e255[3]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(isPositiveZero(e255[16])).isTrue();
        assertThat(GgmlBlocks.e8m0Half(254)).isEqualTo(0x1p126f);
    }

    @Test
    void nvfp4SubBlocksScalesAndNibbleOrder() {
        int[] b = new int[36];
        b[0] = 0x38; // E4M3 1.0 → 0.5
        b[1] = 0x7F; // E4M3 NaN → 0
        b[2] = 0x01; // subnormal 2^−9 → 2^−10
        b[3] = 0xFE; // bit 7 ignored: 0x7E = 1.75·2^8 = 448 → 224
        b[4] = 0x87;  // sub-block 0, byte 0: element 0 code 7 (12), element 8 code 8 (−0)
        b[5] = 0xB2;  // byte 1: element 1 code 2 (2), element 9 code 11 (−3)
        b[11] = 0x6F; // byte 7: element 7 code 15 (−12), element 15 code 6 (8)
        b[12] = 0xF1; // sub-block 1, byte 0: element 16 code 1, element 24 code 15, both times a zero scale
        b[23] = 0x91; // sub-block 2, byte 3: element 35 code 1 (1), element 43 code 9 (−1)
        b[32] = 0xC4; // sub-block 3, byte 4: element 52 code 4 (4), element 60 code 12 (−4)
        float[] v = decode(DType.NVFP4, b);
        assertThat(new float[] {v[0], v[1], v[7], v[9], v[15]}).containsExactly(6f, 1f, -6f, -1.5f, 4f);
        assertThat(isPositiveZero(v[8])).isTrue();
        assertThat(isPositiveZero(v[16])).isTrue();
        assertThat(Float.floatToRawIntBits(v[24])).as("−12 × 0 is −0, as in ggml").isEqualTo(0x80000000);
        assertThat(v[35]).isEqualTo(0x1p-10f);
        assertThat(v[43]).isEqualTo(-0x1p-10f);
        assertThat(v[52]).isEqualTo(896f);
        assertThat(v[60]).isEqualTo(-896f);
        int nonZero = 0;
        for (float x : v) if (x != 0) nonZero++;
        assertThat(nonZero).as("every other nibble is code 0").isEqualTo(9);
    }

    @Test
    void ue4m3ScaleBytes() {
        assertThat(GgmlBlocks.ue4m3Half(0x00)).isZero();
        assertThat(GgmlBlocks.ue4m3Half(0x7F)).isZero();
        assertThat(GgmlBlocks.ue4m3Half(0x80)).isZero(); // exponent 0, mantissa 0 with the ignored bit 7
        assertThat(GgmlBlocks.ue4m3Half(0xFF)).isEqualTo(240f); // not NaN: 1.875·2^8 / 2
        assertThat(GgmlBlocks.ue4m3Half(0x07)).isEqualTo(7 * 0x1p-10f); // largest subnormal 7·2^−9, halved
        assertThat(GgmlBlocks.ue4m3Half(0x08)).isEqualTo(0x1p-7f); // smallest normal 2^−6, halved
        assertThat(GgmlBlocks.ue4m3Half(0x38)).isEqualTo(0.5f);
        assertThat(GgmlBlocks.ue4m3Half(0x7E)).isEqualTo(224f);
    }
}

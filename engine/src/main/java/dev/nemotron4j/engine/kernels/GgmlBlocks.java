package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Exact dequantization of ggml's block types into float32, one block at a time: the scalar definition
 * every quantized kernel is checked against. Layouts (little-endian, scales as IEEE half):
 * <ul>
 *   <li>Q8_0: d, 32 × int8 — {@code d·q}</li>
 *   <li>Q4_0: d, 16 bytes of nibbles (low nibbles are elements 0–15, high 16–31) — {@code d·(q−8)}</li>
 *   <li>Q4_1: d, m, nibbles as Q4_0 — {@code d·q + m}</li>
 *   <li>Q5_0 / Q5_1: as Q4_0 / Q4_1 with a fifth bit per element in a 32-bit word after the scales;
 *       Q5_0 subtracts 16</li>
 *   <li>Q4_K / Q5_K: super-blocks of 256 = 8 sub-blocks of 32 with 6-bit scales and mins packed in 12
 *       bytes — {@code (d·sc)·q − (dmin·m)}</li>
 *   <li>Q6_K: 4+2-bit quants, 16 int8 scales, d last — {@code (d·sc)·(q−32)}</li>
 *   <li>Q2_K: 16 sub-blocks of 16 with 4-bit scale and min nibbles, 2-bit quants, d and dmin last —
 *       {@code (d·sc)·q − (dmin·m)}</li>
 *   <li>Q3_K: 2-bit quants plus a high-bit mask (a clear bit subtracts 4), 16 6-bit scales packed in 12 bytes,
 *       d last — {@code (d·(sc−32))·q}</li>
 *   <li>IQ4_NL: d, nibbles as Q4_0 indexing the non-linear table {@link #IQ4_VALUES} — {@code d·code}</li>
 *   <li>IQ4_XS: super-blocks of 256 with a 6-bit scale per 32 (low nibbles in 4 bytes, high bit pairs in a
 *       16-bit word) — {@code (d·(ls−32))·code}</li>
 *   <li>MXFP4: an E8M0 exponent byte e, nibbles as Q4_0 indexing the doubled E2M1 table {@link #FP4_VALUES}
 *       — {@code code·2^(e−128)}</li>
 *   <li>NVFP4: 64 values as 4 sub-blocks of 16, each with an unsigned E4M3 scale byte (decoded ×0.5), then
 *       8 bytes of nibbles per sub-block (low nibbles are its elements 0–7, high 8–15) — {@code code·scale}</li>
 * </ul>
 * The lattice i-quants (IQ2_*, IQ3_*, IQ1_*) are decoded by {@link LatticeBlocks}. The products are evaluated
 * in the order ggml's reference ({@code dequantize_row_*} in ggml-quants.c) does, so every value is
 * bit-identical to it.
 */
public final class GgmlBlocks {
    private GgmlBlocks() {}

    /** IQ4_NL / IQ4_XS code book (ggml's {@code kvalues_iq4nl}). */
    static final int[] IQ4_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
    /**
     * E2M1 values doubled (ggml's {@code kvalues_fp4}), shared by MXFP4 and NVFP4. The negative-zero code 8 is
     * the integer 0 here, so it dequantizes to +0.0 exactly as ggml's does.
     */
    static final int[] FP4_VALUES = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static float half(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(LE_SHORT, off));
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** Dequantizes the block of {@code type} at byte {@code off} into {@code dst[dstOff .. dstOff+blockSize)}. */
    public static void dequantize(DType type, MemorySegment s, long off, float[] dst, int dstOff) {
        switch (type) {
            case Q8_0 -> {
                float d = half(s, off);
                for (int j = 0; j < 32; j++) dst[dstOff + j] = d * s.get(ValueLayout.JAVA_BYTE, off + 2 + j);
            }
            case Q4_0 -> {
                float d = half(s, off);
                for (int j = 0; j < 16; j++) {
                    int b = u8(s, off + 2 + j);
                    dst[dstOff + j] = d * ((b & 0xF) - 8);
                    dst[dstOff + j + 16] = d * ((b >>> 4) - 8);
                }
            }
            case Q4_1 -> {
                float d = half(s, off), m = half(s, off + 2);
                for (int j = 0; j < 16; j++) {
                    int b = u8(s, off + 4 + j);
                    dst[dstOff + j] = (b & 0xF) * d + m;
                    dst[dstOff + j + 16] = (b >>> 4) * d + m;
                }
            }
            case Q5_0 -> {
                float d = half(s, off);
                int qh = s.get(LE_INT, off + 2);
                for (int j = 0; j < 16; j++) {
                    int b = u8(s, off + 6 + j);
                    int lo = (b & 0xF) | (((qh >>> j) & 1) << 4);
                    int hi = (b >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                    dst[dstOff + j] = (lo - 16) * d;
                    dst[dstOff + j + 16] = (hi - 16) * d;
                }
            }
            case Q5_1 -> {
                float d = half(s, off), m = half(s, off + 2);
                int qh = s.get(LE_INT, off + 4);
                for (int j = 0; j < 16; j++) {
                    int b = u8(s, off + 8 + j);
                    int lo = (b & 0xF) | (((qh >>> j) & 1) << 4);
                    int hi = (b >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                    dst[dstOff + j] = lo * d + m;
                    dst[dstOff + j + 16] = hi * d + m;
                }
            }
            case IQ4_NL -> {
                float d = half(s, off);
                for (int j = 0; j < 16; j++) {
                    int b = u8(s, off + 2 + j);
                    dst[dstOff + j] = d * IQ4_VALUES[b & 0xF];
                    dst[dstOff + j + 16] = d * IQ4_VALUES[b >>> 4];
                }
            }
            case MXFP4 -> {
                float d = e8m0Half(u8(s, off));
                for (int j = 0; j < 16; j++) {
                    int b = u8(s, off + 1 + j);
                    dst[dstOff + j] = FP4_VALUES[b & 0xF] * d;
                    dst[dstOff + j + 16] = FP4_VALUES[b >>> 4] * d;
                }
            }
            case NVFP4 -> {
                for (int sub = 0; sub < 4; sub++) {
                    float d = ue4m3Half(u8(s, off + sub));
                    int o = dstOff + 16 * sub;
                    for (int j = 0; j < 8; j++) {
                        int b = u8(s, off + 4 + 8 * sub + j);
                        dst[o + j] = FP4_VALUES[b & 0xF] * d;
                        dst[o + j + 8] = FP4_VALUES[b >>> 4] * d;
                    }
                }
            }
            case Q2_K -> dequantizeQ2K(s, off, dst, dstOff);
            case Q3_K -> dequantizeQ3K(s, off, dst, dstOff);
            case IQ4_XS -> dequantizeIQ4XS(s, off, dst, dstOff);
            case IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M -> LatticeBlocks.dequantize(type, s, off, dst, dstOff);
            case Q4_K -> dequantizeQ4K(s, off, dst, dstOff);
            case Q5_K -> dequantizeQ5K(s, off, dst, dstOff);
            case Q6_K -> dequantizeQ6K(s, off, dst, dstOff);
            default -> throw new IllegalArgumentException(type + " is not a block type");
        }
    }

    /** The doubled E2M1 value of an MXFP4 / NVFP4 nibble (0–15): −12 … 12, code 8 (−0) is 0. */
    public static int fp4Value(int nibble) {
        return FP4_VALUES[nibble];
    }

    /**
     * An E8M0 exponent byte as ggml's MXFP4 scale: {@code 2^(e−128)}, half the E8M0 value because the E2M1 codes
     * are doubled. Every byte is a finite power of two (e = 0 and 1 give subnormals, 255 gives 2^127; ggml
     * assigns no NaN).
     */
    public static float e8m0Half(int e) {
        return e < 2 ? Float.intBitsToFloat(0x00200000 << e) : Float.intBitsToFloat((e - 1) << 23);
    }

    /**
     * An NVFP4 sub-block scale byte as ggml decodes it: unsigned E4M3 (4 exponent bits with bias 7, 3 mantissa
     * bits; bit 7 is ignored) times 0.5 for the doubled codes. Bytes 0x00 and 0x7F (E4M3's NaN) give 0.
     */
    public static float ue4m3Half(int x) {
        if (x == 0 || x == 0x7F) return 0f;
        int exp = (x >>> 3) & 0xF, man = x & 7;
        float raw = exp == 0 ? Math.scalb((float) man, -9) : Math.scalb(1f + man / 8f, exp - 7);
        return raw * 0.5f;
    }

    private static void dequantizeQ2K(MemorySegment s, long off, float[] dst, int dstOff) {
        long scales = off, qs = off + 16;
        float d = half(s, off + 80), dmin = half(s, off + 82);
        int o = dstOff, is = 0;
        for (int half = 0; half < 2; half++) { // 128 elements from 32 quant bytes, 2 bits at a time
            long q = qs + 32L * half;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int part = 0; part < 2; part++) {
                    int sc = u8(s, scales + is++);
                    float dl = d * (sc & 0xF), ml = dmin * (sc >>> 4);
                    for (int l = 0; l < 16; l++) dst[o++] = dl * ((u8(s, q + 16 * part + l) >>> shift) & 3) - ml;
                }
            }
        }
    }

    /** The 6-bit Q3_K scale of sub-block {@code j}: low nibble from bytes 0–7, high bit pair from bytes 8–11. */
    static int scaleQ3K(MemorySegment s, long scales, int j) {
        int low = j < 8 ? u8(s, scales + j) & 0xF : u8(s, scales + j - 8) >>> 4;
        int high = (u8(s, scales + 8 + (j & 3)) >>> (2 * (j >>> 2))) & 3;
        return low | (high << 4);
    }

    private static void dequantizeQ3K(MemorySegment s, long off, float[] dst, int dstOff) {
        long hmask = off, qs = off + 32, scales = off + 96;
        float d = half(s, off + 108);
        int o = dstOff, is = 0, bit = 0;
        for (int half = 0; half < 2; half++) {
            long q = qs + 32L * half;
            for (int shift = 0; shift < 8; shift += 2, bit++) {
                for (int part = 0; part < 2; part++) {
                    float dl = d * (scaleQ3K(s, scales, is++) - 32);
                    for (int l = 0; l < 16; l++) {
                        int low = (u8(s, q + 16 * part + l) >>> shift) & 3;
                        int high = (u8(s, hmask + 16 * part + l) >>> bit) & 1;
                        dst[o++] = dl * (low - (high != 0 ? 0 : 4));
                    }
                }
            }
        }
    }

    private static void dequantizeIQ4XS(MemorySegment s, long off, float[] dst, int dstOff) {
        float d = half(s, off);
        int scalesHigh = s.get(LE_SHORT, off + 2) & 0xFFFF;
        long scalesLow = off + 4, qs = off + 8;
        for (int ib = 0; ib < 8; ib++) {
            int ls = ((u8(s, scalesLow + ib / 2) >>> (4 * (ib % 2))) & 0xF) | (((scalesHigh >>> (2 * ib)) & 3) << 4);
            float dl = d * (ls - 32);
            int o = dstOff + 32 * ib;
            for (int j = 0; j < 16; j++) {
                int b = u8(s, qs + 16L * ib + j);
                dst[o + j] = dl * IQ4_VALUES[b & 0xF];
                dst[o + j + 16] = dl * IQ4_VALUES[b >>> 4];
            }
        }
    }

    /** The 6-bit scale ({@code [0]}) and min ({@code [1]}) of sub-block {@code j} from the 12 packed bytes at {@code off}. */
    static int scaleK(MemorySegment s, long off, int j) {
        if (j < 4) return u8(s, off + j) & 63;
        return (u8(s, off + j + 4) & 0xF) | ((u8(s, off + j - 4) >>> 6) << 4);
    }

    static int minK(MemorySegment s, long off, int j) {
        if (j < 4) return u8(s, off + j + 4) & 63;
        return (u8(s, off + j + 4) >>> 4) | ((u8(s, off + j) >>> 6) << 4);
    }

    private static void dequantizeQ4K(MemorySegment s, long off, float[] dst, int dstOff) {
        float d = half(s, off), dmin = half(s, off + 2);
        long scales = off + 4, qs = off + 16;
        for (int chunk = 0; chunk < 4; chunk++) { // 64 elements: low nibbles of 32 bytes, then high nibbles
            int sub = 2 * chunk;
            float d1 = d * scaleK(s, scales, sub), m1 = dmin * minK(s, scales, sub);
            float d2 = d * scaleK(s, scales, sub + 1), m2 = dmin * minK(s, scales, sub + 1);
            int o = dstOff + 64 * chunk;
            for (int l = 0; l < 32; l++) {
                int b = u8(s, qs + 32L * chunk + l);
                dst[o + l] = d1 * (b & 0xF) - m1;
                dst[o + 32 + l] = d2 * (b >>> 4) - m2;
            }
        }
    }

    private static void dequantizeQ5K(MemorySegment s, long off, float[] dst, int dstOff) {
        float d = half(s, off), dmin = half(s, off + 2);
        long scales = off + 4, qh = off + 16, qs = off + 48;
        for (int chunk = 0; chunk < 4; chunk++) {
            int sub = 2 * chunk;
            float d1 = d * scaleK(s, scales, sub), m1 = dmin * minK(s, scales, sub);
            float d2 = d * scaleK(s, scales, sub + 1), m2 = dmin * minK(s, scales, sub + 1);
            int bitLo = 1 << (2 * chunk), bitHi = 2 << (2 * chunk);
            int o = dstOff + 64 * chunk;
            for (int l = 0; l < 32; l++) {
                int b = u8(s, qs + 32L * chunk + l), h = u8(s, qh + l);
                dst[o + l] = d1 * ((b & 0xF) + ((h & bitLo) != 0 ? 16 : 0)) - m1;
                dst[o + 32 + l] = d2 * ((b >>> 4) + ((h & bitHi) != 0 ? 16 : 0)) - m2;
            }
        }
    }

    private static void dequantizeQ6K(MemorySegment s, long off, float[] dst, int dstOff) {
        long ql = off, qh = off + 128, sc = off + 192;
        float d = half(s, off + 208);
        for (int half = 0; half < 2; half++) { // 128 elements from 64 ql bytes, 32 qh bytes, 8 scales
            long l0 = ql + 64L * half, h0 = qh + 32L * half, s0 = sc + 8L * half;
            int o = dstOff + 128 * half;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int a = u8(s, l0 + l), b = u8(s, l0 + l + 32), h = u8(s, h0 + l);
                int q1 = ((a & 0xF) | ((h & 3) << 4)) - 32;
                int q2 = ((b & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                int q3 = ((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                int q4 = ((b >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                dst[o + l] = d * s.get(ValueLayout.JAVA_BYTE, s0 + is) * q1;
                dst[o + l + 32] = d * s.get(ValueLayout.JAVA_BYTE, s0 + is + 2) * q2;
                dst[o + l + 64] = d * s.get(ValueLayout.JAVA_BYTE, s0 + is + 4) * q3;
                dst[o + l + 96] = d * s.get(ValueLayout.JAVA_BYTE, s0 + is + 6) * q4;
            }
        }
    }

    /** Dequantizes {@code count} elements (whole blocks) starting at byte {@code off}. */
    public static void dequantizeRun(DType type, MemorySegment s, long off, int count, float[] dst, int dstOff) {
        int bs = type.blockSize();
        for (int i = 0; i < count; i += bs) dequantize(type, s, off + (long) (i / bs) * type.blockBytes(), dst, dstOff + i);
    }
}

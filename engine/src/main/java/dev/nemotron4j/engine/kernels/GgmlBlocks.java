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
 * </ul>
 * The products are evaluated in the order ggml's reference does, so every value is bit-identical to it.
 */
public final class GgmlBlocks {
    private GgmlBlocks() {}

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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
            case Q4_K -> dequantizeQ4K(s, off, dst, dstOff);
            case Q5_K -> dequantizeQ5K(s, off, dst, dstOff);
            case Q6_K -> dequantizeQ6K(s, off, dst, dstOff);
            default -> throw new IllegalArgumentException(type + " is not a block type");
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

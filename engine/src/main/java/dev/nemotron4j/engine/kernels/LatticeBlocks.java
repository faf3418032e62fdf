package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;

import java.lang.foreign.MemorySegment;

import static dev.nemotron4j.engine.kernels.GgmlBlocks.LE_INT;
import static dev.nemotron4j.engine.kernels.GgmlBlocks.LE_SHORT;
import static dev.nemotron4j.engine.kernels.GgmlBlocks.half;
import static dev.nemotron4j.engine.kernels.GgmlBlocks.u8;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ1S_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ2S_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ2XS_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ2XXS_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ3S_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.IQ3XXS_GRID;
import static dev.nemotron4j.engine.kernels.LatticeGrids.KSIGNS_IQ2XS;

/**
 * Exact dequantization of ggml's lattice i-quants (super-blocks of 256): each group of 8 (IQ2, IQ1) or 4 (IQ3)
 * elements is one point of a published code book ({@link LatticeGrids}), chosen by an index, with per-element
 * signs (IQ2/IQ3) or a ±1/8 shift (IQ1) and a scale per 32 or 16 elements. Layouts (ggml-common.h,
 * little-endian, d an IEEE half):
 * <ul>
 *   <li>IQ2_XXS (66 bytes): d, then per 32 elements two 32-bit words: 4 grid indices (bytes of the first),
 *       4 × 7 sign bits and a 4-bit scale s (the second) — {@code (d·(0.5+s)·0.25)·grid·sign}</li>
 *   <li>IQ2_XS (74): d, 32 16-bit codes (9-bit index, 7 sign bits), 8 bytes of two 4-bit scales per 32</li>
 *   <li>IQ2_S (82): d, 32 low index bytes, 32 sign bytes, 8 bytes of index high bits, 8 scale bytes
 *       (1024-entry grid)</li>
 *   <li>IQ3_XXS (98): d, 64 index bytes (groups of 4), 8 words of signs and a 4-bit scale —
 *       {@code (d·(0.5+s)·0.5)·grid·sign}</li>
 *   <li>IQ3_S (110): d, 64 low index bytes, 8 bytes of ninth index bits, 32 sign bytes, 4 bytes of 4-bit
 *       scales — {@code (d·(1+2s))·grid·sign}</li>
 *   <li>IQ1_S (50): d, 32 low index bytes, 8 16-bit words (3 high bits per index, 3-bit scale, shift sign)
 *       — {@code (d·(2s+1))·(grid ± 1/8)}</li>
 *   <li>IQ1_M (56): 32 low index bytes, 16 bytes (3 high bits and a shift sign per index), 8 scale bytes that
 *       hold 3-bit scales per 16 elements and, in their top nibbles, the bits of d</li>
 * </ul>
 * Products are evaluated in ggml's order ({@code dequantize_row_*} in ggml-quants.c), so values are
 * bit-identical to ggml's.
 */
final class LatticeBlocks {
    private LatticeBlocks() {}

    private static final float IQ1_DELTA = 0.125f;

    /** Dequantizes the {@code type} block at byte {@code off} into {@code dst[dstOff .. dstOff+256)}. */
    static void dequantize(DType type, MemorySegment s, long off, float[] dst, int dstOff) {
        switch (type) {
            case IQ2_XXS -> iq2xxs(s, off, dst, dstOff);
            case IQ2_XS -> iq2xs(s, off, dst, dstOff);
            case IQ2_S -> iq2s(s, off, dst, dstOff);
            case IQ3_XXS -> iq3xxs(s, off, dst, dstOff);
            case IQ3_S -> iq3s(s, off, dst, dstOff);
            case IQ1_S -> iq1s(s, off, dst, dstOff);
            case IQ1_M -> iq1m(s, off, dst, dstOff);
            default -> throw new IllegalArgumentException(type + " is not a lattice i-quant");
        }
    }

    /** Byte {@code j} (unsigned) of a grid entry. */
    private static int gridByte(long entry, int j) {
        return (int) (entry >>> (8 * j)) & 0xFF;
    }

    /** Byte {@code j} of an IQ1 grid entry, signed (−1, 0 or 1). */
    private static int gridSigned(long entry, int j) {
        return (byte) (entry >>> (8 * j));
    }

    /** Eight elements {@code db·grid[j]·(±1)} with the signs of {@code signs} (bit j set = negative). */
    private static void group8(float db, long entry, int signs, float[] dst, int o) {
        for (int j = 0; j < 8; j++) dst[o + j] = db * gridByte(entry, j) * ((signs & (1 << j)) != 0 ? -1f : 1f);
    }

    private static void iq2xxs(MemorySegment s, long off, float[] dst, int o) {
        float d = half(s, off);
        for (int ib = 0; ib < 8; ib++) {
            long q = off + 2 + 8L * ib;
            int aux1 = s.get(LE_INT, q + 4);
            float db = d * (0.5f + (aux1 >>> 28)) * 0.25f;
            for (int l = 0; l < 4; l++, o += 8) {
                group8(db, IQ2XXS_GRID[u8(s, q + l)], KSIGNS_IQ2XS[(aux1 >>> (7 * l)) & 127], dst, o);
            }
        }
    }

    private static void iq2xs(MemorySegment s, long off, float[] dst, int o) {
        float d = half(s, off);
        for (int ib = 0; ib < 8; ib++) {
            int sc = u8(s, off + 66 + ib);
            float db0 = d * (0.5f + (sc & 0xF)) * 0.25f;
            float db1 = d * (0.5f + (sc >>> 4)) * 0.25f;
            for (int l = 0; l < 4; l++, o += 8) {
                int code = s.get(LE_SHORT, off + 2 + 2L * (4 * ib + l)) & 0xFFFF;
                group8(l < 2 ? db0 : db1, IQ2XS_GRID[code & 511], KSIGNS_IQ2XS[code >>> 9], dst, o);
            }
        }
    }

    private static void iq2s(MemorySegment s, long off, float[] dst, int o) {
        float d = half(s, off);
        long qs = off + 2, signs = off + 34, qh = off + 66, scales = off + 74;
        for (int ib = 0; ib < 8; ib++) {
            int sc = u8(s, scales + ib), high = u8(s, qh + ib);
            float db0 = d * (0.5f + (sc & 0xF)) * 0.25f;
            float db1 = d * (0.5f + (sc >>> 4)) * 0.25f;
            for (int l = 0; l < 4; l++, o += 8) {
                int index = u8(s, qs + 4L * ib + l) | ((high << (8 - 2 * l)) & 0x300);
                group8(l < 2 ? db0 : db1, IQ2S_GRID[index], u8(s, signs + 4L * ib + l), dst, o);
            }
        }
    }

    /** Eight elements from two 4-element IQ3 grid entries: {@code db·grid·(±1)}. */
    private static void group4x2(float db, int first, int second, int signs, float[] dst, int o) {
        for (int j = 0; j < 4; j++) {
            dst[o + j] = db * gridByte(first, j) * ((signs & (1 << j)) != 0 ? -1f : 1f);
            dst[o + j + 4] = db * gridByte(second, j) * ((signs & (1 << (j + 4))) != 0 ? -1f : 1f);
        }
    }

    private static void iq3xxs(MemorySegment s, long off, float[] dst, int o) {
        float d = half(s, off);
        long qs = off + 2, scalesAndSigns = off + 66;
        for (int ib = 0; ib < 8; ib++) {
            int aux = s.get(LE_INT, scalesAndSigns + 4L * ib);
            float db = d * (0.5f + (aux >>> 28)) * 0.5f;
            long q = qs + 8L * ib;
            for (int l = 0; l < 4; l++, o += 8) {
                group4x2(db, IQ3XXS_GRID[u8(s, q + 2 * l)], IQ3XXS_GRID[u8(s, q + 2 * l + 1)],
                        KSIGNS_IQ2XS[(aux >>> (7 * l)) & 127], dst, o);
            }
        }
    }

    private static void iq3s(MemorySegment s, long off, float[] dst, int o) {
        float d = half(s, off);
        long qs = off + 2, qh = off + 66, signs = off + 74, scales = off + 106;
        for (int ib = 0; ib < 8; ib++) { // 32 elements each; two share a scale byte
            int sc = u8(s, scales + ib / 2);
            float db = d * (1 + 2 * ((ib % 2 == 0) ? sc & 0xF : sc >>> 4));
            int high = u8(s, qh + ib);
            long q = qs + 8L * ib;
            for (int l = 0; l < 4; l++, o += 8) {
                int i1 = u8(s, q + 2 * l) | ((high << (8 - 2 * l)) & 256);
                int i2 = u8(s, q + 2 * l + 1) | ((high << (7 - 2 * l)) & 256);
                group4x2(db, IQ3S_GRID[i1], IQ3S_GRID[i2], u8(s, signs + 4L * ib + l), dst, o);
            }
        }
    }

    /** Eight elements {@code dl·(grid[j] + delta)} of a signed IQ1 grid entry. */
    private static void group1(float dl, long entry, float delta, float[] dst, int o) {
        for (int j = 0; j < 8; j++) dst[o + j] = dl * (gridSigned(entry, j) + delta);
    }

    private static void iq1s(MemorySegment s, long off, float[] dst, int o) {
        float d = half(s, off);
        long qs = off + 2, qhs = off + 34;
        for (int ib = 0; ib < 8; ib++) {
            int qh = s.get(LE_SHORT, qhs + 2L * ib) & 0xFFFF;
            float dl = d * (2 * ((qh >>> 12) & 7) + 1);
            float delta = (qh & 0x8000) != 0 ? -IQ1_DELTA : IQ1_DELTA;
            for (int l = 0; l < 4; l++, o += 8) {
                group1(dl, IQ1S_GRID[u8(s, qs + 4L * ib + l) | (((qh >>> (3 * l)) & 7) << 8)], delta, dst, o);
            }
        }
    }

    private static int scaleWord(MemorySegment s, long scales, int k) {
        return s.get(LE_SHORT, scales + 2L * k) & 0xFFFF;
    }

    private static void iq1m(MemorySegment s, long off, float[] dst, int o) {
        long qs = off, qhs = off + 32, scales = off + 48;
        // d is an IEEE half spread over the top nibbles of the four 16-bit scale words
        int dBits = (scaleWord(s, scales, 0) >>> 12) | ((scaleWord(s, scales, 1) >>> 8) & 0x00F0)
                | ((scaleWord(s, scales, 2) >>> 4) & 0x0F00) | (scaleWord(s, scales, 3) & 0xF000);
        float d = Float.float16ToFloat((short) dBits);
        for (int ib = 0; ib < 8; ib++) {
            int w = scaleWord(s, scales, ib / 2), shift = 6 * (ib % 2);
            float dl1 = d * (2 * ((w >>> shift) & 7) + 1);
            float dl2 = d * (2 * ((w >>> (shift + 3)) & 7) + 1);
            int h0 = u8(s, qhs + 2L * ib), h1 = u8(s, qhs + 2L * ib + 1);
            long q = qs + 4L * ib;
            group1(dl1, IQ1S_GRID[u8(s, q) | ((h0 << 8) & 0x700)], (h0 & 0x08) != 0 ? -IQ1_DELTA : IQ1_DELTA, dst, o);
            group1(dl1, IQ1S_GRID[u8(s, q + 1) | ((h0 << 4) & 0x700)], (h0 & 0x80) != 0 ? -IQ1_DELTA : IQ1_DELTA, dst, o + 8);
            group1(dl2, IQ1S_GRID[u8(s, q + 2) | ((h1 << 8) & 0x700)], (h1 & 0x08) != 0 ? -IQ1_DELTA : IQ1_DELTA, dst, o + 16);
            group1(dl2, IQ1S_GRID[u8(s, q + 3) | ((h1 << 4) & 0x700)], (h1 & 0x80) != 0 ? -IQ1_DELTA : IQ1_DELTA, dst, o + 24);
            o += 32;
        }
    }
}

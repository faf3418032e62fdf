package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.kernels.GgmlBlocks;
import dev.nemotron4j.engine.weights.DType;

import java.nio.ByteBuffer;

/**
 * Quantizes float32 rows into ggml storage types, following ggml's reference rounding rules so the bytes
 * match {@code llama-quantize}: F16 and BF16 round to nearest even; Q8_0 takes {@code d = amax/127} and rounds
 * {@code x/d} half away from zero; Q4_0 takes {@code d = max/−8} of the element with the largest magnitude
 * and truncates {@code x/d + 8.5}, capped at 15. Q4_K and Q6_K use a simple (not llama.cpp's search-based)
 * choice of scales: valid files, not byte-identical to llama.cpp. NVFP4 takes for each sub-block of 16 the E4M3
 * scale nearest to {@code amax/6} (so the largest E2M1 code, 6, lands on the largest magnitude) and the nearest
 * code for each element: also valid, not byte-identical.
 */
public final class GgmlQuantizer {
    private GgmlQuantizer() {}

    /** Appends {@code n} elements of {@code x} from {@code off} (whole blocks) in {@code type} to {@code out} (little-endian). */
    public static void quantize(DType type, float[] x, int off, int n, ByteBuffer out) {
        switch (type) {
            case F32 -> { for (int i = 0; i < n; i++) out.putFloat(x[off + i]); }
            case F16 -> { for (int i = 0; i < n; i++) out.putShort(Float.floatToFloat16(x[off + i])); }
            case BF16 -> { for (int i = 0; i < n; i++) out.putShort(toBf16(x[off + i])); }
            case Q8_0 -> { for (int b = 0; b < n; b += 32) q8_0(x, off + b, out); }
            case Q4_0 -> { for (int b = 0; b < n; b += 32) q4_0(x, off + b, out); }
            case Q4_K -> { for (int b = 0; b < n; b += 256) q4_K(x, off + b, out); }
            case Q6_K -> { for (int b = 0; b < n; b += 256) q6_K(x, off + b, out); }
            case NVFP4 -> { for (int b = 0; b < n; b += 64) nvfp4(x, off + b, out); }
            default -> throw new IllegalArgumentException("quantizing to " + type + " is not supported");
        }
    }

    /** NVFP4 block of 64: four E4M3 scale bytes, then per sub-block 8 bytes (low nibbles elements 0–7, high 8–15). */
    private static void nvfp4(float[] x, int o, ByteBuffer out) {
        byte[] codes = new byte[64];
        for (int sub = 0; sub < 4; sub++) {
            float amax = 0;
            for (int j = 0; j < 16; j++) amax = Math.max(amax, Math.abs(x[o + 16 * sub + j]));
            int best = 0; // the byte whose value (GgmlBlocks.ue4m3Half is half of it) is nearest amax/6
            float target = amax / 6, bestErr = target;
            for (int b = 1; b <= 0x7E; b++) {
                float err = Math.abs(2 * GgmlBlocks.ue4m3Half(b) - target);
                if (err < bestErr) {
                    bestErr = err;
                    best = b;
                }
            }
            out.put((byte) best);
            float d = GgmlBlocks.ue4m3Half(best);
            for (int j = 0; j < 16; j++) codes[16 * sub + j] = (byte) nearestFp4(x[o + 16 * sub + j], d);
        }
        for (int sub = 0; sub < 4; sub++) {
            for (int j = 0; j < 8; j++) out.put((byte) (codes[16 * sub + j] | (codes[16 * sub + 8 + j] << 4)));
        }
    }

    /** The E2M1 code whose (doubled) value times {@code d} is nearest {@code v}. */
    private static int nearestFp4(float v, float d) {
        int best = 0;
        float bestErr = Float.POSITIVE_INFINITY;
        for (int c = 0; c < 16; c++) {
            float err = Math.abs(GgmlBlocks.fp4Value(c) * d - v);
            if (err < bestErr) {
                bestErr = err;
                best = c;
            }
        }
        return best;
    }

    /** float32 → bfloat16, round to nearest even (NaN stays a quiet NaN). */
    public static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return (short) ((u >>> 16) | 64);
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** C's roundf: half away from zero, exact for every float. */
    static int roundHalfAway(float v) {
        double a = Math.floor(Math.abs((double) v) + 0.5);
        return (int) (v < 0 ? -a : a);
    }

    private static void q8_0(float[] x, int o, ByteBuffer out) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[o + j]));
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) out.put((byte) roundHalfAway(x[o + j] * id));
    }

    private static void q4_0(float[] x, int o, ByteBuffer out) {
        float amax = 0, max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[o + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (byte) (int) (x[o + j] * id + 8.5f));
            int hi = Math.min(15, (byte) (int) (x[o + 16 + j] * id + 8.5f));
            out.put((byte) (lo | (hi << 4)));
        }
    }

    /** Q4_K: per sub-block of 32, scale = (max−min)/15 and min = −min, both coded in 6 bits against super-block d/dmin. */
    private static void q4_K(float[] x, int o, ByteBuffer out) {
        float[] scale = new float[8], min = new float[8];
        for (int s = 0; s < 8; s++) {
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            for (int j = 0; j < 32; j++) {
                lo = Math.min(lo, x[o + 32 * s + j]);
                hi = Math.max(hi, x[o + 32 * s + j]);
            }
            lo = Math.min(lo, 0);
            scale[s] = (hi - lo) / 15;
            min[s] = -lo;
        }
        float maxScale = 0, maxMin = 0;
        for (int s = 0; s < 8; s++) {
            maxScale = Math.max(maxScale, scale[s]);
            maxMin = Math.max(maxMin, min[s]);
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(maxScale / 63)), dmin = Float.float16ToFloat(Float.floatToFloat16(maxMin / 63));
        int[] sc = new int[8], mn = new int[8];
        for (int s = 0; s < 8; s++) {
            sc[s] = d > 0 ? Math.min(63, Math.round(scale[s] / d)) : 0;
            mn[s] = dmin > 0 ? Math.min(63, Math.round(min[s] / dmin)) : 0;
        }
        out.putShort(Float.floatToFloat16(d)).putShort(Float.floatToFloat16(dmin));
        byte[] packed = new byte[12];
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                packed[j] = (byte) sc[j];
                packed[j + 4] = (byte) mn[j];
            } else {
                packed[j + 4] = (byte) ((sc[j] & 0xF) | ((mn[j] & 0xF) << 4));
                packed[j - 4] |= (byte) ((sc[j] >> 4) << 6);
                packed[j] |= (byte) ((mn[j] >> 4) << 6);
            }
        }
        out.put(packed);
        int[] q = new int[256];
        for (int s = 0; s < 8; s++) {
            float ds = d * sc[s], dm = dmin * mn[s];
            for (int j = 0; j < 32; j++) {
                q[32 * s + j] = ds > 0 ? Math.max(0, Math.min(15, Math.round((x[o + 32 * s + j] + dm) / ds))) : 0;
            }
        }
        for (int chunk = 0; chunk < 4; chunk++) {
            for (int l = 0; l < 32; l++) out.put((byte) (q[64 * chunk + l] | (q[64 * chunk + 32 + l] << 4)));
        }
    }

    /** Q6_K: per sub-block of 16, scale = amax/32 coded as int8 against the super-block d. */
    private static void q6_K(float[] x, int o, ByteBuffer out) {
        float[] scale = new float[16];
        float maxAbsScale = 0;
        for (int s = 0; s < 16; s++) {
            float amax = 0;
            for (int j = 0; j < 16; j++) amax = Math.max(amax, Math.abs(x[o + 16 * s + j]));
            scale[s] = amax / 31;
            maxAbsScale = Math.max(maxAbsScale, scale[s]);
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(maxAbsScale / 127));
        int[] sc = new int[16];
        for (int s = 0; s < 16; s++) sc[s] = d > 0 ? Math.min(127, Math.round(scale[s] / d)) : 0;
        int[] q = new int[256];
        for (int s = 0; s < 16; s++) {
            float ds = d * sc[s];
            for (int j = 0; j < 16; j++) {
                q[16 * s + j] = 32 + (ds > 0 ? Math.max(-32, Math.min(31, Math.round(x[o + 16 * s + j] / ds))) : 0);
            }
        }
        byte[] ql = new byte[128], qh = new byte[64];
        for (int half = 0; half < 2; half++) {
            for (int l = 0; l < 32; l++) {
                int base = 128 * half;
                int q1 = q[base + l], q2 = q[base + l + 32], q3 = q[base + l + 64], q4 = q[base + l + 96];
                ql[64 * half + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[64 * half + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[32 * half + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
        out.put(ql).put(qh);
        for (int s = 0; s < 16; s++) out.put((byte) sc[s]);
        out.putShort(Float.floatToFloat16(d));
    }
}

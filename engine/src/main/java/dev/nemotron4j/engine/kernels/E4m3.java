package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 8-bit float E4M3 in its "fn" variant (what safetensors calls {@code F8_E4M3}, PyTorch
 * {@code float8_e4m3fn}): sign, 4 exponent bits with bias 7, 3 mantissa bits; subnormals {@code m/8·2⁻⁶}; no
 * infinities; {@code S.1111.111} (0x7F, 0xFF) is NaN; largest finite magnitude 448.
 */
public final class E4m3 {
    private E4m3() {}

    /** The largest finite magnitude. */
    public static final float MAX = 448f;

    /** Largest finite code (+448). */
    static final int MAX_CODE = 0x7E;

    /** Whether {@code code} (0–255) is one of the two NaN codes. */
    public static boolean isNaN(int code) {
        return (code & 0x7F) == 0x7F;
    }

    /**
     * The value of {@code code} (0–255), exact. The code's exponent and mantissa bits placed where float32 keeps
     * them make a float 2^120 times too small (a float32 subnormal for E4M3's subnormals), so one exact multiply
     * re-biases every finite code; the vector kernels do the same in registers ({@link Fp8Matrix}). NaN codes give
     * 480 and 0.0-style garbage: callers reject them first ({@link #findNaN}).
     */
    public static float toFloat(int code) {
        return Float.intBitsToFloat((code & 0x80) << 24 | (code & 0x7F) << 20) * 0x1p120f;
    }

    /**
     * The code of {@code v} rounded to nearest, ties to even (as PyTorch's {@code float8_e4m3fn} cast), with magnitudes
     * of 448 and above saturated to ±448 (as ModelOpt clamps before the cast). NaN is not accepted.
     *
     * @throws IllegalArgumentException for NaN
     */
    public static int fromFloat(float v) {
        if (Float.isNaN(v)) throw new IllegalArgumentException("NaN has no saturating E4M3 code");
        int sign = Float.floatToRawIntBits(v) < 0 ? 0x80 : 0;
        double a = Math.abs((double) v);
        if (a >= MAX) return sign | MAX_CODE;
        if (a < 0x1p-6) return sign | (int) Math.rint(a * 0x1p9); // subnormal: m·2⁻⁹ (m = 8 is the smallest normal, code 8)
        int e = Math.getExponent(a);                               // -6 .. 8
        int q = (int) Math.rint(Math.scalb(a, 3 - e));            // 8 .. 16, exact before rounding
        if (q == 16) {
            q = 8;
            e++;
        }
        int code = (e + 7) << 3 | (q - 8);
        return sign | Math.min(code, MAX_CODE);
    }

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final VectorSpecies<Byte> B = VectorWidth.BYTE;

    /**
     * {@code dst[dstOff + i] = toFloat(src[srcOff + i]) · scale} for {@code i < n}, codes decoded in registers as
     * {@link Fp8Matrix} does (the FP8 attention cache, widened block by block). Exact but for the one rounding of the
     * product by {@code scale}, the same as the scalar expression.
     */
    static void widen(byte[] src, int srcOff, float scale, float[] dst, int dstOff, int n) {
        int i = 0;
        if (!VectorWidth.SCALAR) {
            FloatVector rebias = FloatVector.broadcast(F, 0x1p120f), factor = FloatVector.broadcast(F, scale);
            int step = F.length();
            for (; i <= n - B.length(); i += step) {
                IntVector bits = ((IntVector) ByteVector.fromArray(B, src, srcOff + i).convertShape(VectorOperators.B2I, I, 0))
                        .lanewise(VectorOperators.LSHL, 20).and(0x87F00000);
                bits.reinterpretAsFloats().mul(rebias).mul(factor).intoArray(dst, dstOff + i);
            }
        }
        for (; i < n; i++) dst[dstOff + i] = toFloat(src[srcOff + i] & 0xFF) * scale;
    }

    private static final VectorSpecies<Byte> SCAN = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(VectorWidth.BITS, 128)));

    /**
     * The index of the first NaN code among the {@code bytes.byteSize()} codes of {@code bytes}, or -1 when there is none
     * (checked once when a tensor is bound, so that a corrupt file gives one clear error, not NaN logits).
     */
    public static long findNaN(MemorySegment bytes) {
        long n = bytes.byteSize(), i = 0;
        if (!VectorWidth.SCALAR) {
            int step = SCAN.length();
            for (; i + step <= n; i += step) {
                ByteVector v = ByteVector.fromMemorySegment(SCAN, bytes, i, ByteOrder.LITTLE_ENDIAN);
                if (v.and((byte) 0x7F).compare(VectorOperators.EQ, (byte) 0x7F).anyTrue()) break;
            }
        }
        for (; i < n; i++) {
            if (isNaN(bytes.get(ValueLayout.JAVA_BYTE, i) & 0xFF)) return i;
        }
        return -1;
    }
}

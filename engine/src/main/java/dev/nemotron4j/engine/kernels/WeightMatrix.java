package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;

import java.lang.foreign.MemorySegment;

/**
 * A row-major weight matrix [rows, cols] kept in its storage type (usually a slice of a memory-mapped
 * file: float or ggml block-quantized) and widened to float32 on the fly. Rows follow PyTorch's {@code nn.Linear} convention
 * [out_features, in_features], so {@code y = x · Wᵀ} is one {@link #dot} per output row.
 *
 * <p>Every implementation has a vectorised {@link #dot} and a plain scalar twin {@link #dotScalar};
 * tests keep them in agreement on real shapes.
 */
public sealed interface WeightMatrix permits F32Matrix, Bf16Matrix, F16Matrix, Q8_0Matrix, Q4_0Matrix, Q5_0Matrix, Q5_1Matrix, Q4_1Matrix,
        Iq4NlMatrix, Mxfp4Matrix, Nvfp4Matrix, ScaledMatrix, SuperBlockMatrix, Fp8Matrix, ModelOptNvfp4Matrix,
        RangeRecordingMatrix {

    int rows();

    int cols();

    /** Storage bytes (what one full pass over the matrix reads from memory). */
    long byteSize();

    /** Dot product of row {@code row} with {@code x[xOff .. xOff+cols)}. */
    float dot(int row, float[] x, int xOff);

    /** Scalar reference for {@link #dot}. */
    float dotScalar(int row, float[] x, int xOff);

    /**
     * {@code out[outOff + o] = dot(o, x, xOff)} for rows {@code o} in {@code [start, end)}: one input against a range of
     * rows, the product of single-sequence decode ({@link MatMul}). Implementations that prepare an input once for many
     * rows (e.g. reorder it to their codes' layout) do so here; bit-identical to {@link #dot}.
     */
    default void dotRange(int start, int end, float[] x, int xOff, float[] out, int outOff) {
        for (int o = start; o < end; o++) out[outOff + o] = dot(o, x, xOff);
    }

    /**
     * {@code out[outOff + b·outStride] = dot(row, x, xOff + b·xStride)} for {@code b < batch}: one weight row
     * against a batch of inputs. Implementations that decode a row (quantized types) do so once per call; the
     * results are bit-identical to {@link #dot} on each input.
     */
    default void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dot(row, x, xOff + b * xStride);
    }

    /**
     * {@code out[outOff + b·outStride + o] = dot(o, x, xOff + b·xStride)} for rows {@code o} in
     * {@code [start, end)} and {@code b < batch}: a block of weight rows against a batch of inputs, so
     * implementations can keep several rows and inputs in registers at once. Bit-identical to {@link #dot}.
     */
    default void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        for (int o = start; o < end; o++) dotRows(o, x, xOff, xStride, batch, out, outOff + o, outStride);
    }

    /** Widens row {@code row} into {@code dst[dstOff .. dstOff+cols)}. */
    void readRow(int row, float[] dst, int dstOff);

    /** The sub-matrix of rows {@code [firstRow, firstRow+count)} (e.g. one expert of a fused 3-D tensor). */
    WeightMatrix rowSlice(int firstRow, int count);

    /** Wraps raw little-endian bytes of the given type; {@code data} must hold exactly rows·cols elements. */
    static WeightMatrix of(DType dtype, MemorySegment data, int rows, int cols, String name) {
        if (cols % dtype.blockSize() != 0) {
            throw new ModelFormatException(name + ": rows of " + cols + " elements are not a whole number of " + dtype + " blocks of " + dtype.blockSize());
        }
        long need = dtype.byteSize((long) rows * cols);
        if (data.byteSize() != need) {
            throw new ModelFormatException(name + ": " + data.byteSize() + " bytes for a " + dtype + " [" + rows + ", " + cols + "] matrix (need " + need + ")");
        }
        return switch (dtype) {
            case F32 -> new F32Matrix(data, rows, cols);
            case BF16 -> new Bf16Matrix(data, rows, cols);
            case F16 -> new F16Matrix(data, rows, cols);
            case F8_E4M3 -> new Fp8Matrix(data, rows, cols);
            case Q8_0 -> new Q8_0Matrix(data, rows, cols);
            case Q4_0 -> new Q4_0Matrix(data, rows, cols);
            case Q5_0 -> new Q5_0Matrix(data, rows, cols);
            case Q5_1 -> new Q5_1Matrix(data, rows, cols);
            case Q4_1 -> new Q4_1Matrix(data, rows, cols);
            case IQ4_NL -> new Iq4NlMatrix(data, rows, cols);
            case MXFP4 -> new Mxfp4Matrix(data, rows, cols);
            case NVFP4 -> new Nvfp4Matrix(data, rows, cols);
            case Q4_K -> new Q4KMatrix(data, rows, cols);
            case Q5_K -> new Q5KMatrix(data, rows, cols);
            case Q6_K -> new Q6KMatrix(data, rows, cols);
            case Q2_K -> new Q2KMatrix(data, rows, cols);
            case Q3_K -> new Q3KMatrix(data, rows, cols);
            case IQ4_XS -> new Iq4XsMatrix(data, rows, cols);
            case IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M -> new LatticeMatrix(dtype, data, rows, cols);
            default -> throw new ModelFormatException(name + ": dtype " + dtype + " is not supported for weights (F32, F16, BF16, F8_E4M3, GGUF block types)");
        };
    }
}

package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;

import java.lang.foreign.MemorySegment;

/**
 * A row-major weight matrix [rows, cols] kept in its storage type (usually a slice of a memory-mapped
 * file) and widened to float32 on the fly. Rows follow PyTorch's {@code nn.Linear} convention
 * [out_features, in_features], so {@code y = x · Wᵀ} is one {@link #dot} per output row.
 *
 * <p>Every implementation has a vectorised {@link #dot} and a plain scalar twin {@link #dotScalar};
 * tests keep them in agreement on real shapes.
 */
public sealed interface WeightMatrix permits F32Matrix, Bf16Matrix, F16Matrix {

    int rows();

    int cols();

    /** Storage bytes (what one full pass over the matrix reads from memory). */
    long byteSize();

    /** Dot product of row {@code row} with {@code x[xOff .. xOff+cols)}. */
    float dot(int row, float[] x, int xOff);

    /** Scalar reference for {@link #dot}. */
    float dotScalar(int row, float[] x, int xOff);

    /** Widens row {@code row} into {@code dst[dstOff .. dstOff+cols)}. */
    void readRow(int row, float[] dst, int dstOff);

    /** The sub-matrix of rows {@code [firstRow, firstRow+count)} (e.g. one expert of a fused 3-D tensor). */
    WeightMatrix rowSlice(int firstRow, int count);

    /** Wraps raw little-endian bytes of the given type; {@code data} must hold exactly rows·cols elements. */
    static WeightMatrix of(DType dtype, MemorySegment data, int rows, int cols, String name) {
        long need = (long) rows * cols * dtype.bytes();
        if (data.byteSize() != need) {
            throw new ModelFormatException(name + ": " + data.byteSize() + " bytes for a " + dtype + " [" + rows + ", " + cols + "] matrix (need " + need + ")");
        }
        return switch (dtype) {
            case F32 -> new F32Matrix(data, rows, cols);
            case BF16 -> new Bf16Matrix(data, rows, cols);
            case F16 -> new F16Matrix(data, rows, cols);
            default -> throw new ModelFormatException(name + ": dtype " + dtype + " is not supported for weights (F32, F16, BF16)");
        };
    }
}

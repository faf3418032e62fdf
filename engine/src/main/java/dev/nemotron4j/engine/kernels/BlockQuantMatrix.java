package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;

import java.lang.foreign.MemorySegment;

/**
 * Block-quantized weights without a dedicated fused kernel (the 256-element types without a {@link SuperBlockMatrix} kernel): a row is
 * dequantized exactly ({@link GgmlBlocks}) into per-thread scratch and then dotted in float32. A batch of
 * input rows shares one dequantization, which is what makes prefill cheap.
 */
public record BlockQuantMatrix(DType type, MemorySegment data, int rows, int cols) implements WeightMatrix {

    public BlockQuantMatrix {
        if (!type.isQuantized()) throw new IllegalArgumentException(type + " is not a block type");
        if (cols % type.blockSize() != 0) throw new IllegalArgumentException(cols + " columns are not whole " + type + " blocks");
    }

    private long rowBytes() {
        return (long) cols / type.blockSize() * type.blockBytes();
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        RowScratch s = RowScratch.get(cols, 0);
        readRow(row, s.values, 0);
        return FloatDot.dot(s.values, 0, x, xOff, cols);
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        RowScratch s = RowScratch.get(cols, 0);
        readRow(row, s.values, 0);
        return FloatDot.dotScalar(s.values, 0, x, xOff, cols);
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        RowScratch s = RowScratch.get(cols, 0);
        readRow(row, s.values, 0);
        FloatDot.dotRows(s.values, 0, x, xOff, xStride, batch, out, outOff, outStride, cols);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        GgmlBlocks.dequantizeRun(type, data, row * rowBytes(), cols, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new BlockQuantMatrix(type, data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}

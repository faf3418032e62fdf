package dev.nemotron4j.engine.weights;

import java.util.Optional;

/**
 * Element types of model files: every type a safetensors header may declare (the complete list of that
 * format), plus the GGUF block-quantized types the engine computes with. A block type stores
 * {@link #blockSize()} consecutive elements of a row in {@link #blockBytes()} bytes; element types are
 * blocks of one. Only {@link #isFloatWeight() float} and {@link #isQuantized() block} types are computable.
 */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2),
    I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1),
    F8_E4M3(1), F8_E5M2(1), F8_E8M0(1), F6_E2M3(1), F6_E3M2(1), F4(1),
    // GGUF block types (ggml's layouts in ggml-common.h): elements per block, bytes per block
    Q4_0(32, 18), Q4_1(32, 20), Q5_0(32, 22), Q5_1(32, 24), Q8_0(32, 34),
    Q2_K(256, 84), Q3_K(256, 110), Q4_K(256, 144), Q5_K(256, 176), Q6_K(256, 210),
    IQ4_NL(32, 18), IQ4_XS(256, 136),
    IQ2_XXS(256, 66), IQ2_XS(256, 74), IQ2_S(256, 82), IQ3_XXS(256, 98), IQ3_S(256, 110), IQ1_S(256, 50), IQ1_M(256, 56),
    MXFP4(32, 17), NVFP4(64, 36);

    private final int blockSize;
    private final int blockBytes;

    DType(int bytes) {
        this(1, bytes);
    }

    DType(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /**
     * Size of one element in bytes (packed sub-byte types are not supported and count as 1); for a block
     * type, the size of one block.
     */
    public int bytes() {
        return blockBytes;
    }

    /** Elements per block (1 for element types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block (the element size for element types). */
    public int blockBytes() {
        return blockBytes;
    }

    /** Whether this is a GGUF block-quantized type. */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Bytes that {@code elements} elements occupy; for block types {@code elements} must fill whole blocks. */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(elements + " elements are not a whole number of " + this + " blocks of " + blockSize);
        }
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** Whether the engine can widen this type to float32 exactly. */
    public boolean isFloatWeight() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** Whether weight matrices of this type can be computed with (float or block-quantized). */
    public boolean isMatrixWeight() {
        return isFloatWeight() || isQuantized();
    }

    /** The type named exactly as in a safetensors header, if it is one (block types are GGUF-only). */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (!d.isQuantized() && d.name().equals(name)) return Optional.of(d);
        }
        return Optional.empty();
    }
}

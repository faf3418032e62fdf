package dev.nemotron4j.engine.weights;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a checkpoint: name, element type, shape and its bytes (a slice of a memory-mapped file).
 *
 * @param file the file the bytes live in (for error messages)
 */
public record TensorInfo(String name, DType dtype, long[] shape, MemorySegment data, Path file) {

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public int rank() {
        return shape.length;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeString() + " in " + file.getFileName();
    }
}

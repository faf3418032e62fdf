package dev.nemotron4j.engine.weights;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A named set of tensors backing a model: a safetensors checkpoint (one file or shards), later also GGUF.
 * Closing it releases the memory mappings; tensors must not be used afterwards.
 */
public interface TensorSource extends AutoCloseable {

    /** The tensor with exactly this name, if present. */
    Optional<TensorInfo> find(String name);

    /** Every tensor name. */
    Set<String> names();

    /** Where the tensors come from (a directory or file), for messages. */
    Path location();

    /**
     * The name under which a source offers the factor that multiplies every output of the matrix
     * {@code matrixName}: GGUF's {@code <tensor>.scale} companion (NVFP4's second-level scale), an F32 tensor of
     * shape [1], or [experts] for a fused expert tensor.
     */
    static String outputScaleName(String matrixName) {
        return matrixName + ".scale";
    }

    /**
     * The name of a matrix's activation scale (GGUF's {@code <tensor>.input_scale}, written by llama.cpp's NVFP4
     * converter). llama.cpp loads it but no graph uses it; the engine accepts it and does the same.
     */
    static String inputScaleName(String matrixName) {
        return matrixName + ".input_scale";
    }

    /** Total bytes of tensor data. */
    default long totalBytes() {
        long sum = 0;
        for (String n : names()) sum += find(n).orElseThrow().data().byteSize();
        return sum;
    }

    @Override
    void close();
}

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

    /** Total bytes of tensor data. */
    default long totalBytes() {
        long sum = 0;
        for (String n : names()) sum += find(n).orElseThrow().data().byteSize();
        return sum;
    }

    @Override
    void close();
}

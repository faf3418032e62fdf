package dev.nemotron4j.train.rl;

import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;
import dev.nemotron4j.train.layers.Param;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trainer's parameters as an in-memory F32 {@link TensorSource} (each double master value rounded to the
 * nearest float, as a checkpoint saved in F32 would hold it), so the engine's loader can bind them without a file.
 * Closing it frees the copies; the source is shared across threads (the scheduler reads it on its own thread).
 */
public final class ParamTensorSource implements TensorSource {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final Path LOCATION = Path.of("<trainer parameters>");

    private final Arena arena = Arena.ofShared();
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();

    /** Copies every parameter (trainable or not) in float32. */
    public ParamTensorSource(Collection<Param> params) {
        for (Param p : params) {
            double[] v = p.value();
            MemorySegment data = arena.allocate((long) v.length * Float.BYTES, 64);
            for (int i = 0; i < v.length; i++) data.setAtIndex(F32_LE, i, (float) v[i]);
            tensors.put(p.name(), new TensorInfo(p.name(), DType.F32, p.shape().clone(), data, LOCATION));
        }
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Path location() {
        return LOCATION;
    }

    @Override
    public void close() {
        arena.close();
    }
}

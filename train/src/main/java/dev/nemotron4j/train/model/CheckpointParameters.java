package dev.nemotron4j.train.model;

import dev.nemotron4j.engine.kernels.Bf16Matrix;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;
import dev.nemotron4j.train.layers.Param;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The parameter tensors of a checkpoint (a training state's F64 ones read exactly), widened exactly to double, in the order the model asks for them. */
final class CheckpointParameters {
    private final TensorSource source;
    private final Map<String, Param> taken = new LinkedHashMap<>();

    CheckpointParameters(TensorSource source) {
        this.source = source;
    }

    Optional<TensorInfo> find(String name) {
        return source.find(name);
    }

    /** The tensor {@code name}, which must have exactly {@code shape} (or, for conv weights, any shape of as many elements). */
    Param take(String name, boolean trainable, long... shape) {
        Param already = taken.get(name);
        if (already != null) return already;
        TensorInfo t = source.find(name).orElseThrow(() -> new ModelFormatException(source.location() + ": missing tensor '" + name + "'"));
        long expected = 1;
        for (long d : shape) expected *= d;
        if (t.elementCount() != expected || (t.rank() == shape.length && !Arrays.equals(t.shape(), shape))) {
            throw new ModelFormatException(where(t) + ": shape " + t.shapeString() + " disagrees with the config, which implies " + Arrays.toString(shape));
        }
        Param p = new Param(name, t.shape().clone(), widen(t), trainable);
        taken.put(name, p);
        return p;
    }

    Map<String, Param> taken() {
        return taken;
    }

    private static String where(TensorInfo t) {
        return (t.file() == null ? "" : t.file() + ": ") + "tensor '" + t.name() + "'";
    }

    private static double[] widen(TensorInfo t) {
        double[] out = new double[Math.toIntExact(t.elementCount())];
        MemorySegment d = t.data();
        ValueLayout.OfShort half = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> {
                ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < out.length; i++) out[i] = d.getAtIndex(f, i);
            }
            case F64 -> {
                ValueLayout.OfDouble f = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < out.length; i++) out[i] = d.getAtIndex(f, i);
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) out[i] = Bf16Matrix.toFloat(d.getAtIndex(half, i));
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(d.getAtIndex(half, i));
            }
            default -> throw new ModelFormatException(where(t) + ": dtype " + t.dtype() + " is not a float type training can read (F64, F32, F16, BF16)");
        }
        return out;
    }
}

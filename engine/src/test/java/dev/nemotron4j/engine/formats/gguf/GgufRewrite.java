package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.kernels.GgmlBlocks;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.TensorInfo;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes a GGUF file with another file's metadata and new tensors (for tests that derive models from fixtures). */
final class GgufRewrite {
    private GgufRewrite() {}

    /** A tensor to write: GGUF name, ggml dims ({@code ne}, innermost first), type and exactly its bytes. */
    record Tensor(String name, long[] ne, DType type, ByteBuffer data) {
        static Tensor f32(String name, long[] ne, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) b.putFloat(v);
            return new Tensor(name, ne, DType.F32, b.flip());
        }

        static Tensor quantized(String name, long[] ne, DType type, float[] values) {
            ByteBuffer b = ByteBuffer.allocate((int) type.byteSize(values.length)).order(ByteOrder.LITTLE_ENDIAN);
            GgmlQuantizer.quantize(type, values, 0, values.length, b);
            return new Tensor(name, ne, type, b.flip());
        }

        /** A copy of {@code t} as it is in its file. */
        static Tensor copy(TensorInfo t) {
            return new Tensor(t.name(), GgufRewrite.ne(t), t.dtype(), t.data().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    /** ggml dims of a tensor (its shape reversed). */
    static long[] ne(TensorInfo t) {
        long[] ne = new long[t.rank()];
        for (int d = 0; d < ne.length; d++) ne[d] = t.shape()[t.rank() - 1 - d];
        return ne;
    }

    /** Every element of a tensor of any engine type, dequantized exactly. */
    static float[] values(TensorInfo t) {
        int n = Math.toIntExact(t.elementCount());
        float[] out = new float[n];
        switch (t.dtype()) {
            case F32 -> {
                for (int i = 0; i < n; i++) out[i] = t.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(t.data().getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i));
            }
            default -> GgmlBlocks.dequantizeRun(t.dtype(), t.data(), 0, n, out, 0);
        }
        return out;
    }

    /** Writes {@code tensors} to {@code out} with the metadata of {@code source}. */
    static void write(Path out, GgufFile source, List<Tensor> tensors) throws IOException {
        try (GgufWriter w = new GgufWriter(out)) {
            for (Map.Entry<String, Object> e : source.metadata().entrySet()) w.put(e.getKey(), value(e.getKey(), e.getValue()));
            for (Tensor t : tensors) w.declare(new GgufWriter.TensorDecl(t.name(), t.ne(), t.type()));
            w.begin();
            for (Tensor t : tensors) w.writeTensorData(t.data().duplicate());
        }
    }

    private static GgufValue value(String key, Object v) {
        return switch (v) {
            case Integer i -> new GgufValue.I32(i);
            case Long l when l >= 0 && l <= 0xFFFFFFFFL -> new GgufValue.U32(l);
            case Float f -> new GgufValue.F32(f);
            case Boolean b -> new GgufValue.Bool(b);
            case String s -> new GgufValue.Str(s);
            case List<?> list when list.stream().allMatch(x -> x instanceof Integer) ->
                    new GgufValue.I32Array(list.stream().mapToInt(x -> (Integer) x).toArray());
            case List<?> list when list.stream().allMatch(x -> x instanceof String) ->
                    new GgufValue.StrArray(list.stream().map(x -> (String) x).toList());
            default -> throw new IllegalArgumentException("metadata key " + key + ": cannot copy " + v.getClass().getSimpleName() + " values");
        };
    }
}

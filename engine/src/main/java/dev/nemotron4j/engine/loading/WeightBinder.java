package dev.nemotron4j.engine.loading;

import dev.nemotron4j.engine.kernels.Bf16Matrix;
import dev.nemotron4j.engine.kernels.ScaledMatrix;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the model's tensors by their checkpoint names (ARCHITECTURE.md §3), checks each one's dtype and
 * shape against the config, and hands them out as {@link WeightMatrix} views or widened float vectors.
 * Records which tensors were used, so unknown extra tensors can be reported.
 */
final class WeightBinder {

    /** Body prefixes seen in the wild: the release, re-saved transformers, and multimodal derivatives. */
    private static final List<String> BODY_PREFIXES = List.of("backbone.", "model.", "model.language_model.",
            "language_model.backbone.", "language_model.model.");

    private final TensorSource source;
    private final String body;
    private final Set<String> used = new LinkedHashSet<>();
    /** The checkpoint's ModelOpt quantization, or null for a plain one. */
    private final ModelOptQuantization modelOpt;
    /** Applied to every bound matrix (identity but for calibration). */
    private final ModelLoader.MatrixDecorator decorator;

    WeightBinder(TensorSource source) {
        this(source, null);
    }

    WeightBinder(TensorSource source, ModelOptQuantization modelOpt) {
        this(source, modelOpt, (name, m) -> m);
    }

    WeightBinder(TensorSource source, ModelOptQuantization modelOpt, ModelLoader.MatrixDecorator decorator) {
        this.source = source;
        this.modelOpt = modelOpt;
        this.decorator = decorator;
        this.body = BODY_PREFIXES.stream()
                .filter(p -> source.find(p + "embeddings.weight").isPresent() || source.find(p + "embed_tokens.weight").isPresent())
                .findFirst()
                .orElseThrow(() -> new ModelFormatException(source.location() + ": missing tensor 'backbone.embeddings.weight' "
                        + "(no embedding table under any known prefix " + BODY_PREFIXES + ")"));
    }

    String bodyPrefix() {
        return body;
    }

    /** Name of a body tensor with the detected prefix. */
    String bodyName(String suffix) {
        return body + suffix;
    }

    Optional<TensorInfo> findBody(String suffix) {
        return source.find(body + suffix);
    }

    /** The tensor with exactly this (already prefixed) name, if present. */
    Optional<TensorInfo> find(String fullName) {
        return source.find(fullName);
    }

    /** The tensor named {@code fullName}; it must exist. */
    TensorInfo require(String fullName) {
        TensorInfo t = source.find(fullName)
                .orElseThrow(() -> new ModelFormatException(source.location() + ": missing tensor '" + fullName + "'"));
        used.add(fullName);
        return t;
    }

    TensorInfo requireBody(String suffix) {
        return require(body + suffix);
    }

    /**
     * A 2-D weight [rows, cols] (exactly 2-D), with its output scale ({@link TensorSource#outputScaleName}, shape
     * [1]) applied if the source has one.
     */
    WeightMatrix matrix(String fullName, int rows, int cols) {
        TensorInfo t = require(fullName);
        WeightMatrix m = modelOpt != null ? ModelOptMatrices.bind(this, modelOpt, fullName, t, rows, cols) : plainMatrix(fullName, t, rows, cols);
        return decorator.decorate(fullName, m);
    }

    /** {@link #matrix} of the tensor {@code t} named {@code fullName}, stored in a float or GGUF block type. */
    WeightMatrix plainMatrix(String fullName, TensorInfo t, int rows, int cols) {
        checkShape(t, rows, cols);
        checkMatrixType(t);
        WeightMatrix m = WeightMatrix.of(t.dtype(), t.data(), rows, cols, where(t));
        float[] scale = outputScales(fullName, 1);
        return scale == null ? m : new ScaledMatrix(m, scale[0]);
    }

    /**
     * The experts' [rows, cols] slices of the fused [experts, rows, cols] tensor {@code fullName}, each with its
     * own output scale (shape [experts]) applied if the source has one.
     */
    WeightMatrix[] experts(String fullName, int experts, int rows, int cols) {
        TensorInfo fused = require(fullName);
        checkShape(fused, experts, rows, cols);
        checkMatrixType(fused);
        float[] scales = outputScales(fullName, experts);
        long per = fused.dtype().byteSize((long) rows * cols);
        WeightMatrix[] out = new WeightMatrix[experts];
        for (int e = 0; e < experts; e++) {
            WeightMatrix m = WeightMatrix.of(fused.dtype(), fused.data().asSlice(e * per, per), rows, cols, where(fused));
            out[e] = scales == null ? m : new ScaledMatrix(m, scales[e]);
        }
        return out;
    }

    /**
     * The factors multiplying the outputs of matrix {@code matrixName} ({@code count} of them: 1, or one per
     * expert), or null if the source has none. The matrix's input scale, if any, is marked used: llama.cpp loads
     * it but never applies it, and neither does the engine.
     */
    private float[] outputScales(String matrixName, int count) {
        if (source.find(TensorSource.inputScaleName(matrixName)).isPresent()) used.add(TensorSource.inputScaleName(matrixName));
        String name = TensorSource.outputScaleName(matrixName);
        if (source.find(name).isEmpty()) return null;
        TensorInfo t = require(name);
        checkShape(t, count);
        checkFloat(t);
        float[] v = widen(t);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) throw new ModelFormatException(where(t) + ": scale[" + i + "] = " + v[i] + " is not finite");
        }
        return v;
    }

    /** A float vector with exactly this shape, widened exactly to float32. */
    float[] vector(String fullName, long... shape) {
        TensorInfo t = require(fullName);
        checkShape(t, shape);
        checkFloat(t);
        return widen(t);
    }

    static float[] widen(TensorInfo t) {
        long n = t.elementCount();
        float[] out = new float[Math.toIntExact(n)];
        MemorySegment d = t.data();
        switch (t.dtype()) {
            case F32 -> {
                ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < out.length; i++) out[i] = d.getAtIndex(f, i);
            }
            case BF16 -> {
                ValueLayout.OfShort s = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < out.length; i++) out[i] = Bf16Matrix.toFloat(d.getAtIndex(s, i));
            }
            case F16 -> {
                ValueLayout.OfShort s = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(d.getAtIndex(s, i));
            }
            default -> throw new ModelFormatException(where(t) + ": dtype " + t.dtype() + " cannot be widened to float32");
        }
        return out;
    }

    void checkShape(TensorInfo t, long... expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new ModelFormatException(where(t) + ": shape " + t.shapeString() + " disagrees with the config, which implies "
                    + Arrays.toString(expected));
        }
    }

    void checkFloat(TensorInfo t) {
        if (!t.dtype().isFloatWeight()) {
            throw new ModelFormatException(where(t) + ": dtype " + t.dtype() + " is not supported (F32, F16, BF16)");
        }
    }

    void checkMatrixType(TensorInfo t) {
        if (!t.dtype().isMatrixWeight()) {
            throw new ModelFormatException(where(t) + ": dtype " + t.dtype() + " is not supported for a weight matrix (F32, F16, BF16, GGUF block types)");
        }
        if (t.rank() > 0 && t.shape()[t.rank() - 1] % t.dtype().blockSize() != 0) {
            throw new ModelFormatException(where(t) + ": rows of " + t.shape()[t.rank() - 1] + " are not whole " + t.dtype() + " blocks");
        }
    }

    static String where(TensorInfo t) {
        return t.file() + ": tensor '" + t.name() + "'";
    }

    /** Records a tensor as bound (a companion the engine reads or deliberately ignores). */
    void markUsed(String fullName) {
        used.add(fullName);
    }

    /** Tensors present in the source but never bound. */
    Set<String> unused() {
        Set<String> rest = new LinkedHashSet<>(source.names());
        rest.removeAll(used);
        return rest;
    }


}

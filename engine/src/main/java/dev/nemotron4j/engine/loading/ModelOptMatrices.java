package dev.nemotron4j.engine.loading;

import dev.nemotron4j.engine.kernels.E4m3;
import dev.nemotron4j.engine.kernels.Fp8Matrix;
import dev.nemotron4j.engine.kernels.ModelOptNvfp4Matrix;
import dev.nemotron4j.engine.kernels.ScaledMatrix;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;

import java.util.Arrays;
import java.util.Optional;

/**
 * Binds one projection of a ModelOpt checkpoint ({@link ModelOptQuantization}) as stored, by its weight's type:
 * <ul>
 *   <li>{@code F8_E4M3} [out, in] with an F32 scalar {@code weight_scale} (shape [] or [1]): an {@link Fp8Matrix}
 *       scaled once per product;</li>
 *   <li>{@code U8} [out, in/2] packed E2M1 codes with an {@code F8_E4M3} {@code weight_scale} [out, in/16] and an F32
 *       scalar {@code weight_scale_2}: a {@link ModelOptNvfp4Matrix} scaled by the global scale;</li>
 *   <li>anything else: an unquantized weight, as in a plain checkpoint.</li>
 * </ul>
 * {@code input_scale}, {@code k_scale} and {@code v_scale} (static activation and KV-cache calibration) are accepted and
 * not applied: the engine computes with float activations (weight-only), as llama.cpp does with these files.
 * Every inconsistency — a module the exclude list names stored quantized, a missing or mis-shaped scale, a NaN code,
 * a non-finite scale — is one error naming the file and tensor.
 */
final class ModelOptMatrices {
    private ModelOptMatrices() {}

    /** Calibration companions read by no computation here. */
    private static final String[] IGNORED = {".input_scale", ".k_scale", ".v_scale"};

    static WeightMatrix bind(WeightBinder b, ModelOptQuantization q, String name, TensorInfo weight, int rows, int cols) {
        String module = name.endsWith(".weight") ? name.substring(0, name.length() - ".weight".length()) : name;
        for (String ignored : IGNORED) {
            if (b.find(module + ignored).isPresent()) b.markUsed(module + ignored);
        }
        boolean fp8 = weight.dtype() == DType.F8_E4M3, nvfp4 = weight.dtype() == DType.U8;
        if ((fp8 || nvfp4) && q.excludes(module)) {
            throw new ModelFormatException(WeightBinder.where(weight) + ": stored quantized (" + weight.dtype() + ") but module '" + module
                    + "' is excluded from quantization in " + q.declaredIn().getFileName() + " (exclude_modules / ignore)");
        }
        if (fp8) return fp8(b, weight, module, rows, cols);
        if (nvfp4) return nvfp4(b, weight, module, rows, cols);
        return b.plainMatrix(name, weight, rows, cols);
    }

    private static WeightMatrix fp8(WeightBinder b, TensorInfo weight, String module, int rows, int cols) {
        b.checkShape(weight, rows, cols);
        float scale = scalar(b, weight, module + ".weight_scale", "FP8");
        long nan = E4m3.findNaN(weight.data());
        if (nan >= 0) {
            throw new ModelFormatException(WeightBinder.where(weight) + ": F8_E4M3 code at row " + nan / cols + ", column " + nan % cols
                    + " is NaN (0x7F/0xFF): the file is corrupt");
        }
        return new ScaledMatrix(new Fp8Matrix(weight.data(), rows, cols), scale);
    }

    private static WeightMatrix nvfp4(WeightBinder b, TensorInfo weight, String module, int rows, int cols) {
        int group = ModelOptQuantization.NVFP4_GROUP;
        if (cols % group != 0) {
            throw new ModelFormatException(WeightBinder.where(weight) + ": NVFP4 weight of " + cols + " inputs: not whole blocks of " + group);
        }
        if (!Arrays.equals(weight.shape(), new long[] {rows, cols / 2})) {
            throw new ModelFormatException(WeightBinder.where(weight) + ": NVFP4 codes of shape " + weight.shapeString()
                    + " disagree with the config, which implies [" + rows + ", " + cols + "] weights: codes [" + rows + ", " + cols / 2 + "]");
        }
        String scaleName = module + ".weight_scale";
        TensorInfo scales = b.find(scaleName).orElseThrow(() -> new ModelFormatException(WeightBinder.where(weight)
                + ": NVFP4 weight without its block scales '" + scaleName + "'"));
        b.markUsed(scaleName);
        if (scales.dtype() != DType.F8_E4M3) {
            throw new ModelFormatException(WeightBinder.where(scales) + ": NVFP4 block scales of type " + scales.dtype() + " (expected F8_E4M3)");
        }
        if (!Arrays.equals(scales.shape(), new long[] {rows, cols / group})) {
            throw new ModelFormatException(WeightBinder.where(scales) + ": NVFP4 block scales of shape " + scales.shapeString()
                    + " (expected [" + rows + ", " + cols / group + "]: one per " + group + " inputs of each row)");
        }
        long nan = E4m3.findNaN(scales.data());
        if (nan >= 0) {
            throw new ModelFormatException(WeightBinder.where(scales) + ": block scale at row " + nan / (cols / group) + ", block "
                    + nan % (cols / group) + " is NaN (0x7F/0xFF): the file is corrupt");
        }
        float global = scalar(b, weight, module + ".weight_scale_2", "NVFP4");
        return new ScaledMatrix(new ModelOptNvfp4Matrix(weight.data(), scales.data(), rows, cols), global);
    }

    /** A per-tensor scale: a float scalar (shape [] or [1]), finite. */
    private static float scalar(WeightBinder b, TensorInfo weight, String name, String format) {
        Optional<TensorInfo> found = b.find(name);
        if (found.isEmpty()) {
            throw new ModelFormatException(WeightBinder.where(weight) + ": " + format + " weight (" + weight.dtype() + ") without its scale '" + name + "'");
        }
        TensorInfo t = b.require(name);
        if (t.elementCount() != 1 || t.rank() > 1) {
            throw new ModelFormatException(WeightBinder.where(t) + ": shape " + t.shapeString() + ": a per-tensor " + format
                    + " scale is one value (shape [] or [1])");
        }
        b.checkFloat(t);
        float v = WeightBinder.widen(t)[0];
        if (!Float.isFinite(v)) throw new ModelFormatException(WeightBinder.where(t) + ": scale " + v + " is not finite");
        return v;
    }
}

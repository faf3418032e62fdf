package dev.nemotron4j.cli;

import dev.nemotron4j.engine.convert.GgufConverter;
import dev.nemotron4j.engine.loading.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nemotron4j convert}: a Hugging Face checkpoint (BF16, or ModelOpt FP8/NVFP4) to a GGUF file llama.cpp loads. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a Hugging Face Nemotron-H checkpoint (BF16, or ModelOpt FP8/NVFP4) to GGUF "
                + "(f16/q8_0/q4_0 byte-identical to llama.cpp's quantizer).")
final class ConvertCommand implements Callable<Integer> {

    @Mixin
    ModelOption model;

    @Option(names = "--out", required = true, description = "Output .gguf file.")
    Path out;

    @Option(names = "--type", defaultValue = "f16", description = "Matrix type: f32, f16, bf16, q8_0, q4_0, q4_k, q6_k, or nvfp4 "
            + "(an NVFP4 ModelOpt checkpoint repacked as is, with its .scale tensors) (default: ${DEFAULT-VALUE}). FP8 weights "
            + "are dequantized into the type.")
    String type;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!(model.source() instanceof ModelSource.Directory dir)) {
            throw new IllegalArgumentException(model.path + ": convert reads a Hugging Face directory (bfloat16/float16/float32, or ModelOpt FP8/NVFP4)");
        }
        GgufConverter.convert(dir.path(), out, GgufConverter.parseType(type));
        System.err.printf("wrote %s (%,d bytes) in %.1f s%n", out, Files.size(out), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}

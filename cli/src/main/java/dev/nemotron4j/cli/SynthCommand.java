package dev.nemotron4j.cli;

import dev.nemotron4j.engine.synth.SyntheticCheckpoint;
import dev.nemotron4j.engine.weights.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nemotron4j synth}: a random, well-conditioned checkpoint of any size for benchmarking. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a random well-conditioned checkpoint (config.json + model.safetensors) for a config, streamed to disk.")
final class SynthCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "config.json (e.g. bench/presets/bench-s/config.json).")
    Path config;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--dtype", defaultValue = "bf16", description = "bf16, f16 or f32 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        SyntheticCheckpoint.write(config, out, DType.valueOf(dtype.toUpperCase()), seed);
        System.err.printf("wrote %s in %.1f s%n", out, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}

package dev.nemotron4j.train.run;

import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.train.optim.AdamW;
import dev.nemotron4j.train.optim.WarmupStableDecay;

/**
 * A complete training run's settings, bound from YAML by {@link TrainConfigReader} (docs/TRAINING.md lists every key).
 *
 * @param yaml the merged settings as YAML text (defaults, recipe or file): saved with each checkpoint, read back on resume
 */
public record TrainConfig(long seed, int steps, int threads, int checkpointInterval, int logInterval,
                          Model model, Tokenizer tokenizer, Data data, WarmupStableDecay schedule, Optimizer optimizer,
                          Balancing balancing, String yaml) {

    /** @param configJson the model's complete config.json text */
    public record Model(Implementation implementation, String configJson, ModelConfig config) {}

    public enum Implementation { REFERENCE, FAST }

    public record Tokenizer(String type) {}

    /**
     * @param source  {@code synthetic} or {@code jsonl}
     * @param path    the JSONL file ({@code jsonl} only; absolute, resolved against the config file's directory)
     * @param packing {@code fill} (pretraining) or {@code whole} (SFT: a document stays in one row when it fits)
     */
    public record Data(String source, String path, String packing, int sequenceLength, int rowsPerMicroBatch) {}

    public record Optimizer(AdamW.Settings adamW, double gradClip, int gradientAccumulation, boolean freezeRouter) {}

    public record Balancing(boolean auxLossFree, double biasUpdateRate, double sequenceAuxLoss) {}

    /** Rows of {@code data.sequence_length} tokens per optimizer step. */
    public int rowsPerStep() {
        return data.rowsPerMicroBatch() * optimizer.gradientAccumulation();
    }
}

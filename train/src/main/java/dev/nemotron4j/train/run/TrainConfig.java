package dev.nemotron4j.train.run;

import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.train.rl.GrpoConfig;
import dev.nemotron4j.train.optim.AdamW;
import dev.nemotron4j.train.optim.WarmupStableDecay;

/**
 * A complete training run's settings, bound from YAML by {@link TrainConfigReader} (docs/TRAINING.md lists every key).
 *
 * @param yaml the merged settings as YAML text (defaults, recipe or file): saved with each checkpoint, read back on resume
 */
public record TrainConfig(long seed, int steps, int threads, int checkpointInterval, int logInterval,
                          Model model, Tokenizer tokenizer, Data data, WarmupStableDecay schedule, Optimizer optimizer,
                          Balancing balancing, Rl rl, String yaml) {

    /** @param configJson the model's complete config.json text */
    public record Model(Implementation implementation, String configJson, ModelConfig config) {}

    public enum Implementation { REFERENCE, FAST }

    /**
     * @param type             {@code byte-level} (288 tokens) or {@code bpe} (trained at the start of the run)
     * @param vocabSize        {@code bpe}: vocabulary size, reserved and byte tokens included (the model's vocab_size)
     * @param tasks            {@code bpe}: trained on this many synthetic pretraining documents and as many SFT
     *                         conversations of the task environments
     * @param individualDigits {@code bpe}: no merges of digits (numbers tokenized digit by digit)
     */
    public record Tokenizer(String type, int vocabSize, int tasks, boolean individualDigits) {
        /** The model's vocabulary size for this tokenizer. */
        public int modelVocabSize() {
            return type.equals("bpe") ? vocabSize : ByteLevelTokenizer.VOCAB_SIZE;
        }
    }

    /**
     * The GRPO stage ({@code rl:}; absent for supervised runs): {@code steps} GRPO steps on every built-in task
     * environment at once, AdamW with the {@code optimizer} section's moments, decay and clip at a constant rate.
     */
    /**
     * @param grpo         the GRPO settings
     * @param environments {@code rl.environments}: environment name → weight of its prompts (null: every environment once)
     */
    public record Rl(GrpoConfig grpo, java.util.Map<String, Integer> environments) {}

    /**
     * @param source  {@code synthetic} or {@code jsonl}
     * @param path    the JSONL file ({@code jsonl} only; absolute, resolved against the config file's directory)
     * @param packing {@code fill} (pretraining) or {@code whole} (SFT: a document stays in one row when it fits)
     * @param environments {@code sft}: the mix's environments with their weights, in cycle order (null: every
     *                     environment once)
     * @param firstExample {@code tasks}, {@code sft}: the index of the stream's first example (a later stage reads
     *                     examples an earlier one did not)
     * @param inventedCityPercent {@code sft}: percent of weather questions about invented cities ({@code TaskVariant})
     * @param inventedCityStyle {@code sft}: how invented names are built ({@code syllables}, {@code varied} or
     *                     {@code pieces}: the run's tokenizer's letter groups; {@code InventedCity.Style})
     * @param variedToolResults {@code sft}: tool messages in varied JSON spellings ({@code TaskVariant})
     */
    public record Data(String source, String path, String packing, int sequenceLength, int rowsPerMicroBatch,
                       java.util.Map<String, Integer> environments, long firstExample, int inventedCityPercent,
                       String inventedCityStyle, boolean variedToolResults) {}

    public record Optimizer(AdamW.Settings adamW, double gradClip, int gradientAccumulation, boolean freezeRouter) {}

    public record Balancing(boolean auxLossFree, double biasUpdateRate, double sequenceAuxLoss) {}

    /** The same run on {@code n} worker threads (the results do not depend on the count). */
    public TrainConfig withThreads(int n) {
        if (n < 1) throw new ConfigException("threads: must be at least 1, got " + n);
        return new TrainConfig(seed, steps, n, checkpointInterval, logInterval, model, tokenizer, data, schedule, optimizer,
                balancing, rl, yaml);
    }

    /** Whether this run is a GRPO stage rather than next-token training. */
    public boolean isRl() {
        return rl != null;
    }

    /** Rows of {@code data.sequence_length} tokens per optimizer step. */
    public int rowsPerStep() {
        return data.rowsPerMicroBatch() * optimizer.gradientAccumulation();
    }
}

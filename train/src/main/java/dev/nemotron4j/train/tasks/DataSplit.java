package dev.nemotron4j.train.tasks;

/**
 * The seed ranges the environments are sampled from: the same generators make pretraining text, SFT examples, RL
 * prompts and the held-out evaluation set, each from its own range, so no seed is ever shared between training and
 * evaluation. (Seeds are disjoint, problems need not be: "What is 3 + 4?" has few siblings. The evaluation set is
 * the range's first seeds, {@code EVAL.seed(0)}, {@code EVAL.seed(1)}, ...)
 *
 * @param start first seed of the range
 * @param end   one past the last seed
 */
public enum DataSplit {
    /** Synthetic pretraining documents. */
    PRETRAINING(0L, 1_000_000_000L),
    /** Supervised fine-tuning conversations. */
    SFT(1_000_000_000L, 2_000_000_000L),
    /** GRPO prompts. */
    RL(2_000_000_000L, 3_000_000_000L),
    /** The held-out evaluation set (`eval`, the default model's accuracy table, CI thresholds). */
    EVAL(9_000_000_000L, 9_001_000_000L);

    private final long start;
    private final long end;

    DataSplit(long start, long end) {
        this.start = start;
        this.end = end;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    /** Number of seeds in the range. */
    public long size() {
        return end - start;
    }

    /** The {@code index}-th seed of the range. */
    public long seed(long index) {
        if (index < 0 || index >= size()) {
            throw new IllegalArgumentException(name() + " has seeds 0.." + (size() - 1) + ", asked for index " + index);
        }
        return start + index;
    }

    /** Whether a seed belongs to this range. */
    public boolean contains(long seed) {
        return seed >= start && seed < end;
    }

    /** The split a seed belongs to. */
    public static DataSplit of(long seed) {
        for (DataSplit split : values()) if (split.contains(seed)) return split;
        throw new IllegalArgumentException("seed " + seed + " is in no data split");
    }
}

package dev.nemotron4j.eval.run;

/**
 * One of {@code count} disjoint slices of a run's samples ({@code --shard i/n}, 0-based). Items are dealt out
 * round-robin in canonical order (task order, then item order) with all their repeats, so every slice gets a
 * share of every task and the slices together are exactly the run.
 */
public record Shard(int index, int count) {
    public static final Shard WHOLE = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard must be i/n with 0 <= i < n (got " + index + "/" + count + ")");
        }
    }

    /** Parses "i/n"; null or blank is the whole run. */
    public static Shard parse(String spec) {
        if (spec == null || spec.isBlank()) return WHOLE;
        String[] parts = spec.strip().split("/");
        try {
            if (parts.length == 2) return new Shard(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        } catch (NumberFormatException ignored) {
            // the message below
        }
        throw new IllegalArgumentException("shard must look like i/n, e.g. 0/4 (got '" + spec + "')");
    }

    /** Whether the item at {@code position} in canonical order (counted over all tasks) belongs to this slice. */
    public boolean owns(long position) {
        return position % count == index;
    }

    @Override
    public String toString() { return index + "/" + count; }
}

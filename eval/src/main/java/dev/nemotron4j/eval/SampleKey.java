package dev.nemotron4j.eval;

/**
 * Identifies one sample of a run: an item of a task, answered for the {@code repeat}-th time.
 * Every random stream and cache entry of a sample is keyed on this, never on execution order.
 */
public record SampleKey(String task, String itemId, int repeat) {
    @Override
    public String toString() { return task + "/" + itemId + "#" + repeat; }
}

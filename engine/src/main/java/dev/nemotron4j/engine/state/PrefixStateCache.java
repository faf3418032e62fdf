package dev.nemotron4j.engine.state;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Saved sequence states keyed by the exact token prefix that produced them, so that a new request whose prompt
 * starts with a saved prefix (the same conversation one turn later, or another user's identical system prompt and
 * tools) resumes from the saved state and prefills only the rest. A hybrid model's recurrent state cannot be cut back
 * to an earlier position like a KV cache can; saving whole states at chosen positions is the way to reuse it.
 *
 * <p>Bounded by bytes (each entry counts its state's {@link SequenceState#bytes()} and its key), least recently used
 * first out; an entry larger than the whole budget is not kept. Keys are checked token by token, never trusted to a
 * hash. All methods are thread-safe.
 */
public final class PrefixStateCache {
    private final long budgetBytes;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits, misses, saves, evictions;

    private record Key(int length, long hash) {
    }

    private record Entry(int[] prefix, SequenceState state, long bytes) {
    }

    /** A cache of at most {@code budgetBytes} (> 0). */
    public PrefixStateCache(long budgetBytes) {
        if (budgetBytes <= 0) throw new IllegalArgumentException("state cache budget must be > 0 bytes, is " + budgetBytes);
        this.budgetBytes = budgetBytes;
    }

    /**
     * Finds the longest saved prefix of {@code tokens} among the lengths {@code usable} accepts, copies its state into
     * {@code into} and returns its length; 0 (and {@code into} untouched) when there is none.
     */
    public synchronized int resume(int[] tokens, IntPredicate usable, SequenceState into) {
        long[] hashes = prefixHashes(tokens);
        for (int length = tokens.length; length > 0; length--) {
            if (!usable.test(length)) continue;
            Entry e = entries.get(new Key(length, hashes[length]));
            if (e != null && Arrays.equals(e.prefix, 0, length, tokens, 0, length)) {
                into.copyFrom(e.state);
                hits++;
                return length;
            }
        }
        misses++;
        return 0;
    }

    /** Whether the state after {@code tokens[0, length)} is saved. */
    public synchronized boolean contains(int[] tokens, int length) {
        Entry e = entries.get(new Key(length, hash(tokens, length)));
        return e != null && Arrays.equals(e.prefix, 0, length, tokens, 0, length);
    }

    /**
     * Saves a copy of {@code state}, which has consumed exactly {@code tokens[0, length)}, unless that prefix is saved
     * already; evicts the least recently used entries to stay within the budget.
     */
    public void save(int[] tokens, int length, SequenceState state) {
        if (state.position() != length) throw new IllegalArgumentException("state at position " + state.position() + " saved as " + length + " tokens");
        if (contains(tokens, length)) return;
        SequenceState copy = state.fork(); // outside the lock: the copy is the expensive part
        long size = copy.bytes() + 4L * length + 64;
        if (size > budgetBytes) return;
        synchronized (this) {
            Key key = new Key(length, hash(tokens, length));
            if (entries.containsKey(key)) return;
            entries.put(key, new Entry(Arrays.copyOf(tokens, length), copy, size));
            bytes += size;
            saves++;
            Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
            while (bytes > budgetBytes && it.hasNext()) {
                Entry old = it.next().getValue();
                it.remove();
                bytes -= old.bytes;
                evictions++;
            }
        }
    }

    /** Bytes held. */
    public synchronized long bytes() {
        return bytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** Saved states. */
    public synchronized int size() {
        return entries.size();
    }

    /** Counters since creation. */
    public record Stats(long hits, long misses, long saves, long evictions, long bytes, int entries) {
    }

    public synchronized Stats stats() {
        return new Stats(hits, misses, saves, evictions, bytes, entries.size());
    }

    private static long step(long h, int token) {
        return (h ^ (token & 0xFFFFFFFFL)) * 0x100000001B3L + 0x9E3779B97F4A7C15L;
    }

    private static long hash(int[] tokens, int length) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < length; i++) h = step(h, tokens[i]);
        return h;
    }

    /** {@code out[n]} = the hash of the first n tokens. */
    private static long[] prefixHashes(int[] tokens) {
        long[] out = new long[tokens.length + 1];
        long h = 0xCBF29CE484222325L;
        out[0] = h;
        for (int i = 0; i < tokens.length; i++) out[i + 1] = h = step(h, tokens[i]);
        return out;
    }
}

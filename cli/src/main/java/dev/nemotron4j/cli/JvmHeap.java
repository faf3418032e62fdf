package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.MemoryPlan;

import java.util.List;
import java.util.Locale;

/**
 * The JVM heap for a model and a workload: {@code -Xmx} from {@link MemoryPlan#heapBytes}, a small fixed young
 * generation ({@code -Xmn}: garbage of each step dies there, so the resident heap stays near the live set instead
 * of growing to a fraction of the machine's memory), and a small initial heap that grows only as the state does.
 * The weights are memory-mapped and not part of the heap; the heap is capped where this machine's memory minus
 * the weights ends ({@link #capped}).
 *
 * @param neededBytes what the workload may need
 * @param maxBytes    the {@code -Xmx} given: the need rounded up to 16 MiB, or the cap
 */
record JvmHeap(long neededBytes, long maxBytes, boolean capped) {
    private static final long MIB = 1L << 20;
    /** Memory left to the operating system, the page cache of other files and the JVM's own native memory. */
    static final long RESERVE_BYTES = 1L << 30;
    static final long MIN_HEAP_BYTES = 128 * MIB;

    /**
     * @param physicalBytes this machine's memory (0 if unknown: no cap)
     */
    static JvmHeap of(MemoryPlan plan, MemoryPlan.Workload workload, long physicalBytes) {
        long need = plan.heapBytes(workload);
        long max = Math.max(MIN_HEAP_BYTES, (need + 16 * MIB - 1) / (16 * MIB) * (16 * MIB));
        long cap = physicalBytes - plan.weightBytes() - RESERVE_BYTES;
        if (physicalBytes > 0 && max > cap) return new JvmHeap(need, Math.max(MIN_HEAP_BYTES, cap / MIB * MIB), true);
        return new JvmHeap(need, max, false);
    }

    /** The flags, e.g. {@code -Xmx1024m -Xmn32m -Xms64m}. */
    List<String> flags() {
        long young = MemoryPlan.YOUNG_BYTES / MIB;
        return List.of("-Xmx" + maxBytes / MIB + "m", "-Xmn" + young + "m", "-Xms" + Math.min(maxBytes / MIB, 2 * young) + "m");
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}

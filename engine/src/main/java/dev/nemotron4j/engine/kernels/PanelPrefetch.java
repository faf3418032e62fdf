package dev.nemotron4j.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Software prefetch of a weight panel into the core's L2 cache: one load per 64-byte line, nothing else.
 *
 * <p>Java has no prefetch instruction, and a heavy kernel streaming its own weights from memory keeps few misses in
 * flight: the reorder window fills with arithmetic waiting on the oldest load, so memory time and compute time add
 * up. A loop of bare loads keeps the window full of misses and reaches the memory bandwidth; the kernel then finds
 * the panel in L2 and runs at its in-cache speed. Measured on decode batches of 4 and more (docs/BENCHMARKS.md):
 * Q8_0 and Q4_0 products up to twice as fast, a bfloat16 model step at batch 8 8–12 % faster.
 */
final class PanelPrefetch {
    private PanelPrefetch() {}

    private static final int LINE = 64;

    /** Bytes per prefetched panel: well inside a 1 MiB L2 next to a tile of inputs (measured at 183–189 KB). */
    static final long PANEL_BYTES = 192 * 1024;

    /** Where the prefetched bytes' sum goes, so the loads stay (racy across threads, which does not matter). */
    private static long sink;

    /** Rows of {@code rowBytes} bytes per panel (at least 2, so row pairs fit). */
    static int rowsPerPanel(long rowBytes) {
        return (int) Math.max(2, PANEL_BYTES / rowBytes);
    }

    /** Reads {@code [from, to)} of {@code data} into this core's caches, one load per line ({@link #touch}). */
    static void prefetch(MemorySegment data, long from, long to) {
        sink += touch(data, from, to);
    }

    /**
     * Reads one byte of every cache line in {@code [from, to)} of {@code data}; returns their sum, which must be kept
     * (stored) so the loads are not removed as dead code.
     */
    static long touch(MemorySegment data, long from, long to) {
        long sum = 0;
        for (long o = from; o < to; o += LINE) sum += data.get(ValueLayout.JAVA_BYTE, o);
        return sum;
    }
}

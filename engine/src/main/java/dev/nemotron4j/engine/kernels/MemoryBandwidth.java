package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Measures the memory read bandwidth this process gets: the pool's threads sum a buffer much larger than
 * the caches with vector loads, best of several passes. The decode roofline is this figure divided by the
 * weight bytes one token reads.
 */
public final class MemoryBandwidth {
    private MemoryBandwidth() {}

    // A measurement of the memory, not a kernel: with scalar kernels it still reads with (128-bit) vector loads,
    // so the figure stays the machine's, not that of a scalar loop.
    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;

    /** Bytes per second read, best of {@code passes} passes over {@code bytes} bytes. */
    public static double measure(WorkerPool pool, long bytes, int passes) {
        long blockBytes = 1 << 20;
        long blocks = Math.max(1, bytes / blockBytes);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(blocks * blockBytes, 64);
            buf.fill((byte) 1); // touch every page so the pass reads memory, not the zero page
            double best = 0;
            float[] sink = new float[(int) blocks];
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                pool.parallelFor((int) blocks, 4, (s, e) -> {
                    for (int b = s; b < e; b++) sink[b] = sum(buf, b * blockBytes, blockBytes);
                });
                double secs = (System.nanoTime() - t0) / 1e9;
                best = Math.max(best, blocks * blockBytes / secs);
            }
            float keep = 0;
            for (float v : sink) keep += v;
            if (keep == 42) System.out.print(""); // keep the sums observable
            return best;
        }
    }

    private static float sum(MemorySegment seg, long off, long len) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        long step = F.vectorByteSize();
        for (long i = off; i < off + len; i += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, seg, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, seg, i + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, seg, i + 2 * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, seg, i + 3 * step, ByteOrder.LITTLE_ENDIAN));
        }
        return LaneSum.sum(a0.add(a1).add(a2.add(a3)));
    }
}

package dev.nemotron4j.engine.bench;

import dev.nemotron4j.engine.kernels.MatMul;
import dev.nemotron4j.engine.kernels.MemoryBandwidth;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.weights.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Matrix-vector and matrix-matrix throughput per weight type (a manual benchmark, not a test):
 * {@code java -cp ... dev.nemotron4j.engine.bench.KernelBench [threads] [batch] [TYPE,TYPE...]}
 * ({@code -Drows=N}, {@code -Dcols=N} (default 2688 for 32-element blocks, 2816 for 256-element super-blocks; a width
 * that is a multiple of 256, e.g. 4096, serves both), {@code -Dsecs=S}, {@code -Dwarmup=S}, {@code -Dbandwidth=true}
 * to print {@link MemoryBandwidth}'s figure first). Threads 0: everything on the calling thread, timed by its CPU time
 * as well as by the wall clock (the CPU time leaves out the time the thread waits for a core, so it stays useful on a
 * busy machine).
 */
public final class KernelBench {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String only = args.length > 2 ? args[2] : null;
        int rows = Integer.getInteger("rows", batch == 1 ? 32768 : 4096);
        Integer cols = Integer.getInteger("cols");
        Arena arena = switch (System.getProperty("arena", "shared")) {
            case "global" -> Arena.global();
            case "auto" -> Arena.ofAuto();
            default -> Arena.ofShared();
        };
        System.out.println("kernels: " + dev.nemotron4j.engine.kernels.VectorWidth.describe());
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        try (WorkerPool pool = threads > 0 ? new WorkerPool(threads) : null) {
            if (Boolean.getBoolean("bandwidth") && pool != null) {
                System.out.printf("memory bandwidth (MemoryBandwidth, 1 GiB, best of 5): %.1f GB/s%n", MemoryBandwidth.measure(pool, 1L << 30, 5) / 1e9);
            }
            for (DType t : new DType[] {DType.Q8_0, DType.Q4_0, DType.Q5_0, DType.Q5_1, DType.Q4_1, DType.IQ4_NL, DType.MXFP4, DType.NVFP4, DType.F16, DType.BF16, DType.F32,
                    DType.Q2_K, DType.Q3_K, DType.Q4_K, DType.Q5_K, DType.Q6_K, DType.IQ4_XS, DType.IQ2_XXS, DType.IQ2_XS, DType.IQ2_S, DType.IQ3_XXS,
                    DType.IQ3_S, DType.IQ1_S, DType.IQ1_M, DType.F8_E4M3, DType.U8}) { // U8: ModelOpt NVFP4 (codes + E4M3 scales per 16)
                if (only != null && java.util.Arrays.stream(only.split(",")).noneMatch(t.name()::equalsIgnoreCase)) continue;
                int c = cols != null ? cols : t.blockSize() == 256 ? 2816 : 2688;
                long bytes = t == DType.U8 ? (long) rows * c * 9 / 16 : t.byteSize((long) rows * c);
                MemorySegment seg = arena.allocate(bytes, 64);
                Random rnd = new Random(1);
                ValueLayout.OfShort le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN); // hoisted: one layout per loop, not per store (10x faster fill)
                for (long i = 0; i + 1 < bytes; i += 2) seg.set(le, i, (short) (0x2000 | rnd.nextInt(0x1000)));
                if (t == DType.F8_E4M3) {
                    // no subnormal codes (exponent 0): 1/16 of random bytes, 3e-5 of a quantized checkpoint's codes
                    // (bench-s FP8), and each costs a denormal assist in the kernel's exact decode (2-3x slower)
                    for (long i = 0; i < bytes; i++) {
                        byte b = seg.get(ValueLayout.JAVA_BYTE, i);
                        if ((b & 0x78) == 0) seg.set(ValueLayout.JAVA_BYTE, i, (byte) (b | 0x08));
                    }
                }
                WeightMatrix w = t == DType.U8
                        ? new dev.nemotron4j.engine.kernels.ModelOptNvfp4Matrix(seg.asSlice(0, (long) rows * c / 2), seg.asSlice((long) rows * c / 2), rows, c)
                        : WeightMatrix.of(t, seg, rows, c, "bench");
                float[] x = new float[batch * c], out = new float[batch * rows];
                for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat();
                // warm-up, not timed: the first calls run interpreted, where every vector operation allocates
                for (long w0 = System.nanoTime(); System.nanoTime() - w0 < Double.parseDouble(System.getProperty("warmup", "2")) * 1e9; ) {
                    MatMul.multiply(w, x, batch, out, pool);
                }
                int iters = 0;
                long t0 = System.nanoTime(), best = Long.MAX_VALUE, bestCpu = Long.MAX_VALUE;
                while (System.nanoTime() - t0 < Double.parseDouble(System.getProperty("secs", "4")) * 1e9) {
                    long c0 = cpu.getCurrentThreadCpuTime(), s = System.nanoTime();
                    MatMul.multiply(w, x, batch, out, pool);
                    best = Math.min(best, System.nanoTime() - s);
                    bestCpu = Math.min(bestCpu, cpu.getCurrentThreadCpuTime() - c0);
                    iters++;
                }
                System.out.printf("%-5s %dx%d batch %d: best %.2f ms, %.1f GB/s weights, %.1f GFLOP/s (%d iters)%s%n", t, rows, c, batch,
                        best / 1e6, bytes / (double) best, 2.0 * rows * c * batch / best, iters,
                        pool != null ? "" : String.format("; CPU time %.2f ms, %.1f GB/s", bestCpu / 1e6, bytes / (double) bestCpu));
            }
        }
    }
}

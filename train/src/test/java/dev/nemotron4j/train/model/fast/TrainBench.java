package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.engine.kernels.VectorWidth;
import dev.nemotron4j.engine.model.LayerType;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.layers.Param;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Training throughput of {@link FastTrainingModel} on a ~5 M-parameter Nemotron-H (a manual benchmark, not a test):
 * {@code java -cp ... dev.nemotron4j.train.model.fast.TrainBench [threads] [rowLength] [steps]}. Prints the machine's
 * measured float32 FMA peak (a Vector API loop of independent fused multiply-adds on every thread at once), then
 * tokens/s and achieved GFLOP/s of whole forward + backward passes over packed rows, and their share of the peak.
 *
 * <p>FLOPs counted: 2·m·n·k for every matrix product the passes run (forward, input gradient, weight gradient; the
 * routed experts for the rows routed to them; the causal attention products on the lower triangle only) plus the
 * scan's multiply-adds; element-wise work is not counted.
 */
public final class TrainBench {
    /** The benchmark model: hidden 256, vocab 4096, 8 layers MEMEM*EM, 8 experts (top 2) of width 128 + shared 256. */
    static final String CONFIG = """
            {"model_type": "nemotron_h", "hidden_size": 256, "vocab_size": 4096, "hybrid_override_pattern": "MEMEM*EM",
             "layer_norm_epsilon": 1e-5, "mamba_num_heads": 8, "mamba_head_dim": 32, "ssm_state_size": 32, "n_groups": 1,
             "conv_kernel": 4, "chunk_size": 128, "use_conv_bias": true, "use_bias": false,
             "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 32, "attention_bias": false,
             "n_routed_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 128,
             "moe_shared_expert_intermediate_size": 256, "n_shared_experts": 1, "n_group": 1, "topk_group": 1,
             "norm_topk_prob": true, "routed_scaling_factor": 2.5, "mlp_bias": false, "intermediate_size": 512,
             "tie_word_embeddings": false}
            """;

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int length = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.out.println("kernels: " + VectorWidth.describe() + ", threads " + threads + ", row length " + length);
        fmaPeak(threads, 1.0); // warm-up: the loop runs interpreted (every vector boxed) until the JIT compiles it
        double peak1 = fmaPeak(1, 2.0);
        double peak = fmaPeak(threads, 3.0);
        System.out.printf("FMA peak (Vector API, %d floats/vector): %.1f GFLOP/s on %d threads, %.1f on 1%n", VectorWidth.LANES, peak / 1e9, threads, peak1 / 1e9);

        if (!Boolean.getBoolean("skipProducts")) products(threads);

        ModelConfig c = ModelConfig.parse(CONFIG, "TrainBench");
        Map<String, Param> params = randomParams(c, 42);
        long count = params.values().stream().mapToLong(Param::size).sum();
        SplittableRandom rnd = new SplittableRandom(7);
        // packed rows of documents of 64..512 tokens, every position but a document's last in the loss
        PackedSequence[] rows = new PackedSequence[4];
        for (int r = 0; r < rows.length; r++) rows[r] = packed(rnd, c.vocabSize(), length);
        double flopsPerRow = flops(c, rows[0]);
        try (FastTrainingModel model = FastTrainingModel.create(c, params, threads)) {
            for (int i = 0; i < 3; i++) model.accumulate(rows[i % rows.length], 1.0 / length); // warm-up: JIT
            long tokens = 0;
            double flops = 0;
            long best = Long.MAX_VALUE;
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                PackedSequence row = rows[s % rows.length];
                long s0 = System.nanoTime();
                model.accumulate(row, 1.0 / length);
                best = Math.min(best, System.nanoTime() - s0);
                tokens += row.tokens().length;
                flops += flops(c, row);
            }
            double secs = (System.nanoTime() - t0) / 1e9, cpuSecs = (os.getProcessCpuTime() - cpu0) / 1e9;
            System.out.printf("model: %,d parameters (%s), %d rows of %d tokens%n", count, c.pattern(), steps, length);
            System.out.printf("training: %.0f tokens/s, %.2f GFLOP/s (%.1f %% of the measured peak); best row %.1f ms = %.2f GFLOP/s (%.1f %%); %.2f GFLOP per row%n",
                    tokens / secs, flops / secs / 1e9, 100 * flops / secs / peak, best / 1e6, flopsPerRow / (best / 1e9) / 1e9,
                    100 * flopsPerRow / (best / 1e9) / peak, flopsPerRow / 1e9);
            System.out.printf("per CPU-second of the process (all its threads, spin-waits included): %.2f GFLOP/CPU-s = %.1f %% of one thread's peak%n",
                    flops / cpuSecs / 1e9, 100 * flops / cpuSecs / peak1);
        }
        System.out.printf("load average at the end: %.2f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * GFLOP/s of single products at the benchmark model's shapes (row length 512, hidden 256): a forward
     * {@code X·Wᵀ} (A rows contiguous) and a weight gradient {@code dYᵀ·X} (A read transposed).
     */
    static void products(int threads) {
        try (var pool = new dev.nemotron4j.engine.kernels.WorkerPool(threads)) {
            FloatGemm gemm = new FloatGemm(pool);
            int t = 512, in = 256, out = 584;
            float[] x = new float[t * in], w = new float[in * out], y = new float[t * out], gw = new float[out * in];
            SplittableRandom rnd = new SplittableRandom(3);
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble();
            for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextDouble();
            for (int i = 0; i < y.length; i++) y[i] = (float) rnd.nextDouble();
            for (String kind : new String[] {"forward X·Wt", "weight grad dYt·X"}) {
                boolean fwd = kind.startsWith("forward");
                Runnable r = fwd ? () -> gemm.multiply(t, out, in, x, 0, in, 1, w, 0, out, y, 0, out, false)
                        : () -> gemm.multiply(out, in, t, y, 0, 1, out, x, 0, in, gw, 0, in, true);
                for (long w0 = System.nanoTime(); System.nanoTime() - w0 < 1e9; ) r.run();
                long best = Long.MAX_VALUE;
                for (int i = 0; i < 50; i++) {
                    long s0 = System.nanoTime();
                    r.run();
                    best = Math.min(best, System.nanoTime() - s0);
                }
                System.out.printf("product %s %dx%dx%d: best %.3f ms = %.1f GFLOP/s%n", kind, fwd ? t : out, fwd ? out : in, fwd ? in : t,
                        best / 1e6, 2.0 * t * in * out / best);
            }
        }
    }

    /** Documents of random lengths packed into one row; the mask covers every position but a document's last. */
    static PackedSequence packed(SplittableRandom rnd, int vocab, int length) {
        int[] tokens = rnd.ints(length, 0, vocab).toArray();
        boolean[] mask = new boolean[length];
        int[] starts = new int[length];
        int docs = 0;
        for (int at = 0; at < length; ) {
            starts[docs++] = at;
            int len = Math.min(length - at, 64 + rnd.nextInt(449));
            for (int t = at; t < at + len - 1; t++) mask[t] = true;
            at += len;
        }
        return new PackedSequence(tokens, mask, Arrays.copyOf(starts, docs));
    }

    /** The FLOPs of one forward + backward over {@code row} (see the class comment for what is counted). */
    static double flops(ModelConfig c, PackedSequence row) {
        long t = row.tokens().length, h = c.hiddenSize();
        long masked = 0;
        for (boolean b : row.targetMask()) if (b) masked++;
        double matmul = 0; // multiply-adds of the forward; ×3 for forward + both gradients
        int[] starts = row.segmentStarts();
        double causalPairs = 0;
        for (int s = 0; s < starts.length; s++) {
            long len = (s + 1 < starts.length ? starts[s + 1] : t) - starts[s];
            causalPairs += len * (len + 1) / 2.0;
        }
        double scan = 0;
        for (LayerType type : c.layers()) {
            switch (type) {
                case MAMBA -> {
                    matmul += (double) t * h * c.inProjDim() + (double) t * c.mambaInner() * h;
                    // forward: state update + output, 2 multiply-adds per state element; backward about 5
                    scan += 7.0 * t * c.mambaInner() * c.ssmStateSize();
                }
                case ATTENTION -> {
                    long q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
                    matmul += (double) t * h * (2 * q + 2 * kv);
                    matmul += 2.0 * causalPairs * c.numAttentionHeads() * c.headDim(); // Q·Kᵀ and P·V
                }
                case MOE -> {
                    matmul += (double) t * h * c.nRoutedExperts();
                    matmul += 2.0 * t * c.numExpertsPerTok() * h * c.moeIntermediateSize();
                    if (c.nSharedExperts() > 0) matmul += 2.0 * t * h * c.moeSharedExpertIntermediateSize();
                }
                case MLP -> matmul += 2.0 * t * h * c.intermediateSize();
            }
        }
        matmul += (double) masked * h * c.vocabSize(); // LM head
        return 2 * (3 * matmul + scan);
    }

    /** Parameters named as in a checkpoint, N(0, 0.02²) matrices, ones for norms, Mamba's usual A_log/dt_bias/D. */
    static Map<String, Param> randomParams(ModelConfig c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Param> ps = new LinkedHashMap<>();
        int h = c.hiddenSize();
        put(ps, rnd, "backbone.embeddings.weight", 1.0, c.vocabSize(), h);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "backbone.layers." + i + ".", m = p + "mixer.";
            ones(ps, p + "norm.weight", h);
            switch (c.layer(i)) {
                case MAMBA -> {
                    put(ps, rnd, m + "in_proj.weight", 0.02, c.inProjDim(), h);
                    put(ps, rnd, m + "conv1d.weight", 0.2, c.convDim(), 1, c.convKernel());
                    put(ps, rnd, m + "conv1d.bias", 0.02, c.convDim());
                    Param dtBias = put(ps, rnd, m + "dt_bias", 0, c.mambaNumHeads());
                    Param aLog = put(ps, rnd, m + "A_log", 0, c.mambaNumHeads());
                    for (int k = 0; k < c.mambaNumHeads(); k++) {
                        double dt = Math.exp(Math.log(1e-3) + rnd.nextDouble() * (Math.log(0.1) - Math.log(1e-3)));
                        dtBias.value()[k] = dt + Math.log(-Math.expm1(-dt));
                        aLog.value()[k] = Math.log(1 + rnd.nextDouble() * 15);
                    }
                    ones(ps, m + "D", c.mambaNumHeads());
                    ones(ps, m + "norm.weight", c.mambaInner());
                    put(ps, rnd, m + "out_proj.weight", 0.02, h, c.mambaInner());
                }
                case ATTENTION -> {
                    put(ps, rnd, m + "q_proj.weight", 0.02, c.numAttentionHeads() * c.headDim(), h);
                    put(ps, rnd, m + "k_proj.weight", 0.02, c.numKeyValueHeads() * c.headDim(), h);
                    put(ps, rnd, m + "v_proj.weight", 0.02, c.numKeyValueHeads() * c.headDim(), h);
                    put(ps, rnd, m + "o_proj.weight", 0.02, h, c.numAttentionHeads() * c.headDim());
                }
                case MOE -> {
                    put(ps, rnd, m + "gate.weight", 0.02, c.nRoutedExperts(), h);
                    ps.put(m + "gate.e_score_correction_bias", new Param(m + "gate.e_score_correction_bias",
                            new long[] {c.nRoutedExperts()}, new double[c.nRoutedExperts()], false));
                    for (int e = 0; e < c.nRoutedExperts(); e++) {
                        put(ps, rnd, m + "experts." + e + ".up_proj.weight", 0.02, c.moeIntermediateSize(), h);
                        put(ps, rnd, m + "experts." + e + ".down_proj.weight", 0.02, h, c.moeIntermediateSize());
                    }
                    put(ps, rnd, m + "shared_experts.up_proj.weight", 0.02, c.moeSharedExpertIntermediateSize(), h);
                    put(ps, rnd, m + "shared_experts.down_proj.weight", 0.02, h, c.moeSharedExpertIntermediateSize());
                }
                case MLP -> {
                    put(ps, rnd, m + "up_proj.weight", 0.02, c.intermediateSize(), h);
                    put(ps, rnd, m + "down_proj.weight", 0.02, h, c.intermediateSize());
                }
            }
        }
        ones(ps, "backbone.norm_f.weight", h);
        put(ps, rnd, "lm_head.weight", 0.02, c.vocabSize(), h);
        return ps;
    }

    private static Param put(Map<String, Param> ps, SplittableRandom rnd, String name, double std, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            double u1 = rnd.nextDouble(), u2 = rnd.nextDouble();
            v[i] = std * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        }
        Param p = new Param(name, shape, v, true);
        ps.put(name, p);
        return p;
    }

    private static void ones(Map<String, Param> ps, String name, int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0);
        ps.put(name, new Param(name, new long[] {n}, v, true));
    }

    /**
     * Float32 FMA throughput of {@code threads} threads at once, in FLOP/s (2 per lane per FMA): each thread runs
     * independent chains of vector FMAs in windows of about 20 ms for {@code seconds}; per thread the best window
     * counts (on a loaded machine a window where the thread had its core shows what the core can do), summed over
     * the threads.
     */
    static double fmaPeak(int threads, double seconds) throws InterruptedException {
        double[] best = new double[threads];
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts[i] = Thread.ofPlatform().start(() -> {
                float sink = 0;
                for (long end = System.nanoTime() + (long) (seconds * 1e9); System.nanoTime() < end; ) {
                    long t0 = System.nanoTime(), n = 0;
                    while (System.nanoTime() - t0 < 20_000_000) {
                        sink += FmaLoop.run(4096);
                        n += 4096;
                    }
                    best[id] = Math.max(best[id], n * FmaLoop.FLOPS_PER_ITERATION / ((System.nanoTime() - t0) / 1e9));
                }
                if (sink == 42) System.out.print("");
            });
        }
        for (Thread t : ts) t.join();
        return Arrays.stream(best).sum();
    }

    /**
     * 8 independent chains of vector FMAs (enough to cover the FMA latency at one or two FMAs per cycle; more chains
     * made the loop too big for the JIT to inline every {@code fma}, and the rest ran as slow library calls).
     */
    static final class FmaLoop {
        static final VectorSpecies<Float> F = VectorWidth.FLOAT;
        static final double FLOPS_PER_ITERATION = 8.0 * 2 * F.length();

        static float run(int iterations) {
            FloatVector a = FloatVector.broadcast(F, 0.999f), b = FloatVector.broadcast(F, 1e-3f);
            FloatVector s0 = FloatVector.broadcast(F, 1f), s1 = s0.add(1), s2 = s0.add(2), s3 = s0.add(3);
            FloatVector s4 = s0.add(4), s5 = s0.add(5), s6 = s0.add(6), s7 = s0.add(7);
            for (int i = 0; i < iterations; i++) {
                s0 = s0.fma(a, b);
                s1 = s1.fma(a, b);
                s2 = s2.fma(a, b);
                s3 = s3.fma(a, b);
                s4 = s4.fma(a, b);
                s5 = s5.fma(a, b);
                s6 = s6.fma(a, b);
                s7 = s7.fma(a, b);
            }
            return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).lane(0);
        }
    }
}

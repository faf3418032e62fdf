package dev.nemotron4j.engine.bench;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.SequenceState;

import java.nio.file.Path;

/**
 * Cost of one batched decode step of the engine alone (no sampling, no server), per batch size — the upper
 * bound of what continuous batching can give (a manual benchmark, not a test):
 * {@code java -cp ... dev.nemotron4j.engine.bench.DecodeBatchBench MODEL [batches=1,2,4,8] [steps=30] [warmup=60]}.
 *
 * <p>Each batch size gets its own warm-up, long enough for the JIT to finish the batched kernels (a short one
 * measures interpreted vector code).
 */
public final class DecodeBatchBench {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DecodeBatchBench MODEL [batches=1,2,4,8] [steps=30] [warmup=60]");
            System.exit(2);
        }
        NemotronHModel model = ModelSource.of(Path.of(args[0])).load();
        String[] batches = (args.length > 1 ? args[1] : "1,2,4,8").split(",");
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        System.out.println("| batch | ms per step | tokens/s | vs. batch 1 |");
        System.out.println("|---|---|---|---|");
        double single = 0;
        for (String b : batches) {
            int n = Integer.parseInt(b.trim());
            SequenceState[] states = new SequenceState[n];
            int[] tokens = new int[n];
            for (int i = 0; i < n; i++) {
                states[i] = model.newState();
                model.forwardLast(states[i], new int[] {1, 2, 3, 4});
                tokens[i] = 5 + i;
            }
            float[] logits = new float[n * model.vocabSize()];
            for (int i = 0; i < warmup; i++) model.decodeBatch(states, tokens, logits);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) model.decodeBatch(states, tokens, logits);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = n * steps / seconds;
            if (n == 1 || single == 0) single = rate / n;
            System.out.printf("| %d | %.1f | %.1f | %.2fx |%n", n, 1000 * seconds / steps, rate, rate / single);
        }
        System.exit(0);
    }
}

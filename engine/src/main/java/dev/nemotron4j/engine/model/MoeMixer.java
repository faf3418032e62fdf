package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.kernels.WorkerPool;

/**
 * Sparse mixture of squared-ReLU experts plus a shared expert (ARCHITECTURE.md §7). Tokens of the whole
 * batch are grouped by expert, so each chosen expert's weights are read once per step however many tokens
 * chose it. Routed outputs are accumulated in float32 and the shared expert is added with weight 1.
 */
public final class MoeMixer implements Mixer {
    private final int layer, hidden;
    private final ExpertRouter router;
    private final SquaredReluMlp[] experts;
    private final SquaredReluMlp shared; // may be null (n_shared_experts = 0)
    private final WorkerPool pool;

    private float[] scores = new float[0], weights = new float[0], gathered = new float[0], hiddenBuf = new float[0], expertOut = new float[0];
    private int[] chosen = new int[0], rowsOfExpert = new int[0], countOfExpert;
    private final int[] startOf, fill;
    private float[] weightOfRow = new float[0];

    /** An MoE layer: router, routed experts and optional shared expert (built by the model loader). */
    public MoeMixer(int layer, ModelConfig c, ExpertRouter router, SquaredReluMlp[] experts, SquaredReluMlp shared, WorkerPool pool) {
        this.layer = layer;
        this.hidden = c.hiddenSize();
        this.router = router;
        this.experts = experts;
        this.shared = shared;
        this.pool = pool;
        this.countOfExpert = new int[experts.length];
        this.startOf = new int[experts.length + 1];
        this.fill = new int[experts.length + 1];
    }

    @Override
    public void forward(BatchLayout batch, float[] in, float[] out, ForwardObserver obs) {
        int rows = batch.rows();
        int k = router.topK(), e = router.experts();
        ensure(rows);
        router.route(in, rows, scores, chosen, weights);
        if (obs != null) {
            obs.tensor("trace.layer" + layer + ".router_scores", scores, 0, rows, e);
            obs.tensor("trace.layer" + layer + ".topk_weight", weights, 0, rows, k);
            int[] routes = chosen.clone();
            float[] asFloat = new float[rows * k];
            for (int i = 0; i < rows * k; i++) asFloat[i] = routes[i];
            obs.tensor("trace.layer" + layer + ".topk_experts", asFloat, 0, rows, k);
        }

        // Shared expert first (weight 1), then add each routed expert's weighted output.
        if (shared != null) shared.forward(in, rows, hiddenBuf, out, pool);
        else java.util.Arrays.fill(out, 0, rows * hidden, 0f);

        // Bucket (row, weight) pairs by expert.
        java.util.Arrays.fill(countOfExpert, 0);
        for (int i = 0; i < rows * k; i++) countOfExpert[chosen[i]]++;
        for (int x = 0; x < e; x++) startOf[x + 1] = startOf[x] + countOfExpert[x];
        System.arraycopy(startOf, 0, fill, 0, e + 1);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                int x = chosen[r * k + j];
                rowsOfExpert[fill[x]] = r;
                weightOfRow[fill[x]] = weights[r * k + j];
                fill[x]++;
            }
        }
        for (int x = 0; x < e; x++) {
            int n = countOfExpert[x];
            if (n == 0) continue;
            for (int i = 0; i < n; i++) System.arraycopy(in, rowsOfExpert[startOf[x] + i] * hidden, gathered, i * hidden, hidden);
            experts[x].forward(gathered, n, hiddenBuf, expertOut, pool);
            for (int i = 0; i < n; i++) {
                int r = rowsOfExpert[startOf[x] + i];
                float w = weightOfRow[startOf[x] + i];
                int ob = r * hidden, eb = i * hidden;
                for (int j = 0; j < hidden; j++) out[ob + j] += w * expertOut[eb + j];
            }
        }
    }

    private void ensure(int rows) {
        int k = router.topK(), e = router.experts();
        if (scores.length < rows * e) scores = new float[rows * e];
        if (weights.length < rows * k) {
            weights = new float[rows * k];
            chosen = new int[rows * k];
            rowsOfExpert = new int[rows * k];
            weightOfRow = new float[rows * k];
        }
        gathered = Scratch.floats(Scratch.MOE_GATHERED, rows * hidden);
        expertOut = Scratch.floats(Scratch.MOE_EXPERT_OUT, rows * hidden);
        int width = shared == null ? 0 : shared.width();
        for (SquaredReluMlp m : experts) width = Math.max(width, m.width());
        hiddenBuf = Scratch.floats(Scratch.MOE_HIDDEN, rows * width);
    }

    @Override
    public long parameterCount() {
        long p = router.parameterCount() + (shared == null ? 0 : shared.parameterCount());
        for (SquaredReluMlp m : experts) p += m.parameterCount();
        return p;
    }

    @Override
    public long activeParameterCount() {
        return router.parameterCount() + (shared == null ? 0 : shared.parameterCount())
                + (long) router.topK() * experts[0].parameterCount();
    }

    @Override
    public long activeWeightBytes() {
        return router.byteSize() + (shared == null ? 0 : shared.byteSize()) + (long) router.topK() * experts[0].byteSize();
    }
}

package dev.nemotron4j.train.rl;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainingModel;
import dev.nemotron4j.train.optim.AdamW;
import dev.nemotron4j.train.optim.GradientClipping;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * RLVR with GRPO. One {@link #step()}:
 * <ol>
 *   <li>the curriculum picks the prompts ({@link PassRateCurriculum}, over the mixture of all environments);</li>
 *   <li>the trainer's current parameters become an engine model ({@link PolicySnapshot}) that samples G completions
 *       per prompt through the batch scheduler ({@link RolloutSampler}); the verifiers and the format check give
 *       each its reward ({@link Rewards});</li>
 *   <li>advantages are normalised within each group ({@link GroupAdvantages}); completions whose trainer/sampler
 *       probability ratio leaves [1/cap, cap] are dropped ({@link ImportanceFilter});</li>
 *   <li>{@code updatesPerBatch} AdamW updates on the batch, each minimising
 *       <pre>
 *   L(θ) = −(1/N) Σᵢ Σₜ mᵢₜ · Aᵢ · log π_θ(yᵢₜ | x, yᵢ,&lt;ₜ)
 *       </pre>
 *       over the kept completions i and their tokens t (the end-of-turn token included), where N is the number of
 *       completion tokens sampled in the step (dropped and zero-advantage completions included: a token-level mean,
 *       not a per-sequence one, so long completions weigh by their length) and mᵢₜ is the clip mask
 *       ({@link ClipMask}: 0 when the ratio rᵢₜ = π_θ/π_old left [1−ε, 1+ε] in the direction of Aᵢ, π_old the
 *       engine model that sampled, both from engine logits). Its gradient is the clipped surrogate
 *       −(1/N) ΣΣ min(r·A, clip(r)·A)'s with the ratio factor r taken as 1 — exact on the first update of a batch,
 *       where r ≡ 1 and nothing is clipped (with one update per batch, the default, GRPO is exactly on-policy
 *       REINFORCE with group baselines). No KL term. The router is frozen: its gradient is zeroed and AdamW never
 *       updates it, so expert loads stay as SFT left them.</li>
 * </ol>
 * Deterministic: the same model, config, tasks and thread count give byte-identical parameters.
 */
public final class GrpoTrainer {
    private final TrainingModel model;
    private final RolloutSampler sampler;
    private final PassRateCurriculum curriculum;
    private final GrpoConfig config;
    private final WorkerPool pool;
    private final Rewards rewards;
    private final AdamW adam;
    private final List<Param> routers = new ArrayList<>();
    private long step;

    public GrpoTrainer(TrainingModel model, Tokenizer tokenizer, TaskStream tasks, GrpoConfig config, WorkerPool pool) {
        this.model = model;
        this.sampler = new RolloutSampler(tokenizer);
        this.curriculum = new PassRateCurriculum(tasks, config.freshFraction(), config.maxVisits());
        this.config = config;
        this.pool = pool;
        this.rewards = new Rewards(config.formatRewardWeight());
        Set<String> frozen = new LinkedHashSet<>();
        for (Param p : model.params().values()) {
            if (isRouter(p.name())) {
                frozen.add(p.name());
                routers.add(p);
            }
        }
        this.adam = new AdamW(config.adam(), model.params().values(), frozen);
    }

    /** Whether a checkpoint name is an MoE router's weight ({@code …mixer.gate.weight}). */
    static boolean isRouter(String name) {
        return name.endsWith(".mixer.gate.weight");
    }

    public GrpoConfig config() {
        return config;
    }

    /** The optimizer (its moments and step count, for checkpoints). */
    public AdamW optimizer() {
        return adam;
    }

    public PassRateCurriculum curriculum() {
        return curriculum;
    }

    /** Steps taken. */
    public long steps() {
        return step;
    }

    /**
     * Continues a run from a checkpoint: the step count (sampling seeds derive from it) and the curriculum's state.
     * The parameters and the optimizer's moments and update count are restored by the caller through
     * {@link TrainingModel#params()} and {@link #optimizer()}.
     */
    public void restore(long steps, PassRateCurriculum.State curriculumState) {
        if (steps < 0) throw new IllegalArgumentException("negative step count " + steps);
        this.step = steps;
        curriculum.restore(curriculumState);
    }

    /** The rollout sampler (prompt rendering and sampling), e.g. to evaluate the current policy the same way. */
    public RolloutSampler sampler() {
        return sampler;
    }

    /** One GRPO step: prompts, rollouts, rewards, updates. */
    public GrpoStepMetrics step() {
        List<RlTask> tasks = curriculum.next(config.promptsPerStep());
        List<List<Rollout>> groups;
        try (NemotronHModel policy = PolicySnapshot.of(model, pool)) {
            groups = sampler.sample(policy, tasks, config, step, rewards);
        }
        for (List<Rollout> g : groups) curriculum.record(g.getFirst().task(), passRate(g));
        return update(groups);
    }

    /**
     * The updates of one batch of sampled groups (the parameters must still be the ones that sampled them).
     */
    public GrpoStepMetrics update(List<List<Rollout>> groups) {
        Batch batch = prepare(groups);
        double[][] sampling = null;
        if (config.updatesPerBatch() > 1) {
            try (NemotronHModel old = PolicySnapshot.of(model, pool)) {
                sampling = perToken(old, batch);
            }
        }
        long clipped = 0;
        double norm = 0;
        for (int u = 0; u < config.updatesPerBatch(); u++) {
            boolean[][] masks = null;
            if (u > 0) {
                try (NemotronHModel current = PolicySnapshot.of(model, pool)) {
                    double[][] now = perToken(current, batch);
                    masks = new boolean[now.length][];
                    for (int i = 0; i < now.length; i++) {
                        masks[i] = ClipMask.of(now[i], sampling[i], batch.advantages[i], config.clipEpsilon());
                        for (boolean k : masks[i]) if (!k) clipped++;
                    }
                }
            }
            for (Param p : model.params().values()) p.zeroGrad();
            accumulate(batch, masks);
            norm = GradientClipping.clip(model.params().values(), config.maxGradNorm());
            adam.step(config.learningRate());
            model.parametersChanged();
        }
        return metrics(groups, batch, clipped, norm);
    }

    /** The completions that train, with their advantages. */
    record Batch(List<Rollout> kept, double[] advantages, long completionTokens, int zeroVarianceGroups, int dropped) {}

    Batch prepare(List<List<Rollout>> groups) {
        List<Rollout> kept = new ArrayList<>();
        List<Double> adv = new ArrayList<>();
        long tokens = 0;
        int zero = 0, dropped = 0;
        for (List<Rollout> g : groups) {
            double[] r = new double[g.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = g.get(i).reward();
                tokens += g.get(i).completion().length;
            }
            if (GroupAdvantages.zeroVariance(r)) {
                zero++;
                continue;
            }
            double[] a = GroupAdvantages.of(r, config.advantageEpsilon());
            for (int i = 0; i < r.length; i++) {
                if (a[i] == 0) continue;
                Rollout x = g.get(i);
                if (!ImportanceFilter.keeps(TrainerLogProbs.sequence(model, x), x.samplerLogProb(), config.importanceCap())) {
                    dropped++;
                    continue;
                }
                kept.add(x);
                adv.add(a[i]);
            }
        }
        double[] advantages = new double[adv.size()];
        for (int i = 0; i < advantages.length; i++) advantages[i] = adv.get(i);
        return new Batch(List.copyOf(kept), advantages, tokens, zero, dropped);
    }

    /**
     * Adds the gradient of the batch's loss (masks: per kept completion, the tokens that still contribute; null: all)
     * and zeroes the routers' gradients.
     */
    void accumulate(Batch batch, boolean[][] masks) {
        for (int i = 0; i < batch.kept.size(); i++) {
            Rollout r = batch.kept.get(i);
            model.accumulate(r.sequence(masks == null ? null : masks[i]), batch.advantages[i] / batch.completionTokens);
        }
        for (Param p : routers) p.zeroGrad();
    }

    private static double[][] perToken(NemotronHModel engine, Batch batch) {
        double[][] out = new double[batch.kept.size()][];
        for (int i = 0; i < out.length; i++) out[i] = TrainerLogProbs.perToken(engine, batch.kept.get(i));
        return out;
    }

    private static double passRate(List<Rollout> group) {
        int correct = 0;
        for (Rollout r : group) if (r.judgement().correct()) correct++;
        return (double) correct / group.size();
    }

    private GrpoStepMetrics metrics(List<List<Rollout>> groups, Batch batch, long clipped, double norm) {
        int n = 0, correct = 0;
        double reward = 0;
        Map<String, int[]> byEnv = new TreeMap<>();
        for (List<Rollout> g : groups) {
            for (Rollout r : g) {
                n++;
                reward += r.reward();
                int[] c = byEnv.computeIfAbsent(r.task().environment(), k -> new int[2]);
                c[1]++;
                if (r.judgement().correct()) {
                    correct++;
                    c[0]++;
                }
            }
        }
        Map<String, Double> rates = new TreeMap<>();
        byEnv.forEach((k, c) -> rates.put(k, (double) c[0] / c[1]));
        return new GrpoStepMetrics(step++, groups.size(), n, n == 0 ? 0 : reward / n, n == 0 ? 0 : (double) correct / n,
                rates, batch.zeroVarianceGroups, batch.dropped, clipped, batch.completionTokens, norm, curriculum.poolSize());
    }
}

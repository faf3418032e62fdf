package dev.nemotron4j.train.rl;

import dev.nemotron4j.engine.generation.FinishReason;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.Fixtures;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.ReferenceTrainingModel;
import dev.nemotron4j.train.model.fast.FastTrainingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * GRPO on the tiny-a checkpoint (its 512-token BPE tokenizer has the chat template's special tokens): rollouts
 * through the batch scheduler judged by real verifiers, the direction of one policy-gradient step, the
 * importance-ratio drop, the clip mask over two updates, the frozen router, and byte-identical runs.
 */
class GrpoTrainerTest {
    static WorkerPool pool;
    static Tokenizer tokenizer;

    @BeforeAll
    static void setUp() throws IOException {
        pool = new WorkerPool(1);
        tokenizer = Tokenizer.load(Fixtures.dir("tiny-a").resolve("tokenizer.json"));
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    static ReferenceTrainingModel model() {
        return ReferenceTrainingModel.load(Fixtures.dir("tiny-a"));
    }

    static GrpoConfig config(long seed) {
        return GrpoConfig.defaults(seed).withGroup(2, 4, 8).withOptimizer(1e-3, 1);
    }

    static int[] ids(String text, boolean end) {
        int[] t = tokenizer.encode(text, false);
        if (!end) return t;
        int[] out = Arrays.copyOf(t, t.length + 1);
        out[t.length] = tokenizer.tokenToId("<|im_end|>").getAsInt();
        return out;
    }

    /** A rollout of {@code text} for {@code task}, with the engine's per-token log-probs as the sampler's. */
    static Rollout rollout(ReferenceTrainingModel m, RlTask task, String text, Rewards rewards) {
        RolloutSampler sampler = new RolloutSampler(tokenizer);
        int[] prompt = sampler.promptTokens(task);
        int[] completion = ids(text, true);
        Rollout draft = new Rollout(task, prompt, completion, new double[completion.length], text, task.judge(text), 0, FinishReason.STOP);
        double[] lp;
        try (NemotronHModel engine = PolicySnapshot.of(m, pool)) {
            lp = TrainerLogProbs.perToken(engine, draft);
        }
        RlTask.Judgement j = task.judge(text);
        return new Rollout(task, prompt, completion, lp, text, j, rewards.reward(j, text, false), FinishReason.STOP);
    }

    static Rollout withSamplerShift(Rollout r, double perToken) {
        double[] lp = r.samplerLogProbs().clone();
        for (int i = 0; i < lp.length; i++) lp[i] += perToken;
        return new Rollout(r.task(), r.prompt(), r.completion(), lp, r.text(), r.judgement(), r.reward(), r.finish());
    }

    static Map<String, double[]> values(ReferenceTrainingModel m) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Param p : m.params().values()) out.put(p.name(), p.value().clone());
        return out;
    }

    @Test
    void rolloutsComeFromTheSchedulerAndAreJudgedByTheVerifier() {
        ReferenceTrainingModel m = model();
        GrpoConfig c = config(7).withGroup(2, 4, 12);
        Rewards rewards = new Rewards(c.formatRewardWeight());
        RolloutSampler sampler = new RolloutSampler(tokenizer);
        List<RlTask> tasks = List.of(TestTasks.Sum.of(1, false), new TestTasks.EvenLength(2));
        List<List<Rollout>> groups;
        try (NemotronHModel engine = PolicySnapshot.of(m, pool)) {
            groups = sampler.sample(engine, tasks, c, 0, rewards);
            assertThat(groups).hasSize(2);
            int end = tokenizer.tokenToId("<|im_end|>").getAsInt();
            for (int i = 0; i < 2; i++) {
                assertThat(groups.get(i)).hasSize(4);
                for (Rollout r : groups.get(i)) {
                    assertThat(r.task()).isSameAs(tasks.get(i));
                    assertThat(r.prompt()).isEqualTo(sampler.promptTokens(tasks.get(i)));
                    assertThat(r.completion().length).isBetween(1, 12);
                    boolean stopped = r.completion()[r.completion().length - 1] == end;
                    assertThat(r.finish()).isEqualTo(stopped ? FinishReason.STOP : FinishReason.LENGTH);
                    int textEnd = r.completion().length - (stopped ? 1 : 0);
                    assertThat(r.text()).isEqualTo(tokenizer.decode(Arrays.copyOf(r.completion(), textEnd), false));
                    RlTask.Judgement j = r.task().judge(r.text());
                    assertThat(r.judgement()).isEqualTo(j);
                    assertThat(r.reward()).isEqualTo(rewards.reward(j, r.text(), false));
                    // the sampler's log-probs are the engine's (decode path vs prefill path: same numbers to float rounding)
                    assertThat(r.samplerLogProbs()).containsExactly(TrainerLogProbs.perToken(engine, r), within(2e-4));
                    // and the double trainer agrees with the float32 sampler: the importance ratio is ~1
                    assertThat(TrainerLogProbs.sequence(m, r)).isCloseTo(r.samplerLogProb(), within(1e-3));
                }
            }
            // seeded: the same call gives the same completions
            List<List<Rollout>> again = sampler.sample(engine, tasks, c, 0, rewards);
            for (int i = 0; i < 2; i++) for (int j = 0; j < 4; j++) {
                assertThat(again.get(i).get(j).completion()).isEqualTo(groups.get(i).get(j).completion());
            }
        }
        // the real verifier's verdicts on known answers
        TestTasks.Sum sum = TestTasks.Sum.of(1, false);
        String right = "The answer is " + (sum.a() + sum.b()) + ".";
        assertThat(rewards.reward(sum.judge(right), right, false)).isEqualTo(1.1);
        assertThat(rewards.reward(sum.judge("The answer is -1."), "The answer is -1.", false)).isEqualTo(0.1);
        assertThat(rewards.reward(sum.judge("no idea"), "no idea", false)).isEqualTo(0.0);
    }

    @Test
    void onePolicyGradientStepRaisesTheRewardedCompletionAndLowersThePenalisedOne() {
        ReferenceTrainingModel m = model();
        TestTasks.Sum task = TestTasks.Sum.of(3, false);
        Rewards rewards = new Rewards(0.1);
        Rollout good = rollout(m, task, "The answer is " + (task.a() + task.b()) + ".", rewards);
        Rollout bad = rollout(m, task, "The answer is " + (task.a() + task.b() + 1) + ".", rewards);
        assertThat(good.reward()).isEqualTo(1.1);
        assertThat(bad.reward()).isEqualTo(0.1);
        double goodBefore = TrainerLogProbs.sequence(m, good), badBefore = TrainerLogProbs.sequence(m, bad);

        GrpoTrainer trainer = new GrpoTrainer(m, tokenizer, TestTasks.MIXTURE, config(1).withOptimizer(1e-3, 1), pool);
        GrpoStepMetrics metrics = trainer.update(List.of(List.of(good, bad)));

        double goodAfter = TrainerLogProbs.sequence(m, good), badAfter = TrainerLogProbs.sequence(m, bad);
        assertThat(goodAfter).isGreaterThan(goodBefore + 0.01);
        assertThat(badAfter).isLessThan(badBefore - 0.01);
        assertThat(metrics.completionTokens()).isEqualTo(good.completion().length + bad.completion().length);
        assertThat(metrics.importanceDropped()).isZero();
        assertThat(metrics.zeroVarianceGroups()).isZero();
        assertThat(metrics.meanReward()).isCloseTo(0.6, within(1e-12));
    }

    @Test
    void gradientIsAdvantageOverBatchTokensTimesTheLogProbGradientAndTheRouterStaysFrozen() {
        ReferenceTrainingModel m = model();
        TestTasks.Sum task = TestTasks.Sum.of(4, false);
        Rewards rewards = new Rewards(0.1);
        Rollout good = rollout(m, task, "The answer is " + (task.a() + task.b()) + ".", rewards);
        Rollout bad = rollout(m, task, "The answer is 0.", rewards);
        Rollout worse = rollout(m, task, "no", rewards);
        // the sampler saw "bad" as e^(0.2 × tokens) times likelier than the trainer does: dropped by a cap of 2
        Rollout skewed = withSamplerShift(bad, 0.2);
        GrpoTrainer trainer = new GrpoTrainer(m, tokenizer, TestTasks.MIXTURE, config(1), pool);
        GrpoTrainer.Batch batch = trainer.prepare(List.of(List.of(good, skewed, worse)));
        assertThat(batch.dropped()).isEqualTo(1);
        assertThat(batch.kept()).containsExactly(good, worse);
        long n = good.completion().length + bad.completion().length + worse.completion().length;
        assertThat(batch.completionTokens()).isEqualTo(n);
        double[] a = GroupAdvantages.of(new double[] {1.1, 0.1, 0.0}, 1e-6);
        assertThat(batch.advantages()).containsExactly(new double[] {a[0], a[2]}, within(1e-15));

        for (Param p : m.params().values()) p.zeroGrad();
        trainer.accumulate(batch, null);
        Map<String, double[]> got = new LinkedHashMap<>();
        for (Param p : m.params().values()) got.put(p.name(), p.grad().clone());

        for (Param p : m.params().values()) p.zeroGrad();
        m.accumulate(good.sequence(), a[0] / n);
        m.accumulate(worse.sequence(), a[2] / n);
        int routers = 0;
        for (Param p : m.params().values()) {
            if (GrpoTrainer.isRouter(p.name())) {
                routers++;
                assertThat(got.get(p.name())).containsOnly(0.0);
                assertThat(Arrays.stream(p.grad()).anyMatch(x -> x != 0)).isTrue(); // it would have had a gradient
            } else {
                assertThat(Arrays.equals(got.get(p.name()), p.grad())).as(p.name() + ": the trainer's gradient is the direct accumulation's, bit for bit").isTrue();
            }
        }
        assertThat(routers).isEqualTo(3); // tiny-a: MEM*EME has three MoE layers

        // with no cap to speak of, the same group keeps all three
        GrpoTrainer loose = new GrpoTrainer(m, tokenizer, TestTasks.MIXTURE, config(1).withImportanceCap(1e9), pool);
        assertThat(loose.prepare(List.of(List.of(good, skewed, worse))).dropped()).isZero();
    }

    @Test
    void routerWeightsDoNotMove() {
        ReferenceTrainingModel m = model();
        TestTasks.Sum task = TestTasks.Sum.of(5, false);
        Rewards rewards = new Rewards(0.1);
        Rollout good = rollout(m, task, "The answer is " + (task.a() + task.b()) + ".", rewards);
        Rollout bad = rollout(m, task, "The answer is 0.", rewards);
        Map<String, double[]> before = values(m);
        new GrpoTrainer(m, tokenizer, TestTasks.MIXTURE, config(1), pool).update(List.of(List.of(good, bad)));
        int moved = 0;
        for (Param p : m.params().values()) {
            boolean same = Arrays.equals(before.get(p.name()), p.value());
            if (GrpoTrainer.isRouter(p.name()) || !p.trainable()) assertThat(same).as(p.name()).isTrue();
            else if (!same) moved++;
        }
        assertThat(moved).isGreaterThan(10);
    }

    @Test
    void secondUpdateMasksTokensWhoseRatioLeftTheTrustRegion() {
        TestTasks.Sum task = TestTasks.Sum.of(6, false);
        Rewards rewards = new Rewards(0.1);
        double eps = 0.02;
        GrpoConfig two = new GrpoConfig(1, 1, 2, 8, 1f, 3e-3, config(1).adam(), 1.0, eps, 2, 2.0, 0.1, 1e-6, 0.5, 4, 8);

        // expected: after one update, the tokens whose ratio to the sampling policy left [1−ε, 1+ε] in the advantage's direction
        ReferenceTrainingModel once = model();
        Rollout good = rollout(once, task, "The answer is " + (task.a() + task.b()) + ".", rewards);
        Rollout bad = rollout(once, task, "The answer is 1.", rewards);
        double[][] old = new double[2][];
        try (NemotronHModel e = PolicySnapshot.of(once, pool)) {
            old[0] = TrainerLogProbs.perToken(e, good);
            old[1] = TrainerLogProbs.perToken(e, bad);
        }
        new GrpoTrainer(once, tokenizer, TestTasks.MIXTURE, two.withOptimizer(3e-3, 1), pool).update(List.of(List.of(good, bad)));
        double[] a = GroupAdvantages.of(new double[] {good.reward(), bad.reward()}, 1e-6);
        long expected = 0;
        try (NemotronHModel e = PolicySnapshot.of(once, pool)) {
            for (boolean k : ClipMask.of(TrainerLogProbs.perToken(e, good), old[0], a[0], eps)) if (!k) expected++;
            for (boolean k : ClipMask.of(TrainerLogProbs.perToken(e, bad), old[1], a[1], eps)) if (!k) expected++;
        }
        assertThat(expected).isGreaterThan(0).isLessThan(good.completion().length + bad.completion().length);

        ReferenceTrainingModel twice = model();
        GrpoStepMetrics metrics = new GrpoTrainer(twice, tokenizer, TestTasks.MIXTURE, two, pool).update(List.of(List.of(good, bad)));
        assertThat(metrics.clippedTokens()).isEqualTo(expected);
        // one update per batch never clips
        ReferenceTrainingModel single = model();
        assertThat(new GrpoTrainer(single, tokenizer, TestTasks.MIXTURE, two.withOptimizer(3e-3, 1), pool)
                .update(List.of(List.of(good, bad))).clippedTokens()).isZero();
    }

    @Test
    void sameSeedGivesByteIdenticalWeightsAndAnotherSeedDoesNot() {
        // on the fast float32 model (the one a real run trains): its importance check goes through accumulate(·, 0)
        List<Map<String, double[]>> runs = new ArrayList<>();
        List<List<GrpoStepMetrics>> metrics = new ArrayList<>();
        for (long seed : new long[] {11, 11, 12}) {
            try (FastTrainingModel m = FastTrainingModel.load(Fixtures.dir("tiny-a"), 1)) {
                GrpoTrainer t = new GrpoTrainer(m, tokenizer, TestTasks.MIXTURE, config(seed), pool);
                List<GrpoStepMetrics> steps = new ArrayList<>();
                for (int s = 0; s < 2; s++) steps.add(t.step());
                Map<String, double[]> v = new LinkedHashMap<>();
                for (Param p : m.params().values()) v.put(p.name(), p.value().clone());
                runs.add(v);
                metrics.add(steps);
            }
        }
        Map<String, double[]> initial = values(model());
        boolean changed = false;
        for (String name : initial.keySet()) {
            assertThat(Arrays.equals(runs.get(1).get(name), runs.get(0).get(name))).as(name + " byte-identical").isTrue();
            changed |= !Arrays.equals(initial.get(name), runs.get(0).get(name));
        }
        assertThat(changed).as("some group had reward variance, so the weights moved").isTrue();
        assertThat(metrics.get(1)).isEqualTo(metrics.get(0));
        assertThat(runs.get(2).keySet().stream().anyMatch(n -> !Arrays.equals(runs.get(2).get(n), runs.get(0).get(n)))).isTrue();
        GrpoStepMetrics first = metrics.get(0).getFirst();
        assertThat(first.prompts()).isEqualTo(2);
        assertThat(first.completions()).isEqualTo(8);
        assertThat(first.passRateByEnv()).containsOnlyKeys("even", "sum"); // both environments in every step
    }

    @Test
    void trainerLogProbOfAnyModelLeavesTheGradientsAlone() {
        TestTasks.Sum task = TestTasks.Sum.of(8, false);
        ReferenceTrainingModel ref = model();
        Rollout r = rollout(ref, task, "The answer is 3.", new Rewards(0.1));
        double expected = TrainerLogProbs.sequence(ref, r);
        try (FastTrainingModel fast = FastTrainingModel.load(Fixtures.dir("tiny-a"), 1)) {
            for (Param p : fast.params().values()) java.util.Arrays.fill(p.grad(), 0.25);
            double got = TrainerLogProbs.sequence(fast, r);
            assertThat(got).isCloseTo(expected, within(1e-3 * Math.abs(expected)));
            for (Param p : fast.params().values()) if (p.trainable()) assertThat(p.grad()).as(p.name()).containsOnly(0.25);
        }
    }

    @Test
    void aRunResumedFromItsStateEqualsTheUninterruptedRun() {
        ReferenceTrainingModel straight = model();
        GrpoTrainer a = new GrpoTrainer(straight, tokenizer, TestTasks.MIXTURE, config(21), pool);
        a.step();
        a.step();

        ReferenceTrainingModel first = model();
        GrpoTrainer b = new GrpoTrainer(first, tokenizer, TestTasks.MIXTURE, config(21), pool);
        b.step();
        PassRateCurriculum.State state = b.curriculum().state();

        ReferenceTrainingModel resumed = model();
        for (Param p : resumed.params().values()) System.arraycopy(first.params().get(p.name()).value(), 0, p.value(), 0, p.size());
        GrpoTrainer c = new GrpoTrainer(resumed, tokenizer, TestTasks.MIXTURE, config(21), pool);
        for (String name : b.optimizer().names()) {
            System.arraycopy(b.optimizer().firstMoment(name), 0, c.optimizer().firstMoment(name), 0, b.optimizer().firstMoment(name).length);
            System.arraycopy(b.optimizer().secondMoment(name), 0, c.optimizer().secondMoment(name), 0, b.optimizer().secondMoment(name).length);
        }
        c.optimizer().restoreSteps(b.optimizer().steps());
        c.restore(b.steps(), state);
        c.step();

        boolean moved = false;
        Map<String, double[]> afterOne = values(first);
        for (Param p : straight.params().values()) {
            assertThat(Arrays.equals(p.value(), resumed.params().get(p.name()).value())).as(p.name() + " byte-identical").isTrue();
            moved |= !Arrays.equals(p.value(), afterOne.get(p.name()));
        }
        assertThat(moved).as("the second step changed the weights").isTrue();
        assertThat(c.steps()).isEqualTo(2);
    }
}

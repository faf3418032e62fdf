package dev.nemotron4j.train.rl;

import dev.nemotron4j.chat.template.NemotronChatFormat;
import dev.nemotron4j.train.tasks.DataSplit;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.Task;
import dev.nemotron4j.train.tasks.ToolUseEnvironment;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.Fixtures;
import dev.nemotron4j.train.model.ReferenceTrainingModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import java.util.LinkedHashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rewards from the environments' real verifiers, through the RL adapter. */
class EnvironmentTasksTest {
    static final Rewards REWARDS = new Rewards(0.1);

    static double reward(RlTask t, String raw, boolean reasoning) {
        return REWARDS.reward(t.judge(raw), raw, reasoning);
    }

    @Test
    void referenceTurnsEarnFullRewardAndWrongOrBrokenOnesLess() {
        for (var env : Environments.ALL) {
            for (long i = 0; i < 20; i++) {
                Task task = env.sample(DataSplit.RL.seed(i));
                for (int step = 0; step < task.steps().size(); step++) {
                    for (boolean reasoning : new boolean[] {true, false}) {
                        RlTask t = EnvironmentTasks.of(task, step, reasoning);
                        String reference = task.referenceOutput(step, reasoning);
                        assertThat(reward(t, reference, reasoning)).as(t.key() + ": " + reference).isEqualTo(1.1);
                        assertThat(reward(t, "", reasoning)).as(t.key()).isEqualTo(0.0);
                        assertThat(t.request()).isEqualTo(task.prompt(step, reasoning));
                    }
                }
            }
        }
    }

    @Test
    void arithmeticVerdictsByHand() {
        Task task = Environments.byName("arithmetic").sample(DataSplit.RL.seed(3));
        RlTask off = EnvironmentTasks.of(task, 0, false), on = EnvironmentTasks.of(task, 0, true);
        String right = task.referenceOutput(0, false);
        assertThat(right).matches("The answer is \\d+\\.");
        long n = Long.parseLong(right.replaceAll("\\D", ""));
        String wrong = "The answer is " + (n + 1) + ".";
        assertThat(reward(off, right, false)).isEqualTo(1.1);
        assertThat(reward(off, wrong, false)).isEqualTo(0.1);   // well formed, wrong
        assertThat(reward(off, "I think " + n, false)).isEqualTo(0.0);
        assertThat(reward(on, "work\n</think>\n" + right, true)).isEqualTo(1.1);
        assertThat(reward(on, right, true)).isEqualTo(0.0);      // reasoning on but the think block never closed
        assertThat(off.judge(wrong).reason()).contains(Long.toString(n));
    }

    @Test
    void mixtureCoversEveryEnvironmentBothModesAndBothToolTurns() {
        TaskStream mix = EnvironmentTasks.mixture();
        Set<String> envs = new LinkedHashSet<>(), toolTurns = new LinkedHashSet<>(), modes = new LinkedHashSet<>();
        for (long i = 0; i < 24; i++) {
            RlTask t = mix.task(i);
            envs.add(t.environment());
            modes.add(t.key().substring(t.key().lastIndexOf('/')));
            if (t.environment().equals(ToolUseEnvironment.NAME)) toolTurns.add(t.key().split("/")[2]);
            assertThat(NemotronChatFormat.render(t.request())).endsWith(t.request().options().enableThinking()
                    ? "<|im_start|>assistant\n<think>\n" : "<|im_start|>assistant\n<think></think>");
        }
        assertThat(envs).containsExactlyElementsOf(EnvironmentTasks.names());
        assertThat(modes).containsExactlyInAnyOrder("/think", "/no_think");
        assertThat(toolTurns).containsExactlyInAnyOrder("0", "1");
        assertThat(mix.task(5).key()).isEqualTo(mix.task(5).key()); // a pure function of the index
        assertThat(DataSplit.of(Long.parseLong(mix.task(7).key().split("/")[1]))).isEqualTo(DataSplit.RL);
    }

    /**
     * A weighted mixture: weights 1 are the plain mixture prompt for prompt; weights 2:1:1 give arithmetic half the
     * prompts, each environment's prompts in its own stream's order, none skipped or repeated.
     */
    @Test
    void weightedMixtureTakesEachStreamInOrderInItsShare() {
        TaskStream plain = EnvironmentTasks.mixture();
        java.util.Map<String, Integer> ones = new java.util.LinkedHashMap<>();
        EnvironmentTasks.names().forEach(n -> ones.put(n, 1));
        TaskStream same = EnvironmentTasks.mixture(ones);
        for (long i = 0; i < 30; i++) assertThat(same.task(i).key()).isEqualTo(plain.task(i).key());
        java.util.Map<String, Integer> weights = new java.util.LinkedHashMap<>();
        weights.put("arithmetic", 2);
        weights.put("tool_use", 1);
        weights.put("instruction_following", 1);
        TaskStream weighted = EnvironmentTasks.mixture(weights);
        java.util.Map<String, java.util.List<String>> byEnv = new java.util.LinkedHashMap<>();
        for (long i = 0; i < 400; i++) byEnv.computeIfAbsent(weighted.task(i).environment(), k -> new java.util.ArrayList<>()).add(weighted.task(i).key());
        assertThat(byEnv.get("arithmetic")).hasSize(200);
        assertThat(byEnv.get("tool_use")).hasSize(100);
        assertThat(byEnv.get("instruction_following")).hasSize(100);
        TaskStream arithmetic = EnvironmentTasks.stream(Environments.byName("arithmetic"), DataSplit.RL);
        for (int j = 0; j < 200; j++) assertThat(byEnv.get("arithmetic").get(j)).isEqualTo(arithmetic.task(j).key());
        assertThatThrownBy(() -> TaskStream.weighted(java.util.List.of(arithmetic), java.util.List.of(0))).hasMessageContaining(">= 1");
    }

    @Test
    void aGrpoStepOverAllEnvironmentsRunsOnTinyA() throws IOException {
        Tokenizer tokenizer = Tokenizer.load(Fixtures.dir("tiny-a").resolve("tokenizer.json"));
        try (WorkerPool pool = new WorkerPool(1)) {
            GrpoTrainer trainer = new GrpoTrainer(ReferenceTrainingModel.load(Fixtures.dir("tiny-a")), tokenizer,
                    EnvironmentTasks.mixture(), GrpoConfig.defaults(3).withGroup(3, 2, 4), pool);
            GrpoStepMetrics m = trainer.step();
            assertThat(m.prompts()).isEqualTo(3);
            assertThat(m.completions()).isEqualTo(6);
            assertThat(m.passRateByEnv()).containsOnlyKeys(EnvironmentTasks.names());
            assertThat(m.completionTokens()).isBetween(6L, 24L);
        }
    }
}

package dev.nemotron4j.train.rl;

import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.train.tasks.DataSplit;
import dev.nemotron4j.train.tasks.Environment;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.Task;
import dev.nemotron4j.train.tasks.Verdict;

import java.util.List;

/**
 * The seeded environments of {@code dev.nemotron4j.train.tasks} as GRPO prompts: one {@link RlTask} per assistant
 * turn of a task (a tool round trip has two: the call, and the answer after the tool's reply, whose prompt holds the
 * reference call and the reply), in reasoning-on or reasoning-off mode, judged by the task's own exact verifier.
 */
public final class EnvironmentTasks {
    private EnvironmentTasks() {}

    /** Turn {@code step} of {@code task} with reasoning on or off. */
    public static RlTask of(Task task, int step, boolean reasoning) {
        ChatRequest request = task.prompt(step, reasoning);
        String key = task.environment() + "/" + task.seed() + "/" + step + (reasoning ? "/think" : "/no_think");
        return new RlTask() {
            @Override
            public String environment() {
                return task.environment();
            }

            @Override
            public String key() {
                return key;
            }

            @Override
            public ChatRequest request() {
                return request;
            }

            @Override
            public Judgement judge(String rawOutput) {
                Verdict v = task.verify(step, rawOutput, reasoning);
                return new Judgement(v.correct(), v.wellFormed(), v.reason());
            }

            @Override
            public String toString() {
                return key;
            }
        };
    }

    /**
     * One environment's prompts from a split: index i is the task of seed {@code split.seed(i / 2)}, reasoning on
     * for even i and off for odd i (both modes of every problem), turn {@code (i / 2) mod turns} (so a tool round
     * trip's seeds alternate between the call and the answer).
     */
    public static TaskStream stream(Environment environment, DataSplit split) {
        return index -> {
            Task task = environment.sample(split.seed(index / 2));
            int step = (int) ((index / 2) % task.steps().size());
            return of(task, step, index % 2 == 0);
        };
    }

    /** Every built-in environment at once, from the RL seed range. */
    public static TaskStream mixture() {
        return TaskStream.mixture(Environments.ALL.stream().map(e -> stream(e, DataSplit.RL)).toList());
    }

    /** The named environments from the RL seed range, weighted ({@link TaskStream#weighted}), in the map's order. */
    public static TaskStream mixture(java.util.Map<String, Integer> weights) {
        return TaskStream.weighted(weights.keySet().stream().map(name -> stream(Environments.byName(name), DataSplit.RL)).toList(),
                List.copyOf(weights.values()));
    }

    /** The built-in environments' names, in the mixture's order. */
    public static List<String> names() {
        return Environments.ALL.stream().map(Environment::name).toList();
    }
}

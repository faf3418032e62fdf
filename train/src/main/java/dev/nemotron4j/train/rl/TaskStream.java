package dev.nemotron4j.train.rl;

import java.util.List;

/** A deterministic stream of RL prompts: the {@code index}-th task is a pure function of the index. */
@FunctionalInterface
public interface TaskStream {

    RlTask task(long index);

    /**
     * All environments at once: the streams take turns (index {@code i} is stream {@code i mod n}'s task
     * {@code i / n}), so every training batch mixes them in fixed proportions.
     */
    static TaskStream mixture(List<TaskStream> streams) {
        if (streams.isEmpty()) throw new IllegalArgumentException("a mixture needs at least one stream");
        List<TaskStream> copy = List.copyOf(streams);
        return index -> copy.get((int) (index % copy.size())).task(index / copy.size());
    }
}

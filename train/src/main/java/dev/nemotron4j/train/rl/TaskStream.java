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
        return weighted(streams, streams.stream().map(s -> 1).toList());
    }

    /**
     * A weighted mixture: one cycle takes {@code weights[k]} consecutive prompts of stream k's own sequence, for each
     * k in order, and cycles repeat (weights 2, 1: s0[0], s0[1], s1[0], s0[2], s0[3], s1[1], ...). All weights 1 is
     * {@link #mixture}.
     */
    static TaskStream weighted(List<TaskStream> streams, List<Integer> weights) {
        if (streams.isEmpty()) throw new IllegalArgumentException("a mixture needs at least one stream");
        if (weights.size() != streams.size()) throw new IllegalArgumentException(streams.size() + " streams but " + weights.size() + " weights");
        int cycle = 0;
        for (int w : weights) {
            if (w < 1) throw new IllegalArgumentException("weights must be >= 1, got " + weights);
            cycle += w;
        }
        // slot -> (stream, offset within the stream's share of a cycle)
        int[] stream = new int[cycle];
        int[] offset = new int[cycle];
        for (int k = 0, slot = 0; k < weights.size(); k++) {
            for (int j = 0; j < weights.get(k); j++, slot++) {
                stream[slot] = k;
                offset[slot] = j;
            }
        }
        List<TaskStream> copy = List.copyOf(streams);
        List<Integer> shares = List.copyOf(weights);
        int length = cycle;
        return index -> {
            int slot = (int) (index % length);
            long round = index / length;
            return copy.get(stream[slot]).task(round * shares.get(stream[slot]) + offset[slot]);
        };
    }
}

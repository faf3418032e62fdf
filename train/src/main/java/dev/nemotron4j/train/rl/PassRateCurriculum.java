package dev.nemotron4j.train.rl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which prompts a GRPO step trains on. Each prompt's pass rate is estimated from its last group (the fraction of
 * its G completions the verifier judged correct). Only prompts with {@code 0 < pass rate < 1} teach anything (a
 * group that is all right or all wrong has zero advantages), so:
 * <ol>
 *   <li>a step takes {@code ceil(freshFraction × n)} fresh prompts from the mixed task stream, in stream order;</li>
 *   <li>the rest are revisits: prompts seen before whose pass rate was strictly between 0 and 1, <b>easiest first</b>
 *       (highest pass rate, then earliest in the stream) — the model finishes learning what it nearly knows, and
 *       as those reach 1 and leave, harder prompts (lower pass rates) move up: the curriculum moves from easy to
 *       hard;</li>
 *   <li>when there are fewer revisits than slots, fresh prompts fill the step;</li>
 *   <li>after its group, a prompt returns to the pool only if {@code 0 < pass rate < 1} and it has been trained at
 *       most {@code maxVisits − 1} times (so no prompt hogs the batch); solved (1) and hopeless-for-now (0) ones leave.</li>
 * </ol>
 * Everything is a function of the stream and the verdicts, so a run is reproducible.
 */
public final class PassRateCurriculum {
    private record Entry(RlTask task, long order, double passRate) {}

    /**
     * Everything the curriculum remembers, for a checkpoint: prompts are named by their stream index (the stream
     * rebuilds them).
     *
     * @param nextIndex     the next fresh prompt's stream index
     * @param poolIndices   the pool's prompts, in pool order
     * @param poolRates     their pass rates
     * @param visitedIndices every prompt trained so far, in first-visit order
     * @param visitCounts   how often each was trained
     */
    public record State(long nextIndex, long[] poolIndices, double[] poolRates, long[] visitedIndices, int[] visitCounts) {}

    private final TaskStream stream;
    private final double freshFraction;
    private final int maxVisits;
    private final Map<String, Entry> pool = new LinkedHashMap<>();
    private final Map<String, Long> orders = new LinkedHashMap<>();
    private final Map<String, Integer> visits = new LinkedHashMap<>(); // by key, in first-visit order
    private long nextIndex;

    public PassRateCurriculum(TaskStream stream, double freshFraction, int maxVisits) {
        if (!(freshFraction > 0 && freshFraction <= 1)) throw new IllegalArgumentException("fresh fraction must be in (0, 1], got " + freshFraction);
        if (maxVisits < 1) throw new IllegalArgumentException("max visits must be >= 1, got " + maxVisits);
        this.stream = stream;
        this.freshFraction = freshFraction;
        this.maxVisits = maxVisits;
    }

    /** The next step's {@code n} prompts: revisits (easiest first), then fresh ones. */
    public List<RlTask> next(int n) {
        int fresh = (int) Math.ceil(freshFraction * n);
        List<Entry> candidates = new ArrayList<>(pool.values());
        candidates.sort(Comparator.comparingDouble(Entry::passRate).reversed().thenComparingLong(Entry::order));
        List<RlTask> out = new ArrayList<>(n);
        for (Entry e : candidates) {
            if (out.size() >= n - fresh) break;
            out.add(e.task);
            pool.remove(e.task.key());
        }
        while (out.size() < n) {
            long index = nextIndex++;
            RlTask t = stream.task(index);
            orders.putIfAbsent(t.key(), index);
            out.add(t);
        }
        return out;
    }

    /** Records a prompt's pass rate from its group. */
    public void record(RlTask task, double passRate) {
        int v = visits.merge(task.key(), 1, Integer::sum);
        if (passRate > 0 && passRate < 1 && v < maxVisits) {
            pool.put(task.key(), new Entry(task, orders.getOrDefault(task.key(), Long.MAX_VALUE), passRate));
        } else {
            pool.remove(task.key());
        }
    }

    /** The curriculum's state (prompts the stream did not draw, such as hand-given ones, cannot be saved). */
    public State state() {
        long[] poolIndices = new long[pool.size()];
        double[] poolRates = new double[pool.size()];
        int i = 0;
        for (Entry e : pool.values()) {
            poolIndices[i] = e.order;
            poolRates[i++] = e.passRate;
        }
        long[] visited = new long[visits.size()];
        int[] counts = new int[visits.size()];
        i = 0;
        for (Map.Entry<String, Integer> e : visits.entrySet()) {
            Long order = orders.get(e.getKey());
            if (order == null) throw new IllegalStateException("prompt " + e.getKey() + " did not come from the stream");
            visited[i] = order;
            counts[i++] = e.getValue();
        }
        return new State(nextIndex, poolIndices, poolRates, visited, counts);
    }

    /** Restores a {@link #state()} of a curriculum over the same stream. */
    public void restore(State state) {
        pool.clear();
        orders.clear();
        visits.clear();
        nextIndex = state.nextIndex();
        for (int i = 0; i < state.visitedIndices().length; i++) {
            RlTask t = stream.task(state.visitedIndices()[i]);
            orders.put(t.key(), state.visitedIndices()[i]);
            visits.put(t.key(), state.visitCounts()[i]);
        }
        for (int i = 0; i < state.poolIndices().length; i++) {
            RlTask t = stream.task(state.poolIndices()[i]);
            orders.put(t.key(), state.poolIndices()[i]);
            pool.put(t.key(), new Entry(t, state.poolIndices()[i], state.poolRates()[i]));
        }
    }

    /** Prompts waiting for a revisit. */
    public int poolSize() {
        return pool.size();
    }

    /** Fresh prompts drawn from the stream so far. */
    public long drawn() {
        return nextIndex;
    }
}

package dev.nemotron4j.eval.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The most frequent answer among repeats (ties go to the answer seen first; missing answers never win). */
public final class MajorityVote {
    private MajorityVote() {}

    /** Index (into {@code answers}) of a representative of the winning answer, or -1 when all are null. */
    public static int winner(List<String> answers) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (int i = 0; i < answers.size(); i++) {
            String a = answers.get(i);
            if (a == null) continue;
            counts.computeIfAbsent(a, x -> new int[] {0, 0})[0]++;
        }
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            if (e.getValue()[0] > bestCount) {
                best = e.getKey();
                bestCount = e.getValue()[0];
            }
        }
        return best == null ? -1 : answers.indexOf(best);
    }
}

package dev.nemotron4j.eval.translation;

import java.util.HashMap;
import java.util.Map;

/**
 * chrF as sacreBLEU 2 computes it by default (Popović 2015): character n-grams of orders 1 to 6 with white space
 * removed, no word n-grams, β = 2, case kept, and no ε-smoothing: precision and recall are averaged over the orders
 * where both hypothesis and reference have n-grams (the effective order), then combined into F<sub>β</sub>.
 * <p>
 * A segment's sufficient statistics are, per order, (hypothesis n-grams, reference n-grams, matched n-grams); the corpus
 * score sums them over segments before computing F, so it is not the mean of the segment scores.
 */
public final class ChrF {
    public static final int CHAR_ORDER = 6;
    public static final int BETA = 2;

    private ChrF() {}

    /** Statistics of one segment: {@code 3 * CHAR_ORDER} counts, {@code [hyp, ref, match]} for orders 1..6. */
    public static long[] statistics(String hypothesis, String reference) {
        int[] hyp = TextSegments.withoutSpaces(hypothesis), ref = TextSegments.withoutSpaces(reference);
        long[] stats = new long[3 * CHAR_ORDER];
        for (int n = 1; n <= CHAR_ORDER; n++) {
            Map<String, Integer> h = ngrams(hyp, n), r = ngrams(ref, n);
            long hypCount = 0, refCount = 0, match = 0;
            for (var e : h.entrySet()) {
                hypCount += e.getValue();
                Integer inRef = r.get(e.getKey());
                if (inRef != null) match += Math.min(e.getValue(), inRef);
            }
            for (int c : r.values()) refCount += c;
            int at = 3 * (n - 1);
            stats[at] = r.isEmpty() ? 0 : hypCount;   // sacreBLEU counts no hypothesis n-grams where the reference has none
            stats[at + 1] = refCount;
            stats[at + 2] = match;
        }
        return stats;
    }

    /** chrF in [0, 100] from (summed) statistics. */
    public static double score(long[] stats) {
        if (stats.length != 3 * CHAR_ORDER) throw new IllegalArgumentException("chrF statistics need " + 3 * CHAR_ORDER + " counts, not " + stats.length);
        double precision = 0, recall = 0;
        int effectiveOrder = 0;
        for (int n = 0; n < CHAR_ORDER; n++) {
            long hyp = stats[3 * n], ref = stats[3 * n + 1], match = stats[3 * n + 2];
            if (hyp > 0 && ref > 0) {
                precision += (double) match / hyp;
                recall += (double) match / ref;
                effectiveOrder++;
            }
        }
        if (effectiveOrder == 0) return 0;
        precision /= effectiveOrder;
        recall /= effectiveOrder;
        if (precision + recall == 0) return 0;
        double factor = BETA * BETA;
        return 100 * (1 + factor) * precision * recall / (factor * precision + recall);
    }

    /** chrF of one segment against its reference. */
    public static double sentence(String hypothesis, String reference) {
        return score(statistics(hypothesis, reference));
    }

    /** Element-wise sum of segment statistics (sacreBLEU's corpus aggregation). */
    public static long[] sum(Iterable<long[]> segments) {
        long[] total = new long[3 * CHAR_ORDER];
        for (long[] s : segments) for (int i = 0; i < total.length; i++) total[i] += s[i];
        return total;
    }

    private static Map<String, Integer> ngrams(int[] codePoints, int n) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= codePoints.length; i++) out.merge(new String(codePoints, i, n), 1, Integer::sum);
        return out;
    }
}

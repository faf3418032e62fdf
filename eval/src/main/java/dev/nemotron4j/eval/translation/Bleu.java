package dev.nemotron4j.eval.translation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU as sacreBLEU 2 computes it by default: segments tokenised by {@link Tokenizer13a} (after removing trailing
 * white space), case kept, n-grams of orders 1 to 4 with clipped counts, brevity penalty
 * {@code exp(1 - r/c)} when the hypotheses are shorter than the references, and the {@code exp} smoothing of
 * mteval-v13a: the k-th order with no match counts as precision {@code 1 / (2^k · total)}. Orders after one with no
 * hypothesis n-grams at all count as precision 0, which makes the score 0 (sacreBLEU floors log 0 to -9999999999).
 * <p>
 * A segment's statistics are {@code [hypothesis length, reference length, correct_1..4, total_1..4]}; the corpus score
 * sums them over segments first.
 */
public final class Bleu {
    public static final int MAX_ORDER = 4;
    private static final int LENGTHS = 2;

    private Bleu() {}

    /** Statistics of one segment: {@code 2 + 2 * MAX_ORDER} counts. */
    public static long[] statistics(String hypothesis, String reference) {
        List<String> hyp = TextSegments.words(Tokenizer13a.tokenize(TextSegments.rstrip(hypothesis)));
        List<String> ref = TextSegments.words(Tokenizer13a.tokenize(TextSegments.rstrip(reference)));
        long[] stats = new long[LENGTHS + 2 * MAX_ORDER];
        stats[0] = hyp.size();
        stats[1] = ref.size();
        for (int n = 1; n <= MAX_ORDER; n++) {
            Map<List<String>, Integer> h = ngrams(hyp, n), r = ngrams(ref, n);
            for (var e : h.entrySet()) {
                stats[LENGTHS + MAX_ORDER + n - 1] += e.getValue();
                stats[LENGTHS + n - 1] += Math.min(e.getValue(), r.getOrDefault(e.getKey(), 0));
            }
        }
        return stats;
    }

    /** BLEU in [0, 100] from (summed) statistics. */
    public static double score(long[] stats) {
        if (stats.length != LENGTHS + 2 * MAX_ORDER) {
            throw new IllegalArgumentException("BLEU statistics need " + (LENGTHS + 2 * MAX_ORDER) + " counts, not " + stats.length);
        }
        long sysLen = stats[0], refLen = stats[1];
        double brevity = sysLen >= refLen ? 1 : sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0;
        boolean anyCorrect = false;
        for (int n = 0; n < MAX_ORDER; n++) anyCorrect |= stats[LENGTHS + n] > 0;
        if (!anyCorrect) return 0;
        double logSum = 0, smooth = 1;
        for (int n = 0; n < MAX_ORDER; n++) {
            long correct = stats[LENGTHS + n], total = stats[LENGTHS + MAX_ORDER + n];
            if (total == 0) return 0;   // this and every higher order count as precision 0
            double precision;
            if (correct == 0) {
                smooth *= 2;
                precision = 100 / (smooth * total);
            } else {
                precision = 100.0 * correct / total;
            }
            logSum += Math.log(precision);
        }
        return brevity * Math.exp(logSum / MAX_ORDER);
    }

    /** Element-wise sum of segment statistics (sacreBLEU's corpus aggregation). */
    public static long[] sum(Iterable<long[]> segments) {
        long[] total = new long[LENGTHS + 2 * MAX_ORDER];
        for (long[] s : segments) for (int i = 0; i < total.length; i++) total[i] += s[i];
        return total;
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> out = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) out.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
        return out;
    }
}

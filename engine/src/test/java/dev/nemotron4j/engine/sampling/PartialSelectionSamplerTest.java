package dev.nemotron4j.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampler orders only its candidates (and under top-k only the k largest, by partial selection), yet chooses
 * exactly what sorting the whole vocabulary chooses: the same token for the same seed, draw after draw, over many
 * random logit vectors (flat and peaked, with ties and masked tokens) and every filter combination.
 */
class PartialSelectionSamplerTest {

    /** The sampler as it was: temperature, then the whole vocabulary sorted, top-k, top-p, min-p, one draw. */
    static final class SortingReference {
        final SamplingParams params;
        final SplittableRandom random;
        final int vocab;

        SortingReference(SamplingParams params, int vocab) {
            this.params = params;
            this.random = new SplittableRandom(params.seed());
            this.vocab = vocab;
        }

        int sample(float[] logits) {
            float[] x = logits.clone();
            float invT = 1f / params.temperature();
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < vocab; i++) {
                x[i] *= invT;
                if (x[i] > max) max = x[i];
            }
            long[] order = new long[vocab];
            for (int i = 0; i < vocab; i++) {
                int b = Float.floatToIntBits(x[i]);
                order[i] = ((long) (b >= 0 ? b : b ^ 0x7FFFFFFF) << 32) | (0xFFFFFFFFL & ~i);
            }
            Arrays.sort(order);
            int n = vocab;
            if (params.topK() > 0) n = Math.min(n, params.topK());
            double sum = 0;
            for (int j = 0; j < n; j++) sum += Math.exp(x[~(int) order[vocab - 1 - j]] - max);
            if (params.topP() < 1f) {
                double acc = 0;
                int keep = n;
                for (int j = 0; j < n; j++) {
                    acc += Math.exp(x[~(int) order[vocab - 1 - j]] - max) / sum;
                    if (acc >= params.topP()) {
                        keep = j + 1;
                        break;
                    }
                }
                n = keep;
            }
            if (params.minP() > 0f) {
                double floor = Math.log(params.minP());
                int keep = 1;
                while (keep < n && x[~(int) order[vocab - 1 - keep]] - max >= floor) keep++;
                n = keep;
            }
            double total = 0;
            for (int j = 0; j < n; j++) total += Math.exp(x[~(int) order[vocab - 1 - j]] - max);
            double u = random.nextDouble() * total;
            double acc = 0;
            for (int j = 0; j < n; j++) {
                int id = ~(int) order[vocab - 1 - j];
                acc += Math.exp(x[id] - max);
                if (u < acc) return id;
            }
            return ~(int) order[vocab - 1 - (n - 1)];
        }
    }

    static float[] logits(Random rnd, int vocab, int shape) {
        float[] x = new float[vocab];
        double sigma = switch (shape % 4) {
            case 0 -> 0.3;
            case 1 -> 2;
            case 2 -> 8;
            default -> 25;
        };
        for (int i = 0; i < vocab; i++) x[i] = (float) (rnd.nextGaussian() * sigma);
        if (shape % 3 == 0) for (int i = 0; i < vocab; i++) x[i] = Math.round(x[i] * 2) / 2f; // many ties
        if (shape % 5 == 0) for (int i = 0; i < vocab; i += 3) x[i] = Float.NEGATIVE_INFINITY; // a grammar's mask
        if (shape % 7 == 0) x[rnd.nextInt(vocab)] += 40; // one dominant token
        return x;
    }

    @Test
    void choosesExactlyWhatSortingTheWholeVocabularyChooses() {
        Random rnd = new Random(20261207);
        float[] temperatures = {0.2f, 0.6f, 1f, 1.7f};
        int[] topKs = {0, 1, 7, 40, 1000};
        float[] topPs = {1f, 0.95f, 0.5f, 0.99999994f};
        float[] minPs = {0f, 0.05f, 1e-30f};
        int cases = 0;
        for (int round = 0; round < 600; round++) {
            int vocab = round % 50 == 0 ? 131072 : 50 + rnd.nextInt(3000);
            float[] x = logits(rnd, vocab, round);
            SamplingParams p = new SamplingParams(temperatures[rnd.nextInt(temperatures.length)], topKs[rnd.nextInt(topKs.length)],
                    topPs[rnd.nextInt(topPs.length)], minPs[rnd.nextInt(minPs.length)], 1f, 0f, 0f, Map.of(), rnd.nextLong());
            Sampler fast = new Sampler(p, vocab);
            SortingReference reference = new SortingReference(p, vocab);
            for (int draw = 0; draw < 12; draw++) {
                assertThat(fast.sample(x, 0)).as("round %d draw %d, %s, vocab %d", round, draw, p, vocab).isEqualTo(reference.sample(x));
                cases++;
            }
        }
        assertThat(cases).isEqualTo(600 * 12);
    }

    @Test
    void partialSelectionPutsTheLargestKeysLast() {
        Random rnd = new Random(3);
        for (int round = 0; round < 300; round++) {
            int n = 1 + rnd.nextInt(500), k = rnd.nextInt(n + 2);
            long[] a = rnd.longs(n).toArray();
            long[] sorted = a.clone();
            Arrays.sort(sorted);
            LongSelection.largestToEnd(a, n, k);
            int kk = Math.min(Math.max(k, 0), n);
            long[] tail = Arrays.copyOfRange(a, n - kk, n);
            Arrays.sort(tail);
            assertThat(tail).isEqualTo(Arrays.copyOfRange(sorted, n - kk, n));
            long[] all = a.clone();
            Arrays.sort(all);
            assertThat(all).as("a permutation").isEqualTo(sorted);
        }
    }
}

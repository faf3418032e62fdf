package dev.nemotron4j.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sampler's filters and penalties against hand-computed distributions. */
class SamplerTest {

    static SamplingParams params(float t, int k, float p, float minP) {
        return new SamplingParams(t, k, p, minP, 1f, 0f, 0f, Map.of(), 99);
    }

    /** Frequencies of {@code draws} samples. */
    static double[] frequencies(SamplingParams sp, float[] logits, int draws) {
        Sampler s = new Sampler(sp, logits.length);
        double[] f = new double[logits.length];
        for (int i = 0; i < draws; i++) f[s.sample(logits, 0)]++;
        for (int i = 0; i < f.length; i++) f[i] /= draws;
        return f;
    }

    static double[] softmax(float[] x, float t) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : x) max = Math.max(max, v / t);
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) sum += p[i] = Math.exp(x[i] / t - max);
        for (int i = 0; i < x.length; i++) p[i] /= sum;
        return p;
    }

    final float[] logits = {1.0f, 3.0f, 0.5f, 2.5f, -1.0f, 2.0f};

    @Test
    void greedyAndLogitBias() {
        assertThat(new Sampler(SamplingParams.GREEDY, 6).sample(logits, 0)).isEqualTo(1);
        SamplingParams biased = new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(1, -100f, 4, 5f), 0);
        assertThat(new Sampler(biased, 6).sample(logits, 0)).isEqualTo(4);
        assertThatThrownBy(() -> new Sampler(new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(6, 1f), 0), 6))
                .hasMessageContaining("logit_bias token id 6");
    }

    @Test
    void temperatureSamplingFollowsTheSoftmax() {
        for (float t : new float[] {0.5f, 1f, 2f}) {
            double[] f = frequencies(params(t, 0, 1f, 0f), logits, 200_000);
            double[] p = softmax(logits, t);
            for (int i = 0; i < p.length; i++) assertThat(f[i]).as("T=%s token %d", t, i).isCloseTo(p[i], org.assertj.core.data.Offset.offset(0.006));
        }
    }

    @Test
    void topKTopPAndMinPKeepTheRightSets() {
        // top-k 2: only tokens 1 and 3, renormalised
        double[] f = frequencies(params(1f, 2, 1f, 0f), logits, 100_000);
        double z = Math.exp(3.0) + Math.exp(2.5);
        assertThat(f[1]).isCloseTo(Math.exp(3.0) / z, org.assertj.core.data.Offset.offset(0.01));
        assertThat(f[0] + f[2] + f[4] + f[5]).isZero();
        // top-p: probabilities sorted 1 (.45), 3 (.27), 5 (.17), 0 (.06)...; p = 0.7 keeps {1, 3}, p = 0.8 keeps {1, 3, 5}
        double[] p = softmax(logits, 1f);
        assertThat(p[1] + p[3]).isLessThan(0.8).isGreaterThan(0.7);
        double[] f60 = frequencies(params(1f, 0, 0.7f, 0f), logits, 50_000);
        assertThat(f60[5] + f60[0] + f60[2] + f60[4]).isZero();
        double[] f70 = frequencies(params(1f, 0, 0.8f, 0f), logits, 50_000);
        assertThat(f70[5]).isGreaterThan(0.1);
        assertThat(f70[0] + f70[2] + f70[4]).isZero();
        // min-p 0.3: keep tokens with p >= 0.3 * p_max: exp(x - 3) >= 0.3 -> x >= 1.796: tokens 1, 3, 5
        double[] fm = frequencies(params(1f, 0, 1f, 0.3f), logits, 50_000);
        assertThat(fm[0] + fm[2] + fm[4]).isZero();
        assertThat(fm[5]).isGreaterThan(0.1);
    }

    @Test
    void penaltiesFollowTheOpenAiAndHfConventions() {
        // repetition 2: seen positive logit halves (3 -> 1.5), seen negative doubles
        SamplingParams rep = new SamplingParams(0f, 0, 1f, 0f, 2f, 0f, 0f, Map.of(), 0);
        Sampler s = new Sampler(rep, 6);
        s.acceptPrompt(new int[] {1});
        assertThat(s.sample(logits, 0)).isEqualTo(3);
        // presence 0.2 + frequency 0.2 per occurrence: token 1 once -> 3 - 0.4 = 2.6 > 2.5 still wins; twice -> 2.4 loses
        SamplingParams pf = new SamplingParams(0f, 0, 1f, 0f, 1f, 0.2f, 0.2f, Map.of(), 0);
        Sampler q = new Sampler(pf, 6);
        q.accept(1);
        assertThat(q.sample(logits, 0)).isEqualTo(1);
        q.accept(1);
        assertThat(q.sample(logits, 0)).isEqualTo(3);
    }

    @Test
    void seedsMakeDrawsRepeatable() {
        float[] flat = new float[1000];
        Sampler a = new Sampler(params(1f, 0, 1f, 0f).withSeed(5), 1000), b = new Sampler(params(1f, 0, 1f, 0f).withSeed(5), 1000);
        Sampler c = new Sampler(params(1f, 0, 1f, 0f).withSeed(6), 1000);
        boolean differs = false;
        for (int i = 0; i < 50; i++) {
            int x = a.sample(flat, 0);
            assertThat(b.sample(flat, 0)).isEqualTo(x);
            differs |= c.sample(flat, 0) != x;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void invalidParametersAreRejectedWithTheirName() {
        assertThatThrownBy(() -> params(-1f, 0, 1f, 0f)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> params(1f, -1, 1f, 0f)).hasMessageContaining("top_k");
        assertThatThrownBy(() -> params(1f, 0, 0f, 0f)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> params(1f, 0, 1f, 2f)).hasMessageContaining("min_p");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 1f, 0f, 0f, 0f, 0f, Map.of(), 0)).hasMessageContaining("repetition_penalty");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 1f, 0f, 1f, 3f, 0f, Map.of(), 0)).hasMessageContaining("presence_penalty");
    }
}

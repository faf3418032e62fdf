package dev.nemotron4j.engine;

import dev.nemotron4j.engine.loading.ModelSource;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.engine.TinyFixtures.Golden;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.engine.state.SequenceState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The pass criteria of testdata/tiny/README.md for every fixture model: logits of every sequence within
 * tolerance, argmax, greedy decode with cached state, and full-sequence versus incremental agreement.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class GoldenLogitsTest {

    private final Map<String, NemotronHModel> models = new HashMap<>();
    private final Map<String, Golden> goldens = new HashMap<>();

    static Stream<String> models() {
        return TinyFixtures.models();
    }

    @BeforeAll
    void load() {
        TinyFixtures.models().forEach(m -> {
            models.put(m, ModelSource.of(TinyFixtures.dir(m)).load());
            goldens.put(m, Golden.load(m));
        });
    }

    @AfterAll
    void close() {
        models.values().forEach(NemotronHModel::close);
        goldens.values().forEach(Golden::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void logitsOfEverySequenceMatchTheReference(String name) {
        NemotronHModel model = models.get(name);
        Golden golden = goldens.get(name);
        int vocab = model.vocabSize();
        for (JsonNode seq : golden.json().get("sequences")) {
            int[] tokens = TinyFixtures.ints(seq.get("tokens"));
            float[] expected = golden.tensor(seq.get("logits").asText());
            float[] actual = model.forwardAll(model.newState(), tokens, null);
            assertClose(name + " " + seq.get("name").asText(), actual, expected, golden.tolerance());
            int[] argmax = TinyFixtures.ints(seq.get("argmax"));
            for (int t = 0; t < tokens.length; t++) {
                if (seq.get("top1_margin").get(t).asDouble() > 2 * golden.tolerance()) {
                    assertThat(argmax(actual, t * vocab, vocab)).as("%s %s argmax at %d", name, seq.get("name").asText(), t).isEqualTo(argmax[t]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void greedyDecodeWithCachedStateReproducesTheReference(String name) {
        NemotronHModel model = models.get(name);
        Golden golden = goldens.get(name);
        int vocab = model.vocabSize();
        JsonNode decode = golden.json().get("decode");
        int[] prompt = TinyFixtures.ints(decode.get("prompt"));
        int[] expectedIds = TinyFixtures.ints(decode.get("generated"));
        float[] expectedLogits = golden.tensor(decode.get("logits").asText());

        SequenceState state = model.newState();
        float[] logits = model.forwardLast(state, prompt);
        int[] generated = new int[expectedIds.length];
        for (int i = 0; i < generated.length; i++) {
            assertClose(name + " decode step " + i, logits, Arrays.copyOfRange(expectedLogits, i * vocab, (i + 1) * vocab), golden.tolerance());
            generated[i] = argmax(logits, 0, vocab);
            if (i + 1 < generated.length) logits = model.forwardLast(state, new int[] {generated[i]});
        }
        assertThat(generated).as(name + " greedy ids").containsExactly(expectedIds);

        // The same 37 tokens through the full-sequence path: rows 5..36 are the decode logits.
        int[] all = new int[prompt.length + expectedIds.length - 1];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(expectedIds, 0, all, prompt.length, expectedIds.length - 1);
        float[] full = model.forwardAll(model.newState(), all, null);
        float[] rows = Arrays.copyOfRange(full, (prompt.length - 1) * vocab, all.length * vocab);
        assertClose(name + " full-sequence rows of the decode", rows, expectedLogits, golden.tolerance());
    }

    /**
     * The half-precision attention cache (opt-in) stays close to the reference: every golden sequence's logits
     * within a tolerance wider than the exact one, the same greedy decode; and it is really in use (the logits
     * differ from the exact float32 cache's).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void halfPrecisionCacheStaysCloseToTheReference(String name) {
        NemotronHModel model = models.get(name);
        Golden golden = goldens.get(name);
        double tol = Math.max(HALF_CACHE_TOLERANCE, golden.tolerance());
        boolean differs = false;
        model.setKvCacheType(KvCacheType.F16);
        try {
            for (JsonNode seq : golden.json().get("sequences")) {
                int[] tokens = TinyFixtures.ints(seq.get("tokens"));
                float[] expected = golden.tensor(seq.get("logits").asText());
                float[] half = model.forwardAll(model.newState(), tokens, null);
                assertClose(name + " " + seq.get("name").asText() + " (f16 cache)", half, expected, tol);
                model.setKvCacheType(KvCacheType.F32);
                differs |= !Arrays.equals(half, model.forwardAll(model.newState(), tokens, null));
                model.setKvCacheType(KvCacheType.F16);
            }
            JsonNode decode = golden.json().get("decode");
            SequenceState state = model.newState();
            float[] logits = model.forwardLast(state, TinyFixtures.ints(decode.get("prompt")));
            int[] expectedIds = TinyFixtures.ints(decode.get("generated"));
            int[] generated = new int[expectedIds.length];
            for (int i = 0; i < generated.length; i++) {
                generated[i] = argmax(logits, 0, model.vocabSize());
                if (i + 1 < generated.length) logits = model.forwardLast(state, new int[] {generated[i]});
            }
            assertThat(generated).as(name + " greedy ids with an f16 cache").containsExactly(expectedIds);
        } finally {
            model.setKvCacheType(KvCacheType.F32);
        }
        assertThat(differs).as(name + ": f16 cache logits differ from the float32 cache's somewhere").isTrue();
    }

    /** Largest logit difference allowed with a half-precision cache (the tiny fixtures measure up to 2.5e-3). */
    static final double HALF_CACHE_TOLERANCE = 1e-2;

    public static int argmax(float[] a, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
        return best;
    }

    public static void assertClose(String what, float[] actual, float[] expected, double tol) {
        assertThat(actual.length).as(what + " length").isGreaterThanOrEqualTo(expected.length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        if (!(worst <= tol)) fail("%s: max |diff| %.3g at index %d (actual %s, expected %s) exceeds %.1g", what, worst, at, actual[at], expected[at], tol);
    }
}

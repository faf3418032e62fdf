package dev.nemotron4j.engine;

import dev.nemotron4j.engine.loading.ModelSource;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.engine.TinyFixtures.Golden;
import dev.nemotron4j.engine.kernels.VectorWidth;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.SequenceState;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.nemotron4j.engine.GoldenLogitsTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-layer trace against the reference, and schedule independence: the chunked and recurrent Mamba scans,
 * every chunk size, and any split of a prompt into pieces give the reference logits.
 */
class TraceAndScheduleTest {

    static Stream<String> models() {
        return TinyFixtures.models();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyTraceTensorMatches(String name) {
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir(name)).load(); Golden golden = Golden.load(name)) {
            JsonNode trace = golden.json().get("trace");
            JsonNode seq = null;
            for (JsonNode s : golden.json().get("sequences")) if (s.get("name").asText().equals(trace.get("sequence").asText())) seq = s;
            int[] tokens = TinyFixtures.ints(seq.get("tokens"));
            Map<String, float[]> seen = new HashMap<>();
            model.forwardAll(model.newState(), tokens, (n, data, off, rows, cols) ->
                    seen.put(n, Arrays.copyOfRange(data, off, off + rows * cols)));
            double rel = golden.json().path("tolerance").path("trace_max_abs_rel").asDouble(1e-4);
            int checked = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = trace.get("tensors").fields(); it.hasNext(); ) {
                String tensor = it.next().getValue().asText();
                float[] expected = golden.tensor(tensor);
                assertThat(seen).as("engine produced " + tensor).containsKey(tensor);
                float[] actual = seen.get(tensor);
                if (tensor.endsWith(".topk_weight")) {
                    String layer = tensor.substring("trace.".length(), tensor.length() - ".topk_weight".length());
                    checkRoutes(name, layer, trace.get("routes").get(layer), seen, expected.length / tokens.length);
                    continue; // weights compared per expert in checkRoutes (order-free)
                }
                double scale = 0;
                for (float v : expected) scale = Math.max(scale, Math.abs(v));
                assertClose(name + " " + tensor, actual, expected, rel * Math.max(1, scale));
                checked++;
            }
            assertThat(checked).isGreaterThan(5);
        }
    }

    private static void checkRoutes(String name, String layer, JsonNode routes, Map<String, float[]> seen, int k) {
        float[] experts = seen.get("trace." + layer + ".topk_experts");
        float[] weights = seen.get("trace." + layer + ".topk_weight");
        JsonNode expExperts = routes.get("experts"), expWeights = routes.get("weights");
        for (int t = 0; t < expExperts.size(); t++) {
            Map<Integer, Double> expected = new HashMap<>();
            for (int j = 0; j < k; j++) expected.put(expExperts.get(t).get(j).asInt(), expWeights.get(t).get(j).asDouble());
            TreeSet<Integer> actualSet = new TreeSet<>();
            for (int j = 0; j < k; j++) {
                int e = (int) experts[t * k + j];
                actualSet.add(e);
                assertThat(expected).as("%s %s token %d expert set", name, layer, t).containsKey(e);
                assertThat((double) weights[t * k + j]).as("%s %s token %d weight of expert %d", name, layer, t, e)
                        .isCloseTo(expected.get(e), org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(actualSet).hasSize(k);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void chunkedAndRecurrentScansAgreeForEveryChunkSize(String name) {
        // Also one of the build's runs at every vector width (engine/pom.xml), but a whole model is too slow where the
        // Vector API emulates a width wider than the CPU's; the kernels' own tests cover that width.
        Assumptions.assumeFalse(VectorWidth.EMULATED, "vector width emulated: " + VectorWidth.describe());
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir(name)).load(); Golden golden = Golden.load(name)) {
            JsonNode seq = sequence(golden, "len64");
            int[] tokens = TinyFixtures.ints(seq.get("tokens"));
            float[] expected = golden.tensor(seq.get("logits").asText());
            int configured = model.config().chunkSize();
            for (int q : new int[] {1, 7, configured, tokens.length + 5}) {
                model.setMambaChunkSize(q);
                assertClose(name + " chunk " + q, model.forwardAll(model.newState(), tokens, null), expected, golden.tolerance());
            }
            model.setMambaChunkSize(configured);
            model.setMambaRecurrentOnly(true);
            assertClose(name + " recurrent scan", model.forwardAll(model.newState(), tokens, null), expected, golden.tolerance());
            model.setMambaRecurrentOnly(false);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void promptInUnevenPiecesEqualsOneForward(String name) {
        try (NemotronHModel model = ModelSource.of(TinyFixtures.dir(name)).load(); Golden golden = Golden.load(name)) {
            JsonNode seq = sequence(golden, "len300");
            int[] tokens = TinyFixtures.ints(seq.get("tokens"));
            float[] expected = golden.tensor(seq.get("logits").asText());
            int vocab = model.vocabSize();
            SequenceState state = model.newState();
            int[] pieces = {1, 2, 37, 5, 64, 1, 90};
            int pos = 0;
            float[] all = new float[tokens.length * vocab];
            for (int i = 0; pos < tokens.length; i++) {
                int n = Math.min(pieces[i % pieces.length], tokens.length - pos);
                float[] part = model.forwardAll(state, Arrays.copyOfRange(tokens, pos, pos + n), null);
                System.arraycopy(part, 0, all, pos * vocab, n * vocab);
                pos += n;
            }
            assertThat(state.position()).isEqualTo(tokens.length);
            assertClose(name + " pieces", all, expected, golden.tolerance());

            // fork mid-way: both copies continue identically; reset gives a fresh sequence
            SequenceState a = model.newState();
            model.forwardAll(a, Arrays.copyOf(tokens, 100), null);
            SequenceState b = a.fork();
            float[] la = model.forwardAll(a, Arrays.copyOfRange(tokens, 100, 110), null);
            float[] lb = model.forwardAll(b, Arrays.copyOfRange(tokens, 100, 110), null);
            assertThat(lb).containsExactly(la);
            assertClose(name + " fork", la, Arrays.copyOfRange(expected, 100 * vocab, 110 * vocab), golden.tolerance());
            a.reset();
            assertClose(name + " reset", model.forwardAll(a, Arrays.copyOf(tokens, 7), null),
                    Arrays.copyOf(expected, 7 * vocab), golden.tolerance());
        }
    }

    static JsonNode sequence(Golden golden, String name) {
        for (JsonNode s : golden.json().get("sequences")) if (s.get("name").asText().equals(name)) return s;
        throw new IllegalArgumentException(name);
    }
}

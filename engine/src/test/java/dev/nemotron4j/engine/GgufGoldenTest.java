package dev.nemotron4j.engine;

import dev.nemotron4j.engine.loading.ModelSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.SequenceState;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pass criteria of testdata/tiny-gguf/README.md: every GGUF fixture, loaded through the GGUF reader with
 * its weights dequantized exactly, reproduces its dequantized-weights golden (logits of len1/len7/len64 within
 * the file's tolerance, argmax where the margin allows, 16 greedy decode steps with cached state). Covers both
 * {@code testdata/tiny-gguf} and {@code testdata/tiny-gguf-published} (every ggml type of the published Nano files).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GgufGoldenTest {

    /** testdata/; fixture files are named relative to it. */
    static final Path ROOT = TinyFixtures.ROOT.getParent();
    static final List<String> SETS = List.of("tiny-gguf", "tiny-gguf-published");
    private final WorkerPool pool = new WorkerPool(2);

    static Stream<String> files() throws IOException {
        List<String> out = new ArrayList<>();
        for (String set : SETS) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(set))) {
                s.filter(p -> p.toString().endsWith(".gguf")).map(p -> ROOT.relativize(p).toString()).sorted().forEach(out::add);
            }
        }
        return out.stream();
    }

    @AfterAll
    void close() {
        pool.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void reproducesTheDequantizedWeightsGolden(String file) throws IOException {
        Path gguf = ROOT.resolve(file);
        String stem = gguf.getFileName().toString().replace(".gguf", "");
        JsonNode json = new ObjectMapper().readTree(gguf.resolveSibling(stem + ".golden-dequant.json").toFile());
        double tol = json.path("tolerance").path("logits_max_abs").asDouble();
        try (Arena arena = Arena.ofConfined();
             NemotronHModel model = ModelSource.of(gguf).load(pool)) {
            SafetensorsFile golden = SafetensorsFile.open(gguf.resolveSibling(stem + ".golden-dequant.safetensors"), arena);
            int vocab = model.vocabSize();
            for (JsonNode seq : json.get("sequences")) {
                int[] tokens = TinyFixtures.ints(seq.get("tokens"));
                float[] expected = floats(golden, seq.get("logits").asText());
                float[] actual = model.forwardAll(model.newState(), tokens, null);
                GoldenLogitsTest.assertClose(file + " " + seq.get("name").asText(), actual, expected, tol);
                int[] argmax = TinyFixtures.ints(seq.get("argmax"));
                for (int t = 0; t < tokens.length; t++) {
                    if (seq.get("top1_margin").get(t).asDouble() > 2 * tol) {
                        assertThat(GoldenLogitsTest.argmax(actual, t * vocab, vocab)).as("%s %s argmax at %d", file, seq.get("name").asText(), t).isEqualTo(argmax[t]);
                    }
                }
            }
            JsonNode decode = json.get("decode");
            int[] prompt = TinyFixtures.ints(decode.get("prompt"));
            int[] expectedIds = TinyFixtures.ints(decode.get("generated"));
            float[] expectedLogits = floats(golden, decode.get("logits").asText());
            SequenceState state = model.newState();
            float[] logits = model.forwardLast(state, prompt);
            int[] generated = new int[expectedIds.length];
            for (int i = 0; i < generated.length; i++) {
                GoldenLogitsTest.assertClose(file + " decode step " + i, logits, Arrays.copyOfRange(expectedLogits, i * vocab, (i + 1) * vocab), tol);
                generated[i] = GoldenLogitsTest.argmax(logits, 0, vocab);
                if (i + 1 < generated.length) logits = model.forwardLast(state, new int[] {generated[i]});
            }
            assertThat(generated).as(file + " greedy ids").containsExactly(expectedIds);
        }
    }

    static float[] floats(SafetensorsFile f, String name) {
        return f.tensors().get(name).data().toArray(ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN));
    }
}

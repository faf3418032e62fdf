package dev.nemotron4j.engine.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.GoldenLogitsTest;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.convert.ModelOptQuantizer.Calibration;
import dev.nemotron4j.engine.convert.ModelOptQuantizer.Format;
import dev.nemotron4j.engine.convert.ModelOptQuantizer.Recipe;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsWriter;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code quantize}: from the BF16 source {@code src-a}, the FP8 and NVFP4 selective exports are the fixtures' own
 * bytes ({@code fp8-a}, {@code nvfp4-a}: codes, scales, kept tensors, exclude list); FP8 codes equal an independent
 * brute-force round-to-nearest-even; recipe {@code all} quantizes attention too and reloads matching its own
 * dequantized weights; sharded inputs stay sharded; a quantized input is refused.
 */
class ModelOptQuantizerTest {

    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path fixture(String name) {
        return TinyFixtures.MODELOPT.resolve(name);
    }

    @Test
    void theSelectiveFp8ExportIsTheFixtureByteForByte() throws IOException {
        assertSameAsFixture(Format.FP8, "fp8-a");
    }

    @Test
    void theSelectiveNvfp4ExportIsTheFixtureByteForByte() throws IOException {
        assertSameAsFixture(Format.NVFP4, "nvfp4-a");
    }

    private void assertSameAsFixture(Format format, String expectedName) throws IOException {
        Path out = tmp.resolve(expectedName);
        List<long[]> progress = new ArrayList<>();
        ModelOptQuantizer.Summary s = ModelOptQuantizer.quantize(fixture("src-a"), out, format, Recipe.SELECTIVE, Calibration.NONE,
                (done, total, t) -> progress.add(new long[] {done, total}));
        assertThat(progress).isNotEmpty();
        assertThat(progress.getLast()[0]).isEqualTo(progress.getLast()[1]);
        try (SafetensorsCheckpoint got = SafetensorsCheckpoint.open(out); SafetensorsCheckpoint want = SafetensorsCheckpoint.open(fixture(expectedName))) {
            Set<String> expectedNames = new TreeSet<>();
            for (String n : want.names()) {
                if (n.endsWith(".input_scale") || n.endsWith(".k_scale") || n.endsWith(".v_scale")) continue; // calibration: not part of this check
                expectedNames.add(n);
                TensorInfo w = want.find(n).orElseThrow();
                TensorInfo g = got.find(n).orElseThrow(() -> new AssertionError("missing " + n));
                assertThat(g.dtype()).as(n).isEqualTo(w.dtype());
                assertThat(g.shape()).as(n).isEqualTo(w.shape());
                byte[] gb = g.data().toArray(ValueLayout.JAVA_BYTE), wb = w.data().toArray(ValueLayout.JAVA_BYTE);
                for (int i = 0; i < wb.length; i++) {
                    if (gb[i] != wb[i]) fail("%s byte %d: %02x, the fixture has %02x", n, i, gb[i] & 0xFF, wb[i] & 0xFF);
                }
            }
            assertThat(new TreeSet<>(got.names())).isEqualTo(expectedNames);
            assertThat(s.quantized()).hasSize(JSON.readTree(fixture(expectedName).resolve("golden.json").toFile()).path("quantization").path("quantized_weights").asInt());
        }
        JsonNode expected = JSON.readTree(fixture(expectedName).resolve("hf_quant_config.json").toFile()).get("quantization");
        JsonNode actual = JSON.readTree(out.resolve("hf_quant_config.json").toFile()).get("quantization");
        assertThat(actual.get("exclude_modules")).isEqualTo(expected.get("exclude_modules"));
        assertThat(actual.get("quant_algo")).isEqualTo(expected.get("quant_algo"));
        JsonNode qc = JSON.readTree(out.resolve("config.json").toFile()).get("quantization_config");
        assertThat(qc.get("quant_method").asText()).isEqualTo("modelopt");
        assertThat(qc.get("ignore")).isEqualTo(expected.get("exclude_modules"));
        assertThat(qc.get("config_groups")).isEqualTo(JSON.readTree(fixture(expectedName).resolve("config.json").toFile()).get("quantization_config").get("config_groups"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            assertThat(Files.readAllBytes(out.resolve(f))).as(f).isEqualTo(Files.readAllBytes(fixture("src-a").resolve(f)));
        }
        assertThat(out.resolve("golden.json")).doesNotExist();
        // and it loads, and computes what the fixture's golden says
        try (NemotronHModel m = ModelSource.of(out).load(); TinyFixtures.Golden golden = TinyFixtures.Golden.load(fixture(expectedName))) {
            JsonNode seq = golden.json().get("sequences").get(0);
            float[] logits = m.forwardAll(m.newState(), TinyFixtures.ints(seq.get("tokens")), null);
            GoldenLogitsTest.assertClose(expectedName + " re-made", logits, golden.tensor(seq.get("logits").asText()), golden.tolerance());
        }
    }

    /** E4M3 by definition; the nearest code found by trying all of them, ties to the even code, saturated at 448. */
    private static int bruteForceE4m3(float x) {
        double v = Math.min(448, Math.max(-448, x));
        int best = -1;
        double bestDiff = Double.POSITIVE_INFINITY;
        for (int code = 0; code < 256; code++) {
            int e = (code >>> 3) & 0xF, m = code & 7;
            if (e == 15 && m == 7) continue;
            double value = (e == 0 ? m / 8.0 * Math.pow(2, -6) : (1 + m / 8.0) * Math.pow(2, e - 7)) * ((code & 0x80) != 0 ? -1 : 1);
            if ((code & 0x80) != 0 && value == 0) continue; // -0 only for negative inputs below
            double d = Math.abs(value - v);
            if (d < bestDiff || (d == bestDiff && (code & 1) == 0 && (best & 1) == 1)) {
                best = code;
                bestDiff = d;
            }
        }
        if (Math.abs(v) > 0 && best == 0 && Float.floatToRawIntBits(x) < 0) best = 0x80;
        if (x == 0 && Float.floatToRawIntBits(x) < 0) best = 0x80;
        return best;
    }

    @Test
    void fp8CodesAreTheNearestEvenE4m3ValuesOfWeightOverScale() {
        java.util.Random rnd = new java.util.Random(7);
        float[] w = new float[20000];
        for (int i = 0; i < w.length; i++) {
            w[i] = switch (i % 4) {
                case 0 -> (float) rnd.nextGaussian() * 0.02f;
                case 1 -> (float) rnd.nextGaussian() * 1e-6f;     // the subnormal range
                case 2 -> bf16(rnd.nextFloat() * 0.5f - 0.25f);
                default -> (float) (rnd.nextGaussian() * 3);
            };
        }
        w[17] = 0.3f; // the amax
        float amax = ModelOptQuantizer.amax(w, 0, w.length), scale = ModelOptQuantizer.fp8Scale(amax);
        assertThat(scale).isEqualTo(amax / 448f);
        byte[] codes = ModelOptQuantizer.fp8Codes(w, scale);
        for (int i = 0; i < w.length; i++) {
            int expected = bruteForceE4m3(w[i] / scale);
            if ((codes[i] & 0xFF) != expected) fail("w[%d] = %s, w/scale = %s: code %02x, the nearest-even code %02x", i, w[i], w[i] / scale, codes[i] & 0xFF, expected);
        }
        // saturation: a value past the amax-derived range still gives ±448, never NaN
        assertThat(ModelOptQuantizer.fp8Codes(new float[] {1000f, -1000f, 460f, 470f}, 1f)).containsExactly((byte) 0x7E, (byte) 0xFE, (byte) 0x7E, (byte) 0x7E);
    }

    private static float bf16(float f) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(f) & 0xFFFF0000);
    }

    @Test
    void recipeAllQuantizesAttentionTooAndReloadsMatchingItsDequantizedWeights() throws IOException {
        Path out = tmp.resolve("fp8-all");
        ModelOptQuantizer.Summary s = ModelOptQuantizer.quantize(fixture("src-a"), out, Format.FP8, Recipe.ALL, Calibration.NONE, null);
        assertThat(s.excluded()).containsExactly("lm_head");
        assertThat(JSON.readTree(out.resolve("hf_quant_config.json").toFile()).get("quantization").get("exclude_modules").size()).isEqualTo(1);
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
            for (String n : List.of("backbone.layers.3.mixer.q_proj.weight", "backbone.layers.8.mixer.o_proj.weight", "backbone.layers.2.mixer.in_proj.weight")) {
                assertThat(ck.find(n).orElseThrow().dtype()).as(n).isEqualTo(DType.F8_E4M3);
            }
            for (String n : List.of("backbone.layers.0.mixer.conv1d.weight", "lm_head.weight", "backbone.embeddings.weight")) {
                assertThat(ck.find(n).orElseThrow().dtype()).as(n).isEqualTo(DType.BF16);
            }
            assertThat(ck.find("backbone.layers.1.mixer.gate.weight").orElseThrow().dtype()).isEqualTo(DType.F32);
        }
        // its own golden: the same model with every weight dequantized exactly into float32
        Path dequantized = dequantize(out, tmp.resolve("fp8-all-dequantized"));
        try (NemotronHModel q = ModelSource.of(out).load(); NemotronHModel d = ModelSource.of(dequantized).load();
             TinyFixtures.Golden golden = TinyFixtures.Golden.load(fixture("src-a"))) {
            int done = 0;
            for (JsonNode seq : golden.json().get("sequences")) {
                if (done++ == 3) break;
                int[] tokens = TinyFixtures.ints(seq.get("tokens"));
                float[] expected = d.forwardAll(d.newState(), tokens, null), actual = q.forwardAll(q.newState(), tokens, null);
                GoldenLogitsTest.assertClose("fp8 all vs its dequantized weights " + seq.get("name").asText(), actual, expected, 5e-4);
                float[] source = golden.tensor(seq.get("logits").asText());
                double moved = 0;
                for (int i = 0; i < source.length; i++) moved = Math.max(moved, Math.abs(source[i] - actual[i]));
                assertThat(moved).as("quantization really changed the model").isGreaterThan(1e-3);
            }
        }
    }

    /**
     * The hidden models' kinds: other patterns, widths and source dtypes ({@code tiny-b}: float16, hidden 48, dense MLP
     * layers; {@code tiny-c}: float32, attention first, experts of 16 columns; {@code tiny-d}: bfloat16 in 2 shards).
     * The selective FP8 export quantizes exactly the projections the recipe names (read here from the pattern, not
     * from the quantizer), keeps every other tensor bit for bit (the router widened exactly to F32), writes RNE codes
     * of {@code w/(amax/448)}, lists exactly the recipe's exclusions, stays sharded like its input, and reloads
     * computing what its own dequantized weights compute.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny-b", "tiny-c", "tiny-d"})
    void otherModelsGetExactlyTheSelectiveRecipe(String name) throws IOException {
        Path src = TinyFixtures.dir(name), out = tmp.resolve(name + "-fp8");
        ModelOptQuantizer.Summary s = ModelOptQuantizer.quantize(src, out, Format.FP8, Recipe.SELECTIVE, Calibration.NONE, null);
        String pattern = JSON.readTree(src.resolve("config.json").toFile()).get("hybrid_override_pattern").asText();
        Pattern projection = Pattern.compile("backbone\\.layers\\.(\\d+)\\.mixer\\..*_proj\\.weight");
        List<String> expectedExcluded = new ArrayList<>(List.of("lm_head"));
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) != '*') continue;
            if (i > 0 && pattern.charAt(i - 1) == 'M') expectedExcluded.addAll(List.of("backbone.layers." + (i - 1) + ".mixer.in_proj", "backbone.layers." + (i - 1) + ".mixer.out_proj"));
            for (String p : List.of("q_proj", "k_proj", "v_proj", "o_proj")) expectedExcluded.add("backbone.layers." + i + ".mixer." + p);
        }
        JsonNode hf = JSON.readTree(out.resolve("hf_quant_config.json").toFile()).get("quantization");
        List<String> excluded = new ArrayList<>();
        hf.get("exclude_modules").forEach(e -> excluded.add(e.asText()));
        assertThat(excluded).isEqualTo(expectedExcluded);
        int quantizedCount = 0;
        try (SafetensorsCheckpoint in = SafetensorsCheckpoint.open(src); SafetensorsCheckpoint got = SafetensorsCheckpoint.open(out)) {
            Set<String> expectedNames = new TreeSet<>();
            for (String n : in.names()) {
                TensorInfo t = in.find(n).orElseThrow(), g = got.find(n).orElseThrow(() -> new AssertionError(name + ": missing " + n));
                expectedNames.add(n);
                assertThat(g.file().getFileName()).as(n + ": the input's shard").isEqualTo(t.file().getFileName());
                Matcher m = projection.matcher(n);
                int layer = m.matches() ? Integer.parseInt(m.group(1)) : -1;
                boolean quantize = layer >= 0 && pattern.charAt(layer) != '*' && !(pattern.charAt(layer) == 'M' && layer + 1 < pattern.length() && pattern.charAt(layer + 1) == '*');
                float[] w = floats(t);
                if (quantize) {
                    quantizedCount++;
                    String module = n.substring(0, n.length() - ".weight".length());
                    expectedNames.add(module + ".weight_scale");
                    assertThat(g.dtype()).as(n).isEqualTo(DType.F8_E4M3);
                    float amax = 0;
                    for (float v : w) amax = Math.max(amax, Math.abs(v));
                    float scale = got.find(module + ".weight_scale").orElseThrow().data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
                    assertThat(scale).as(n + " scale").isEqualTo(amax / 448f);
                    byte[] codes = g.data().toArray(ValueLayout.JAVA_BYTE);
                    for (int i = 0; i < w.length; i++) {
                        if ((codes[i] & 0xFF) != bruteForceE4m3(w[i] / scale)) fail("%s %s element %d: code %02x for %s", name, n, i, codes[i] & 0xFF, w[i] / scale);
                    }
                } else if (n.endsWith(".mixer.gate.weight")) {
                    assertThat(g.dtype()).as(n).isEqualTo(DType.F32);
                    assertThat(floats(g)).as(n + ": widened exactly").containsExactly(w);
                } else {
                    assertThat(g.dtype()).as(n).isEqualTo(t.dtype());
                    assertThat(g.data().toArray(ValueLayout.JAVA_BYTE)).as(n + ": kept bit for bit").isEqualTo(t.data().toArray(ValueLayout.JAVA_BYTE));
                }
            }
            assertThat(new TreeSet<>(got.names())).isEqualTo(expectedNames);
        }
        assertThat(s.quantized()).hasSize(quantizedCount);
        assertThat(quantizedCount).isGreaterThan(8);
        assertThat(Files.exists(out.resolve(SafetensorsCheckpoint.INDEX_FILE))).isEqualTo(Files.exists(src.resolve(SafetensorsCheckpoint.INDEX_FILE)));
        Path dequantized = dequantize(out, tmp.resolve(name + "-fp8-dequantized"));
        try (NemotronHModel q = ModelSource.of(out).load(); NemotronHModel d = ModelSource.of(dequantized).load();
             TinyFixtures.Golden golden = TinyFixtures.Golden.load(name)) {
            JsonNode seq = golden.json().get("sequences").get(0);
            int[] tokens = TinyFixtures.ints(seq.get("tokens"));
            GoldenLogitsTest.assertClose(name + " fp8 vs its dequantized weights", q.forwardAll(q.newState(), tokens, null), d.forwardAll(d.newState(), tokens, null), 5e-4);
        }
    }

    @Test
    void nvfp4NamesAProjectionThatIsNotWholeBlocks() {
        // tiny-b's experts are 24 wide: their down_proj has 24 inputs, not whole blocks of 16
        assertThatThrownBy(() -> ModelOptQuantizer.quantize(TinyFixtures.dir("tiny-b"), tmp.resolve("b-nvfp4"), Format.NVFP4, Recipe.SELECTIVE, Calibration.NONE, null))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("down_proj.weight").hasMessageContaining("24 inputs")
                .hasMessageContaining("model.safetensors");
    }

    /** A float tensor's values (exact widening). */
    private static float[] floats(TensorInfo t) {
        float[] out = new float[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t.dtype()) {
                case BF16 -> Float.intBitsToFloat((t.data().getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i) & 0xFFFF) << 16);
                case F16 -> Float.float16ToFloat(t.data().getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i));
                case F32 -> t.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i);
                default -> Float.NaN;
            };
        }
        return out;
    }

    /** {@code quantized}'s weights dequantized (code × scale, exactly, in float32) into a plain checkpoint. */
    private static Path dequantize(Path quantized, Path out) throws IOException {
        Files.createDirectories(out);
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) Files.copy(quantized.resolve(f), out.resolve(f));
        ObjectMapper json = new ObjectMapper();
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(out.resolve("config.json").toFile());
        config.remove("quantization_config");
        json.writeValue(out.resolve("config.json").toFile(), config);
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(quantized)) {
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String n : ck.names()) {
                if (n.endsWith(".weight_scale") || n.endsWith("_scale") && !n.endsWith(".weight")) continue;
                TensorInfo t = ck.find(n).orElseThrow();
                entries.add(new SafetensorsWriter.Entry(n, t.dtype() == DType.F8_E4M3 ? DType.F32 : t.dtype(), t.shape()));
                names.add(n);
            }
            try (SafetensorsWriter w = SafetensorsWriter.create(out.resolve("model.safetensors"), entries, Map.of())) {
                for (String n : names) {
                    TensorInfo t = ck.find(n).orElseThrow();
                    if (t.dtype() != DType.F8_E4M3) {
                        w.write(n, t.data());
                        continue;
                    }
                    String m = n.substring(0, n.length() - ".weight".length());
                    float scale = ck.find(m + ".weight_scale").orElseThrow().data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
                    byte[] codes = t.data().toArray(ValueLayout.JAVA_BYTE);
                    ByteBuffer b = ByteBuffer.allocate(codes.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (byte c : codes) b.putFloat((float) (e4m3(c & 0xFF) * scale));
                    w.write(n, b.flip());
                }
            }
        }
        return out;
    }

    private static double e4m3(int code) {
        int e = (code >>> 3) & 0xF, m = code & 7;
        double v = e == 0 ? m / 8.0 * Math.pow(2, -6) : (1 + m / 8.0) * Math.pow(2, e - 7);
        return (code & 0x80) != 0 ? -v : v;
    }

    @Test
    void aShardedInputGivesAShardedOutputWithAnIndex() throws IOException {
        Path sharded = Files.createDirectories(tmp.resolve("src-sharded"));
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            Files.copy(fixture("src-a").resolve(f), sharded.resolve(f));
        }
        Map<String, String> weightMap = new java.util.LinkedHashMap<>();
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(fixture("src-a"))) {
            List<String> names = new ArrayList<>(ck.names());
            for (int shard = 0; shard < 2; shard++) {
                String file = "model-0000" + (shard + 1) + "-of-00002.safetensors";
                List<String> mine = names.subList(shard == 0 ? 0 : names.size() / 2, shard == 0 ? names.size() / 2 : names.size());
                List<SafetensorsWriter.Entry> entries = new ArrayList<>();
                for (String n : mine) {
                    TensorInfo t = ck.find(n).orElseThrow();
                    entries.add(new SafetensorsWriter.Entry(n, t.dtype(), t.shape()));
                    weightMap.put(n, file);
                }
                try (SafetensorsWriter w = SafetensorsWriter.create(sharded.resolve(file), entries, Map.of())) {
                    for (String n : mine) w.write(n, ck.find(n).orElseThrow().data());
                }
            }
        }
        var index = JSON.createObjectNode();
        weightMap.forEach(index.putObject("weight_map")::put);
        JSON.writeValue(sharded.resolve(SafetensorsCheckpoint.INDEX_FILE).toFile(), index);

        Path out = tmp.resolve("nvfp4-sharded"), single = tmp.resolve("nvfp4-single");
        ModelOptQuantizer.quantize(sharded, out, Format.NVFP4, Recipe.SELECTIVE, Calibration.NONE, null);
        ModelOptQuantizer.quantize(fixture("src-a"), single, Format.NVFP4, Recipe.SELECTIVE, Calibration.NONE, null);
        assertThat(out.resolve("model-00001-of-00002.safetensors")).exists();
        assertThat(out.resolve("model-00002-of-00002.safetensors")).exists();
        JsonNode map = JSON.readTree(out.resolve(SafetensorsCheckpoint.INDEX_FILE).toFile()).get("weight_map");
        String up = "backbone.layers.1.mixer.experts.0.up_proj";
        assertThat(map.get(up + ".weight_scale").asText()).isEqualTo(map.get(up + ".weight").asText());
        try (NemotronHModel a = ModelSource.of(out).load(); NemotronHModel b = ModelSource.of(single).load()) {
            int[] tokens = {1, 5, 9, 200, 31, 7};
            assertThat(a.forwardAll(a.newState(), tokens, null)).containsExactly(b.forwardAll(b.newState(), tokens, null));
        }
    }

    @Test
    void aQuantizedInputIsRefused() {
        for (String q : List.of("fp8-a", "nvfp4-a")) {
            assertThatThrownBy(() -> ModelOptQuantizer.quantize(fixture(q), tmp.resolve("again-" + q), Format.FP8, Recipe.SELECTIVE, Calibration.NONE, null))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("already quantized").hasMessageContaining(q);
        }
    }
}

package dev.nemotron4j.engine.loading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.GoldenLogitsTest;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.TinyFixtures.Golden;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsFile;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsWriter;
import dev.nemotron4j.engine.kernels.Bf16Matrix;
import dev.nemotron4j.engine.kernels.Fp8Matrix;
import dev.nemotron4j.engine.kernels.ModelOptNvfp4Matrix;
import dev.nemotron4j.engine.kernels.ScaledMatrix;
import dev.nemotron4j.engine.kernels.WeightMatrix;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.engine.state.SequenceState;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * NVIDIA ModelOpt FP8 and NVFP4 checkpoints (testdata/tiny-modelopt, its README): the fixtures pass the golden criteria
 * of testdata/tiny/README.md (logits within tolerance, argmax, greedy decode with cached state); projections are bound
 * in their stored precision with exactly the dequantized values; the other spellings real exports use load too; every
 * defect is one error naming the file and tensor.
 */
class ModelOptCheckpointTest {

    @TempDir
    Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path fixture(String name) {
        return TinyFixtures.MODELOPT.resolve(name);
    }

    // ---- goldens ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fp8-a", "fp8-g", "nvfp4-a", "src-a"})
    void everySequenceAndTheGreedyDecodeMatchTheGolden(String name) {
        assertMatchesGolden(fixture(name), fixture(name), true);
    }

    /** Logits of every golden sequence, argmax where the margin allows, and (if {@code decode}) the greedy decode. */
    static void assertMatchesGolden(Path model, Path goldenDir, boolean decode) {
        assertMatchesGolden(model, goldenDir, decode, Integer.MAX_VALUE);
    }

    /** {@link #assertMatchesGolden(Path, Path, boolean)} over the first {@code sequences} golden sequences. */
    static void assertMatchesGolden(Path model, Path goldenDir, boolean decode, int sequences) {
        try (NemotronHModel m = ModelSource.of(model).load(); Golden golden = Golden.load(goldenDir)) {
            int vocab = m.vocabSize();
            String name = model.getFileName().toString();
            int done = 0;
            for (JsonNode seq : golden.json().get("sequences")) {
                if (done++ == sequences) break;
                int[] tokens = TinyFixtures.ints(seq.get("tokens"));
                float[] actual = m.forwardAll(m.newState(), tokens, null);
                GoldenLogitsTest.assertClose(name + " " + seq.get("name").asText(), actual, golden.tensor(seq.get("logits").asText()), golden.tolerance());
                int[] argmax = TinyFixtures.ints(seq.get("argmax"));
                for (int t = 0; t < tokens.length; t++) {
                    if (seq.get("top1_margin").get(t).asDouble() > 2 * golden.tolerance()) {
                        assertThat(GoldenLogitsTest.argmax(actual, t * vocab, vocab)).as("%s %s argmax at %d", name, seq.get("name").asText(), t).isEqualTo(argmax[t]);
                    }
                }
            }
            if (!decode) return;
            JsonNode d = golden.json().get("decode");
            int[] expected = TinyFixtures.ints(d.get("generated"));
            float[] expectedLogits = golden.tensor(d.get("logits").asText());
            SequenceState state = m.newState();
            float[] logits = m.forwardLast(state, TinyFixtures.ints(d.get("prompt")));
            int[] generated = new int[expected.length];
            for (int i = 0; i < generated.length; i++) {
                GoldenLogitsTest.assertClose(name + " decode step " + i, logits, Arrays.copyOfRange(expectedLogits, i * vocab, (i + 1) * vocab), golden.tolerance());
                generated[i] = GoldenLogitsTest.argmax(logits, 0, vocab);
                if (i + 1 < generated.length) logits = m.forwardLast(state, new int[] {generated[i]});
            }
            assertThat(generated).as(name + " greedy ids").containsExactly(expected);
        }
    }

    /**
     * The FP8 attention cache with the checkpoints' calibrated per-layer scales ({@code k_proj.k_scale},
     * {@code v_proj.v_scale}) stays within {@link #FP8_CACHE_TOLERANCE} of the goldens on the sequences up to 64 tokens,
     * and is really in use (the logits differ from the float32 cache's). The tiny random models are very sensitive:
     * rounding their weights to FP8 moves their logits by 3–7 (testdata/tiny-modelopt/README.md); rounding the cached
     * keys and values moves them by up to 4.6 (measured: fp8-a 4.59, fp8-g 3.42, nvfp4-a 3.65).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fp8-a", "fp8-g", "nvfp4-a"})
    void fp8KvCacheWithTheCheckpointScalesStaysWithinItsTolerance(String name) {
        try (NemotronHModel m = ModelSource.of(fixture(name)).load(); Golden golden = Golden.load(fixture(name))) {
            double worst = 0;
            for (JsonNode seq : golden.json().get("sequences")) {
                int[] tokens = TinyFixtures.ints(seq.get("tokens"));
                if (tokens.length > 64) continue;
                float[] expected = golden.tensor(seq.get("logits").asText());
                m.setKvCacheType(KvCacheType.FP8);
                float[] fp8 = m.forwardAll(m.newState(), tokens, null);
                m.setKvCacheType(KvCacheType.F32);
                float[] exact = m.forwardAll(m.newState(), tokens, null);
                assertThat(fp8).as(name + ": the fp8 cache is in use").isNotEqualTo(exact);
                for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(fp8[i] - expected[i]));
                GoldenLogitsTest.assertClose(name + " " + seq.get("name").asText() + " (fp8 cache)", fp8, expected, FP8_CACHE_TOLERANCE);
            }
            System.out.printf("%s: fp8 KV cache with the checkpoint's scales, max |logit - golden| %.3g%n", name, worst);
        }
    }

    /** Largest logit difference allowed with the FP8 cache and calibrated scales (docs/ARCHITECTURE.md). */
    static final double FP8_CACHE_TOLERANCE = 6.0;

    // ---- stored precision, exact values ----

    @Test
    void fp8ProjectionsStayOneBytePerWeightWithTheirExactValues() {
        try (SafetensorsCheckpoint source = SafetensorsCheckpoint.open(fixture("fp8-a"))) {
            WeightBinder b = new WeightBinder(source, ModelOptQuantization.read(fixture("fp8-a")));
            for (String m : List.of("backbone.layers.0.mixer.in_proj", "backbone.layers.1.mixer.experts.5.down_proj", "backbone.layers.1.mixer.shared_experts.up_proj")) {
                TensorInfo w = source.find(m + ".weight").orElseThrow();
                int rows = (int) w.shape()[0], cols = (int) w.shape()[1];
                WeightMatrix bound = b.matrix(m + ".weight", rows, cols);
                assertThat(bound).as(m).isInstanceOf(ScaledMatrix.class);
                assertThat(((ScaledMatrix) bound).inner()).as(m).isInstanceOf(Fp8Matrix.class);
                assertThat(bound.byteSize()).as(m + " bytes").isEqualTo((long) rows * cols);
                float scale = source.find(m + ".weight_scale").orElseThrow().data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
                float[] row = new float[cols];
                for (int r = 0; r < rows; r++) {
                    bound.readRow(r, row, 0);
                    for (int c = 0; c < cols; c++) {
                        float expected = (float) (e4m3((int) w.data().get(ValueLayout.JAVA_BYTE, (long) r * cols + c) & 0xFF) * scale);
                        if (row[c] != expected) fail("%s [%d, %d]: %s, the exact dequantization %s", m, r, c, row[c], expected);
                    }
                }
            }
            WeightMatrix kept = b.matrix("backbone.layers.2.mixer.in_proj.weight", 328, 64);
            assertThat(kept).as("the Mamba layer before attention stays BF16").isInstanceOf(Bf16Matrix.class);
        }
    }

    @Test
    void nvfp4ProjectionsStayFourAndAHalfBitsPerWeightWithTheirExactValues() {
        try (SafetensorsCheckpoint source = SafetensorsCheckpoint.open(fixture("nvfp4-a"))) {
            WeightBinder b = new WeightBinder(source, ModelOptQuantization.read(fixture("nvfp4-a")));
            for (String m : List.of("backbone.layers.0.mixer.out_proj", "backbone.layers.1.mixer.experts.7.up_proj", "backbone.layers.1.mixer.experts.2.down_proj")) {
                TensorInfo w = source.find(m + ".weight").orElseThrow(), s = source.find(m + ".weight_scale").orElseThrow();
                int rows = (int) w.shape()[0], cols = (int) w.shape()[1] * 2;
                WeightMatrix bound = b.matrix(m + ".weight", rows, cols);
                assertThat(((ScaledMatrix) bound).inner()).as(m).isInstanceOf(ModelOptNvfp4Matrix.class);
                assertThat(bound.byteSize()).as(m + " bytes: 4.5 bits per weight").isEqualTo((long) rows * cols * 9 / 16);
                float global = source.find(m + ".weight_scale_2").orElseThrow().data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
                float[] row = new float[cols];
                for (int r = 0; r < rows; r++) {
                    bound.readRow(r, row, 0);
                    for (int c = 0; c < cols; c++) {
                        int code = w.data().get(ValueLayout.JAVA_BYTE, ((long) r * cols + c) / 2) & 0xFF;
                        int nibble = c % 2 == 0 ? code & 0xF : code >>> 4;
                        double block = e4m3(s.data().get(ValueLayout.JAVA_BYTE, (long) r * (cols / 16) + c / 16) & 0xFF);
                        float expected = (float) (E2M1[nibble] * block * global);
                        if (row[c] != expected) fail("%s [%d, %d]: %s, the exact dequantization %s", m, r, c, row[c], expected);
                    }
                }
            }
        }
    }

    @Test
    void quantizedModelsReadFewerBytesPerToken() {
        try (NemotronHModel src = ModelSource.of(fixture("src-a")).load(); NemotronHModel fp8 = ModelSource.of(fixture("fp8-a")).load();
             NemotronHModel nvfp4 = ModelSource.of(fixture("nvfp4-a")).load()) {
            assertThat(fp8.activeWeightBytesPerToken()).isLessThan(src.activeWeightBytesPerToken());
            assertThat(nvfp4.activeWeightBytesPerToken()).isLessThan(fp8.activeWeightBytesPerToken());
            assertThat(fp8.parameterCount()).isEqualTo(src.parameterCount());
        }
    }

    /** E4M3 ("fn") decoded from its definition, independently of the engine: bias 7, subnormals m/8·2⁻⁶. */
    static double e4m3(int code) {
        int e = (code >>> 3) & 0xF, m = code & 7;
        if (e == 15 && m == 7) return Double.NaN;
        double v = e == 0 ? m / 8.0 * Math.pow(2, -6) : (1 + m / 8.0) * Math.pow(2, e - 7);
        return (code & 0x80) != 0 ? -v : v;
    }

    static final double[] E2M1 = {0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6};

    // ---- other spellings ----

    @Test
    void theOtherSpellingsOfRealExportsLoadToo() throws IOException {
        // scalar scales of shape [1], no calibration scales, a BF16 router, the older nested quantization_config in
        // config.json without hf_quant_config.json, exclude patterns with non-Linear entries
        for (String name : List.of("fp8-a", "nvfp4-a")) {
            Path dir = copy(name);
            rewrite(dir.resolve("model.safetensors"), tensors -> {
                tensors.keySet().removeIf(n -> n.endsWith(".input_scale") || n.endsWith(".k_scale") || n.endsWith(".v_scale"));
                for (var e : tensors.entrySet()) {
                    Tensor t = e.getValue();
                    if (t.shape.length == 0) e.setValue(new Tensor(t.dtype, new long[] {1}, t.bytes));
                    if (e.getKey().endsWith("gate.weight")) e.setValue(toBf16(t));
                }
            });
            JsonNode hf = JSON.readTree(dir.resolve("hf_quant_config.json").toFile());
            Files.delete(dir.resolve("hf_quant_config.json"));
            ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
            ObjectNode q = ((ObjectNode) hf.get("quantization")).put("kv_cache_quant_algo", (String) null);
            ArrayNode excludes = q.putArray("exclude_modules");
            excludes.add("lm_head*").add("backbone.layers.2.mixer*").add("*.layers.3.*").add("backbone.layers.[7]*").add("backbone.layers.8.mixer.?_proj")
                    .add("*conv1d*").add("*norm*");
            ObjectNode qc = JSON.createObjectNode();
            qc.set("producer", hf.get("producer"));
            qc.set("quantization", q);
            qc.put("quant_method", "modelopt");
            config.set("quantization_config", qc);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
            assertThat(ModelSource.of(dir)).isInstanceOf(ModelSource.ModelOptDirectory.class);
            assertMatchesGolden(dir, fixture(name), false, 2);
        }
    }

    @Test
    void theNewerQuantizationConfigAloneLoadsToo() throws IOException {
        // no hf_quant_config.json: config.json's ModelOpt >= 0.29 form (config_groups, ignore, kv_cache_scheme); for
        // NVFP4 also without quant_algo, which is then read from the weights' config group (4-bit float)
        for (String name : List.of("fp8-a", "nvfp4-a")) {
            Path dir = copy(name);
            Files.delete(dir.resolve("hf_quant_config.json"));
            if (name.startsWith("nvfp4")) {
                ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
                ((ObjectNode) config.get("quantization_config")).remove("quant_algo");
                JSON.writeValue(dir.resolve("config.json").toFile(), config);
            }
            String algo = name.startsWith("fp8") ? ModelOptQuantization.FP8 : ModelOptQuantization.NVFP4;
            assertThat(ModelSource.of(dir)).isEqualTo(new ModelSource.ModelOptDirectory(dir, algo));
            ModelOptQuantization q = ModelOptQuantization.read(dir);
            assertThat(q.declaredIn()).isEqualTo(dir.resolve("config.json"));
            assertThat(q.kvCacheAlgorithm()).as("kv_cache_scheme: 8-bit float").contains(ModelOptQuantization.FP8);
            assertThat(q.excludes("backbone.layers.7.mixer.out_proj")).isTrue();
            assertThat(q.excludes("backbone.layers.6.mixer.out_proj")).isFalse();
            assertMatchesGolden(dir, fixture(name), true, 2);
        }
    }

    @Test
    void keptTensorsAndTheRouterInFloat16LoadToo() throws IOException {
        // exports of a float16 source: the kept BF16 tensors and the F32 router stored as F16 (those that convert exactly:
        // the goldens stay valid; a few tiny conv1d values would be subnormal in F16 and stay BF16)
        for (String name : List.of("fp8-a", "nvfp4-a")) {
            Path dir = copy(name);
            ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
            config.put("torch_dtype", "float16");
            JSON.writeValue(dir.resolve("config.json").toFile(), config);
            int[] converted = {0};
            rewrite(dir.resolve("model.safetensors"), tensors -> {
                for (var e : tensors.entrySet()) {
                    Tensor t = e.getValue();
                    Tensor f16 = t.dtype == DType.BF16 || e.getKey().endsWith("gate.weight") ? toF16(t) : null;
                    if (f16 != null) {
                        e.setValue(f16);
                        converted[0]++;
                    }
                }
            });
            assertThat(converted[0]).as(name + ": tensors now F16").isGreaterThan(20);
            try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(dir)) {
                assertThat(ck.find("backbone.layers.3.mixer.q_proj.weight").orElseThrow().dtype()).isEqualTo(DType.F16);
                assertThat(ck.find("backbone.layers.1.mixer.gate.weight").orElseThrow().dtype()).isEqualTo(DType.F16);
            }
            assertMatchesGolden(dir, fixture(name), true, 2);
        }
    }

    // ---- errors ----

    @Test
    void aQuantizedModuleWithoutItsScaleIsNamed() throws IOException {
        Path dir = copy("fp8-a");
        rewrite(dir.resolve("model.safetensors"), t -> t.remove("backbone.layers.0.mixer.in_proj.weight_scale"));
        assertRejected(dir, "model.safetensors", "backbone.layers.0.mixer.in_proj.weight", "without its scale", "in_proj.weight_scale");
        Path nv = copy("nvfp4-a");
        rewrite(nv.resolve("model.safetensors"), t -> t.remove("backbone.layers.1.mixer.experts.3.up_proj.weight_scale_2"));
        assertRejected(nv, "backbone.layers.1.mixer.experts.3.up_proj.weight", "weight_scale_2");
        Path nv2 = copy("nvfp4-a");
        rewrite(nv2.resolve("model.safetensors"), t -> t.remove("backbone.layers.1.mixer.shared_experts.down_proj.weight_scale"));
        assertRejected(nv2, "backbone.layers.1.mixer.shared_experts.down_proj.weight", "block scales");
    }

    @Test
    void aMisShapedScaleIsNamed() throws IOException {
        Path dir = copy("fp8-a");
        rewrite(dir.resolve("model.safetensors"), t -> {
            Tensor s = t.get("backbone.layers.0.mixer.out_proj.weight_scale");
            byte[] two = Arrays.copyOf(s.bytes, 8);
            t.put("backbone.layers.0.mixer.out_proj.weight_scale", new Tensor(DType.F32, new long[] {2}, two));
        });
        assertRejected(dir, "backbone.layers.0.mixer.out_proj.weight_scale", "[2]", "shape [] or [1]");
        Path nv = copy("nvfp4-a");
        rewrite(nv.resolve("model.safetensors"), t -> {
            Tensor s = t.get("backbone.layers.0.mixer.in_proj.weight_scale"); // [328, 4] -> [164, 8]
            t.put("backbone.layers.0.mixer.in_proj.weight_scale", new Tensor(s.dtype, new long[] {164, 8}, s.bytes));
        });
        assertRejected(nv, "backbone.layers.0.mixer.in_proj.weight_scale", "[164, 8]", "[328, 4]");
    }

    @Test
    void aNaNCodeIsNamed() throws IOException {
        Path dir = copy("fp8-a");
        rewrite(dir.resolve("model.safetensors"), t -> t.get("backbone.layers.5.mixer.in_proj.weight").bytes[64 * 3 + 5] = (byte) 0xFF);
        assertRejected(dir, "backbone.layers.5.mixer.in_proj.weight", "row 3, column 5", "NaN");
        Path nv = copy("nvfp4-a");
        rewrite(nv.resolve("model.safetensors"), t -> t.get("backbone.layers.1.mixer.experts.0.up_proj.weight_scale").bytes[4 * 2 + 1] = 0x7F);
        assertRejected(nv, "backbone.layers.1.mixer.experts.0.up_proj.weight_scale", "row 2, block 1", "NaN");
    }

    @Test
    void anExcludedModuleStoredQuantizedIsNamed() throws IOException {
        Path dir = copy("fp8-a");
        ObjectNode hf = (ObjectNode) JSON.readTree(dir.resolve("hf_quant_config.json").toFile());
        ((ArrayNode) hf.get("quantization").get("exclude_modules")).add("backbone.layers.*.mixer.shared_experts.*");
        JSON.writeValue(dir.resolve("hf_quant_config.json").toFile(), hf);
        assertRejected(dir, "model.safetensors", "backbone.layers.1.mixer.shared_experts.up_proj.weight", "excluded", "hf_quant_config.json");
    }

    @Test
    void unsupportedAlgorithmsAreRefusedClearly() throws IOException {
        for (String algo : List.of("MIXED_PRECISION", "INT4_AWQ")) {
            Path dir = copy("fp8-a");
            ObjectNode hf = (ObjectNode) JSON.readTree(dir.resolve("hf_quant_config.json").toFile());
            ((ObjectNode) hf.get("quantization")).put("quant_algo", algo);
            JSON.writeValue(dir.resolve("hf_quant_config.json").toFile(), hf);
            assertThat(ModelSource.of(dir)).isEqualTo(new ModelSource.ModelOptDirectory(dir, algo));
            if (algo.equals("MIXED_PRECISION")) {
                assertRejected(dir, "hf_quant_config.json", "MIXED_PRECISION", "not supported", "FP8 and NVFP4");
            } else {
                assertRejected(dir, "hf_quant_config.json", "unknown quant_algo 'INT4_AWQ'");
            }
        }
    }

    @Test
    void aNonFiniteScaleIsNamed() throws IOException {
        Path dir = copy("fp8-a");
        rewrite(dir.resolve("model.safetensors"), t -> t.put("backbone.layers.0.mixer.in_proj.weight_scale", f32(Float.POSITIVE_INFINITY)));
        assertRejected(dir, "backbone.layers.0.mixer.in_proj.weight_scale", "Infinity", "not finite");
        Path nv = copy("nvfp4-a");
        rewrite(nv.resolve("model.safetensors"), t -> t.put("backbone.layers.1.mixer.experts.4.down_proj.weight_scale_2", f32(Float.NaN)));
        assertRejected(nv, "backbone.layers.1.mixer.experts.4.down_proj.weight_scale_2", "NaN", "not finite");
    }

    private static Tensor f32(float v) {
        return new Tensor(DType.F32, new long[0], ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, v).array());
    }

    private static void assertRejected(Path dir, String... mustMention) {
        assertThatThrownBy(() -> ModelSource.of(dir).load().close()).isInstanceOf(ModelFormatException.class)
                .satisfies(e -> {
                    for (String s : mustMention) assertThat(e.getMessage()).contains(s);
                });
    }

    // ---- checkpoint rewriting ----

    private Path copy(String name) throws IOException {
        Path dst = Files.createDirectories(tmp.resolve(name + "-" + System.nanoTime()));
        try (Stream<Path> files = Files.list(fixture(name))) {
            for (Path f : files.toList()) Files.copy(f, dst.resolve(f.getFileName()));
        }
        return dst;
    }

    /** A tensor held in memory while a file is rewritten. */
    record Tensor(DType dtype, long[] shape, byte[] bytes) {}

    private static Tensor toBf16(Tensor t) {
        if (t.dtype != DType.F32) return t;
        ByteBuffer in = ByteBuffer.wrap(t.bytes).order(ByteOrder.LITTLE_ENDIAN), out = ByteBuffer.allocate(t.bytes.length / 2).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            int bits = Float.floatToRawIntBits(in.getFloat());
            if ((bits & 0xFFFF) != 0) throw new IllegalStateException("not an exact widening of bfloat16");
            out.putShort((short) (bits >>> 16));
        }
        return new Tensor(DType.BF16, t.shape, out.array());
    }

    /** {@code t} (BF16 or F32) as float16, or null unless every value converts exactly. */
    private static Tensor toF16(Tensor t) {
        int n = t.bytes.length / (t.dtype == DType.F32 ? 4 : 2);
        ByteBuffer in = ByteBuffer.wrap(t.bytes).order(ByteOrder.LITTLE_ENDIAN), out = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float v = t.dtype == DType.F32 ? in.getFloat() : Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
            short h = Float.floatToFloat16(v);
            if (Float.float16ToFloat(h) != v) return null;
            out.putShort(h);
        }
        return new Tensor(DType.F16, t.shape, out.array());
    }

    /** Reads every tensor of {@code file}, lets {@code edit} change the map, writes it back. */
    static void rewrite(Path file, Consumer<Map<String, Tensor>> edit) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            for (TensorInfo t : SafetensorsFile.open(file, arena).tensors().values()) {
                tensors.put(t.name(), new Tensor(t.dtype(), t.shape(), t.data().toArray(ValueLayout.JAVA_BYTE)));
            }
        }
        edit.accept(tensors);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        tensors.forEach((n, t) -> entries.add(new SafetensorsWriter.Entry(n, t.dtype, t.shape)));
        try (SafetensorsWriter w = SafetensorsWriter.create(file, entries, Map.of("format", "pt"))) {
            tensors.forEach((n, t) -> w.write(n, ByteBuffer.wrap(t.bytes)));
        }
    }
}

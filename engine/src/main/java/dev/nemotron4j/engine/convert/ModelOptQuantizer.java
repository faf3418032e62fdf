package dev.nemotron4j.engine.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsWriter;
import dev.nemotron4j.engine.kernels.E2m1;
import dev.nemotron4j.engine.kernels.E4m3;
import dev.nemotron4j.engine.loading.ModelOptQuantization;
import dev.nemotron4j.engine.model.LayerType;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes an NVIDIA ModelOpt "unified HF checkpoint" (FP8 or NVFP4, {@link ModelOptQuantization}) from a bfloat16 (or
 * float16/float32) Hugging Face Nemotron-H directory, with ModelOpt's arithmetic in float32:
 * <ul>
 *   <li>FP8: {@code weight_scale = amax/448} per tensor (per expert: each expert is its own module), codes
 *       {@link E4m3#fromFloat}{@code (w/scale)}: round to nearest even, saturated to ±448;</li>
 *   <li>NVFP4: {@code weight_scale_2 = amax/(6·448)}; per 16 inputs of a row a block scale
 *       {@code E4M3(block_amax/(6·weight_scale_2))} (1.0 for an all-zero block); codes the nearest {@link E2m1} of
 *       {@code w/(block scale·weight_scale_2)}, ties to the even code, two per byte, the first in the low nibble.</li>
 * </ul>
 * Which projections are quantized is the {@link Recipe}'s. Everything else is copied bit for bit, but the MoE router
 * ({@code gate.weight}), which is stored as float32 (an exact widening) as in NVIDIA's checkpoints. Calibration
 * ({@link Calibration}) adds {@code input_scale} per quantized module and {@code k_scale}/{@code v_scale} per
 * attention layer. The output is sharded like the input (same shard names and index), written tensor by tensor with
 * one tensor in memory at a time; config.json gets a {@code quantization_config}, {@code hf_quant_config.json} is
 * written, tokenizer, template and generation files are copied.
 */
public final class ModelOptQuantizer {
    private ModelOptQuantizer() {}

    /** The stored format of quantized projections. */
    public enum Format {
        FP8, NVFP4;

        /** The format {@code --format} names ({@code fp8}, {@code nvfp4}). */
        public static Format parse(String name) {
            return switch (name.toLowerCase()) {
                case "fp8" -> FP8;
                case "nvfp4" -> NVFP4;
                default -> throw new IllegalArgumentException("unknown format '" + name + "' (fp8, nvfp4)");
            };
        }
    }

    /**
     * Which projections are quantized. Never: embeddings, {@code lm_head}, norms, {@code conv1d}, the router, Mamba's
     * {@code A_log}/{@code D}/{@code dt_bias}.
     */
    public enum Recipe {
        /**
         * The paper's selective recipe (NVIDIA's Nano FP8 and NVFP4 checkpoints): every attention projection and the
         * in/out projections of the Mamba layer directly before each attention layer stay in the source precision.
         */
        SELECTIVE,
        /** Every projection (the ablation that shows why the recipe is selective). */
        ALL;

        /** The recipe {@code --recipe} names ({@code selective}, {@code all}). */
        public static Recipe parse(String name) {
            return switch (name.toLowerCase()) {
                case "selective" -> SELECTIVE;
                case "all" -> ALL;
                default -> throw new IllegalArgumentException("unknown recipe '" + name + "' (selective, all)");
            };
        }
    }

    /**
     * Activation ranges measured on calibration prompts ({@code amax} of each module's input, of each attention layer's
     * keys and values), keyed by module name ({@code backbone.layers.3.mixer.q_proj}); empty for a weight-only export.
     */
    public record Calibration(Map<String, Float> inputAmax, Map<String, Float> keyAmax, Map<String, Float> valueAmax) {
        public static final Calibration NONE = new Calibration(Map.of(), Map.of(), Map.of());

        public boolean isEmpty() {
            return inputAmax.isEmpty();
        }
    }

    /** Reports progress: bytes of the input processed so far, of the total. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total, String tensor);
    }

    /** What was written: the quantized modules' names and the exclude list. */
    public record Summary(List<String> quantized, List<String> excluded, long bytesWritten) {}

    /** Files copied from the input besides the weights and config.json. */
    private static final Pattern COPIED = Pattern.compile("tokenizer.*|special_tokens_map\\.json|generation_config\\.json|chat_template.*|.*\\.jinja|.*\\.py");
    /** A projection's weight: {@code <body>layers.<i>.mixer.<path>_proj.weight}. */
    private static final Pattern PROJECTION = Pattern.compile("(.*)layers\\.(\\d+)\\.mixer\\.((?:[a-z_]+\\.\\d+\\.|[a-z_]+\\.)?[a-z]+_proj)\\.weight");

    private static final float FP8_MAX = E4m3.MAX;
    private static final float FP4_MAX = E2m1.MAX;

    // ---- the arithmetic (public for tests: the exact bytes) ----

    /** FP8 per-tensor scale: {@code amax/448} (1 for an all-zero tensor). */
    public static float fp8Scale(float amax) {
        return amax == 0 ? 1f : amax / FP8_MAX;
    }

    /** NVFP4 global scale {@code weight_scale_2}: {@code amax/(6·448)} (1 for an all-zero tensor). */
    public static float nvfp4GlobalScale(float amax) {
        return amax == 0 ? 1f : amax / (FP4_MAX * FP8_MAX);
    }

    /** NVFP4 block scale code of a block with {@code blockAmax}: {@code E4M3(blockAmax/(6·global))}, 1.0 for zero. */
    public static int nvfp4BlockScale(float blockAmax, float global) {
        float s = blockAmax / (FP4_MAX * global);
        return E4m3.fromFloat(s == 0 ? 1f : s);
    }

    /** Largest magnitude of {@code w[from .. to)}. */
    static float amax(float[] w, int from, int to) {
        float a = 0;
        for (int i = from; i < to; i++) a = Math.max(a, Math.abs(w[i]));
        return a;
    }

    /** FP8 codes of {@code w} with per-tensor {@code scale}. */
    public static byte[] fp8Codes(float[] w, float scale) {
        byte[] out = new byte[w.length];
        for (int i = 0; i < w.length; i++) out[i] = (byte) E4m3.fromFloat(w[i] / scale);
        return out;
    }

    /** NVFP4 block scale codes [rows, cols/16] and packed codes [rows, cols/2] of the row-major {@code w}. */
    public static byte[][] nvfp4Codes(float[] w, int rows, int cols, float global) {
        int group = ModelOptQuantization.NVFP4_GROUP;
        byte[] scales = new byte[rows * (cols / group)], codes = new byte[rows * cols / 2];
        for (int r = 0; r < rows; r++) {
            for (int blk = 0; blk < cols / group; blk++) {
                int from = r * cols + blk * group;
                int sc = nvfp4BlockScale(amax(w, from, from + group), global);
                scales[r * (cols / group) + blk] = (byte) sc;
                float denom = E4m3.toFloat(sc) * global;
                for (int j = 0; j < group; j++) {
                    int e = from + j, code = E2m1.fromFloat(w[e] / denom);
                    codes[e >>> 1] |= (byte) ((e & 1) == 0 ? code : code << 4);
                }
            }
        }
        return new byte[][] {scales, codes};
    }

    // ---- the recipe ----

    /** Whether {@code tensorName} (a rank-2 weight) is a projection {@code recipe} quantizes in a model of {@code c}. */
    public static boolean quantizes(Recipe recipe, ModelConfig c, String tensorName) {
        Matcher m = PROJECTION.matcher(tensorName);
        if (!m.matches()) return false;
        int layer = Integer.parseInt(m.group(2));
        if (layer >= c.numLayers()) return false;
        if (recipe == Recipe.ALL) return true;
        if (c.layer(layer) == LayerType.ATTENTION) return false;
        return !(c.layer(layer) == LayerType.MAMBA && layer + 1 < c.numLayers() && c.layer(layer + 1) == LayerType.ATTENTION);
    }

    /**
     * The exclude list written to {@code hf_quant_config.json} ({@code exclude_modules}) and config.json ({@code ignore}):
     * {@code lm_head}, then for {@link Recipe#SELECTIVE} per attention layer the preceding Mamba layer's
     * {@code in_proj}/{@code out_proj} and the four attention projections (the spelling of NVIDIA's Nano config).
     */
    public static List<String> excludeModules(Recipe recipe, ModelConfig c, String body) {
        List<String> out = new ArrayList<>(List.of("lm_head"));
        if (recipe == Recipe.ALL) return out;
        for (int i = 0; i < c.numLayers(); i++) {
            if (c.layer(i) != LayerType.ATTENTION) continue;
            if (i > 0 && c.layer(i - 1) == LayerType.MAMBA) {
                out.add(body + "layers." + (i - 1) + ".mixer.in_proj");
                out.add(body + "layers." + (i - 1) + ".mixer.out_proj");
            }
            for (String p : List.of("q_proj", "k_proj", "v_proj", "o_proj")) out.add(body + "layers." + i + ".mixer." + p);
        }
        return out;
    }

    // ---- the command ----

    /**
     * Quantizes the checkpoint in {@code in} into the new directory {@code out}.
     *
     * @throws ModelFormatException naming the file for an input that is already quantized, not a Hugging Face
     *                              directory, or stores a projection in a type other than F32/F16/BF16
     */
    public static Summary quantize(Path in, Path out, Format format, Recipe recipe, Calibration calibration, Progress progress) throws IOException {
        checkInput(in);
        ModelConfig c = ModelConfig.load(in);
        Files.createDirectories(out);
        List<String> quantized = new ArrayList<>();
        long written = 0;
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(in)) {
            String body = bodyPrefix(ck);
            Map<Path, List<TensorInfo>> shards = new LinkedHashMap<>();
            long total = 0;
            for (String n : ck.names()) {
                TensorInfo t = ck.find(n).orElseThrow();
                if (t.dtype() == DType.F8_E4M3 || t.dtype() == DType.U8) {
                    throw new ModelFormatException(t.file() + ": tensor '" + n + "' is " + t.dtype() + ": the input is already quantized");
                }
                shards.computeIfAbsent(t.file(), f -> new ArrayList<>()).add(t);
                total += t.data().byteSize();
            }
            long done = 0;
            Map<String, String> weightMap = new LinkedHashMap<>();
            for (var shard : shards.entrySet()) {
                Path file = out.resolve(shard.getKey().getFileName());
                List<SafetensorsWriter.Entry> entries = new ArrayList<>();
                for (TensorInfo t : shard.getValue()) entries.addAll(outputs(t, format, recipe, c, calibration));
                for (SafetensorsWriter.Entry e : entries) weightMap.put(e.name(), file.getFileName().toString());
                try (SafetensorsWriter w = SafetensorsWriter.create(file, entries, Map.of("format", "pt"))) {
                    for (TensorInfo t : shard.getValue()) {
                        if (progress != null) progress.update(done, total, t.name());
                        if (write(w, t, format, recipe, c, calibration)) quantized.add(module(t.name()));
                        done += t.data().byteSize();
                    }
                }
                written += Files.size(file);
            }
            if (progress != null) progress.update(total, total, "");
            if (Files.isRegularFile(in.resolve(SafetensorsCheckpoint.INDEX_FILE))) writeIndex(out, weightMap, written);
            List<String> excluded = excludeModules(recipe, c, body);
            writeConfigs(in, out, format, excluded, calibration);
            copyAssets(in, out);
            return new Summary(quantized, excluded, written);
        }
    }

    /**
     * Checks that {@code in} is a Hugging Face directory that is not quantized yet.
     *
     * @throws ModelFormatException naming the file otherwise
     */
    public static void checkInput(Path in) {
        if (Files.isRegularFile(in.resolve(ModelOptQuantization.QUANT_CONFIG))) {
            throw new ModelFormatException(in.resolve(ModelOptQuantization.QUANT_CONFIG) + ": the input is already quantized; quantize reads a BF16 checkpoint");
        }
        Path config = in.resolve("config.json");
        if (!Files.isRegularFile(config)) throw new ModelFormatException(in + ": not a Hugging Face model directory (no config.json)");
        try {
            JsonNode qc = new ObjectMapper().readTree(config.toFile()).path("quantization_config");
            if (qc.isObject()) {
                throw new ModelFormatException(config + ": has a quantization_config (" + qc.path("quant_method").asText("?")
                        + "): the input is already quantized; quantize reads a BF16 checkpoint");
            }
        } catch (IOException e) {
            throw new ModelFormatException(config + ": malformed JSON: " + e.getMessage(), e);
        }
    }

    private static String bodyPrefix(SafetensorsCheckpoint ck) {
        for (String p : List.of("backbone.", "model.", "model.language_model.", "language_model.backbone.", "language_model.model.")) {
            if (ck.find(p + "embeddings.weight").isPresent() || ck.find(p + "embed_tokens.weight").isPresent()) return p;
        }
        return "backbone.";
    }

    private static String module(String weightName) {
        return weightName.substring(0, weightName.length() - ".weight".length());
    }

    private static boolean isRouter(String name) {
        return name.endsWith(".mixer.gate.weight");
    }

    private static boolean quantized(TensorInfo t, Recipe recipe, ModelConfig c) {
        return t.rank() == 2 && quantizes(recipe, c, t.name());
    }

    /** The output tensors that {@code t} becomes, in write order. */
    private static List<SafetensorsWriter.Entry> outputs(TensorInfo t, Format format, Recipe recipe, ModelConfig c, Calibration cal) {
        List<SafetensorsWriter.Entry> out = new ArrayList<>();
        String name = t.name();
        if (quantized(t, recipe, c)) {
            checkFloat(t);
            String m = module(name);
            long rows = t.shape()[0], cols = t.shape()[1];
            if (format == Format.FP8) {
                out.add(new SafetensorsWriter.Entry(name, DType.F8_E4M3, t.shape()));
                out.add(new SafetensorsWriter.Entry(m + ".weight_scale", DType.F32, new long[0]));
            } else {
                if (cols % ModelOptQuantization.NVFP4_GROUP != 0) {
                    throw new ModelFormatException(t.file() + ": tensor '" + name + "': " + cols + " inputs are not whole NVFP4 blocks of 16");
                }
                out.add(new SafetensorsWriter.Entry(name, DType.U8, new long[] {rows, cols / 2}));
                out.add(new SafetensorsWriter.Entry(m + ".weight_scale", DType.F8_E4M3, new long[] {rows, cols / ModelOptQuantization.NVFP4_GROUP}));
                out.add(new SafetensorsWriter.Entry(m + ".weight_scale_2", DType.F32, new long[0]));
            }
            if (cal.inputAmax().containsKey(m)) out.add(new SafetensorsWriter.Entry(m + ".input_scale", DType.F32, new long[0]));
        } else if (isRouter(name) && t.dtype() != DType.F32) {
            out.add(new SafetensorsWriter.Entry(name, DType.F32, t.shape()));
        } else {
            out.add(new SafetensorsWriter.Entry(name, t.dtype(), t.shape()));
        }
        if (name.endsWith(".weight")) {
            String m = module(name);
            if (m.endsWith(".k_proj") && cal.keyAmax().containsKey(m)) out.add(new SafetensorsWriter.Entry(m + ".k_scale", DType.F32, new long[0]));
            if (m.endsWith(".v_proj") && cal.valueAmax().containsKey(m)) out.add(new SafetensorsWriter.Entry(m + ".v_scale", DType.F32, new long[0]));
        }
        return out;
    }

    /** Writes the tensors {@link #outputs} declared for {@code t}; whether it was quantized. */
    private static boolean write(SafetensorsWriter w, TensorInfo t, Format format, Recipe recipe, ModelConfig c, Calibration cal) {
        String name = t.name();
        boolean q = quantized(t, recipe, c);
        if (q) {
            String m = module(name);
            int rows = Math.toIntExact(t.shape()[0]), cols = Math.toIntExact(t.shape()[1]);
            float[] v = widen(t);
            float amax = amax(v, 0, v.length);
            if (format == Format.FP8) {
                float scale = fp8Scale(amax);
                w.write(name, ByteBuffer.wrap(fp8Codes(v, scale)));
                w.write(m + ".weight_scale", scalar(scale));
                if (cal.inputAmax().containsKey(m)) w.write(m + ".input_scale", scalar(fp8Scale(cal.inputAmax().get(m))));
            } else {
                float global = nvfp4GlobalScale(amax);
                byte[][] sc = nvfp4Codes(v, rows, cols, global);
                w.write(name, ByteBuffer.wrap(sc[1]));
                w.write(m + ".weight_scale", ByteBuffer.wrap(sc[0]));
                w.write(m + ".weight_scale_2", scalar(global));
                if (cal.inputAmax().containsKey(m)) w.write(m + ".input_scale", scalar(nvfp4GlobalScale(cal.inputAmax().get(m))));
            }
        } else if (isRouter(name) && t.dtype() != DType.F32) {
            float[] v = widen(t);
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) b.putFloat(f);
            w.write(name, b.flip());
        } else {
            w.write(name, t.data());
        }
        if (name.endsWith(".weight")) {
            String m = module(name);
            // KV-cache scales: amax/448, never below 1.0 (ModelOpt's floor, so that a small range is not stretched)
            if (m.endsWith(".k_proj") && cal.keyAmax().containsKey(m)) w.write(m + ".k_scale", scalar(Math.max(1f, cal.keyAmax().get(m) / FP8_MAX)));
            if (m.endsWith(".v_proj") && cal.valueAmax().containsKey(m)) w.write(m + ".v_scale", scalar(Math.max(1f, cal.valueAmax().get(m) / FP8_MAX)));
        }
        return q;
    }

    private static ByteBuffer scalar(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, v);
    }

    private static void checkFloat(TensorInfo t) {
        if (!t.dtype().isFloatWeight()) {
            throw new ModelFormatException(t.file() + ": tensor '" + t.name() + "' is " + t.dtype() + ": quantize reads F32, F16 or BF16 projections");
        }
    }

    /** The tensor's values as float32 (exact for BF16/F16). */
    private static float[] widen(TensorInfo t) {
        checkFloat(t);
        MemorySegment d = t.data();
        float[] out = new float[Math.toIntExact(t.elementCount())];
        ValueLayout.OfShort s = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t.dtype()) {
                case BF16 -> Float.intBitsToFloat(d.getAtIndex(s, i) << 16);
                case F16 -> Float.float16ToFloat(d.getAtIndex(s, i));
                default -> d.getAtIndex(f, i);
            };
        }
        return out;
    }

    private static void writeIndex(Path out, Map<String, String> weightMap, long totalBytes) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putObject("metadata").put("total_size", totalBytes);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve(SafetensorsCheckpoint.INDEX_FILE).toFile(), root);
    }

    private static void writeConfigs(Path in, Path out, Format format, List<String> excluded, Calibration cal) throws IOException {
        ObjectMapper json = new ObjectMapper();
        String algo = format == Format.FP8 ? ModelOptQuantization.FP8 : ModelOptQuantization.NVFP4;
        boolean kv = !cal.keyAmax().isEmpty();

        ObjectNode hf = json.createObjectNode();
        hf.putObject("producer").put("name", "nemotron4j").put("version", "0.1.0");
        ObjectNode q = hf.putObject("quantization");
        q.put("quant_algo", algo);
        if (kv) q.put("kv_cache_quant_algo", "FP8");
        else q.putNull("kv_cache_quant_algo");
        if (format == Format.NVFP4) q.put("group_size", ModelOptQuantization.NVFP4_GROUP);
        ArrayNode ex = q.putArray("exclude_modules");
        excluded.forEach(ex::add);
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve(ModelOptQuantization.QUANT_CONFIG).toFile(), hf);

        ObjectNode config = (ObjectNode) json.readTree(in.resolve("config.json").toFile());
        ObjectNode qc = json.createObjectNode();
        ObjectNode group = qc.putObject("config_groups").putObject("group_0");
        for (String part : List.of("input_activations", "weights")) {
            ObjectNode p = json.createObjectNode().put("dynamic", false);
            if (format == Format.NVFP4) p.put("group_size", ModelOptQuantization.NVFP4_GROUP);
            p.put("num_bits", format == Format.FP8 ? 8 : 4).put("type", "float");
            group.set(part, p);
        }
        group.putArray("targets").add("Linear");
        ArrayNode ignore = qc.putArray("ignore");
        excluded.forEach(ignore::add);
        if (kv) qc.putObject("kv_cache_scheme").put("dynamic", false).put("num_bits", 8).put("type", "float");
        qc.set("producer", hf.get("producer"));
        qc.put("quant_algo", algo);
        qc.put("quant_method", "modelopt");
        config.set("quantization_config", qc);
        json.writerWithDefaultPrettyPrinter().writeValue(out.resolve("config.json").toFile(), config);
    }

    private static void copyAssets(Path in, Path out) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(in)) {
            for (Path f : files) {
                if (Files.isRegularFile(f) && COPIED.matcher(f.getFileName().toString()).matches()) {
                    Files.copy(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

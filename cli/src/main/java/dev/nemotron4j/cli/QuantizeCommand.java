package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.convert.Calibrator;
import dev.nemotron4j.engine.convert.ModelOptQuantizer;
import dev.nemotron4j.engine.convert.ModelOptQuantizer.Calibration;
import dev.nemotron4j.engine.convert.ModelOptQuantizer.Format;
import dev.nemotron4j.engine.convert.ModelOptQuantizer.Recipe;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j quantize}: a bfloat16 Hugging Face checkpoint to an NVIDIA ModelOpt FP8 or NVFP4 checkpoint
 * ({@link ModelOptQuantizer}), the paper's selective post-training quantization by default.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a BF16 Hugging Face checkpoint to an NVIDIA ModelOpt FP8 or NVFP4 checkpoint (the paper's selective PTQ).")
final class QuantizeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "BF16_DIR", description = "Hugging Face directory with BF16 (or F16/F32) weights.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "OUT_DIR", description = "Output directory (created).")
    Path out;

    @Option(names = "--format", required = true, description = "fp8 (E4M3, one scale per tensor / expert) or nvfp4 (E2M1, E4M3 scales per 16 inputs).")
    String format;

    @Option(names = "--recipe", defaultValue = "selective",
            description = "selective (default: attention and the Mamba layer before each attention layer stay BF16) or all (every projection).")
    String recipe;

    @Option(names = "--calibration", paramLabel = "FILE.jsonl",
            description = "Calibration prompts, one JSON object per line with \"text\" or \"tokens\" (default: a small built-in set).")
    Path calibration;

    @Override
    public Integer call() throws Exception {
        Format f = Format.parse(format);
        Recipe r = Recipe.parse(recipe);
        if (calibration != null && !Files.isRegularFile(calibration)) throw new IllegalArgumentException(calibration + ": no such calibration file");
        if (Files.exists(out) && !(Files.isDirectory(out) && isEmpty(out))) {
            throw new IllegalArgumentException(out + ": exists and is not an empty directory");
        }
        ModelOptQuantizer.checkInput(model);
        long t0 = System.nanoTime();
        List<int[]> prompts = calibrationPrompts();
        System.err.printf("calibrating on %d prompts (%d tokens)%n", prompts.size(), prompts.stream().mapToInt(p -> p.length).sum());
        Calibration cal = Calibrator.run(model, prompts, WorkerPool.shared());
        ProgressBar bar = new ProgressBar(System.err, "quantize " + f.name().toLowerCase());
        ModelOptQuantizer.Summary s = ModelOptQuantizer.quantize(model, out, f, r, cal, bar::update);
        bar.finish();
        System.err.printf("wrote %s: %d projections %s, %d modules excluded (%s recipe), %,d bytes of weights in %.1f s%n",
                out, s.quantized().size(), f, s.excluded().size(), r.name().toLowerCase(), s.bytesWritten(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** Longest calibration sequence, in tokens (longer ones are cut). */
    static final int MAX_TOKENS = 512;

    /**
     * The default calibration set: short texts of the kinds a chat model sees (prose, code, arithmetic, a dialogue,
     * another language), so that every projection sees typical activations.
     */
    static final List<String> BUILT_IN_PROMPTS = List.of(
            "The history of the printing press begins in the fifteenth century, when movable type changed how books were made and read across Europe.",
            "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\nprint([fibonacci(i) for i in range(10)])",
            "Question: A train travels 180 kilometres in 2.5 hours. What is its average speed? Answer: 180 / 2.5 = 72 km/h.",
            "User: Can you suggest a quick vegetarian dinner?\nAssistant: Sure! Try a chickpea curry: sauté onion and garlic, add spices, tomatoes and chickpeas, and simmer for 15 minutes.",
            "La photosynthèse permet aux plantes de transformer la lumière du soleil en énergie chimique, en produisant de l'oxygène.",
            "SELECT customer_id, SUM(amount) AS total FROM orders WHERE created_at >= '2024-01-01' GROUP BY customer_id ORDER BY total DESC LIMIT 10;",
            "In quantum mechanics, the uncertainty principle states that the position and momentum of a particle cannot both be known exactly.",
            "Write a haiku about autumn leaves falling on a quiet river at dusk.");

    /** The calibration sequences: the file's lines ({@code "text"} or {@code "tokens"}), or the built-in prompts. */
    private List<int[]> calibrationPrompts() throws java.io.IOException {
        List<int[]> out = new ArrayList<>();
        Tokenizer tokenizer = null;
        List<JsonNode> lines = new ArrayList<>();
        if (calibration != null) {
            ObjectMapper json = new ObjectMapper();
            int n = 0;
            for (String line : Files.readAllLines(calibration)) {
                n++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException(calibration + ":" + n + ": not a JSON object: " + e.getMessage());
                }
                if (node == null || !(node.path("text").isTextual() || node.path("tokens").isArray())) {
                    throw new IllegalArgumentException(calibration + ":" + n + ": expected {\"text\": ...} or {\"tokens\": [...]}");
                }
                lines.add(node);
            }
            if (lines.isEmpty()) throw new IllegalArgumentException(calibration + ": no calibration prompts");
        } else {
            for (String p : BUILT_IN_PROMPTS) lines.add(new ObjectMapper().createObjectNode().put("text", p));
        }
        for (JsonNode node : lines) {
            int[] ids;
            if (node.path("tokens").isArray()) {
                ids = new int[node.get("tokens").size()];
                for (int i = 0; i < ids.length; i++) ids[i] = node.get("tokens").get(i).asInt();
            } else {
                if (tokenizer == null) {
                    Path file = model.resolve("tokenizer.json");
                    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(model + ": no tokenizer.json to tokenize the calibration prompts with");
                    tokenizer = Tokenizer.load(file);
                }
                ids = tokenizer.encode(node.get("text").asText(), true);
            }
            out.add(ids.length > MAX_TOKENS ? Arrays.copyOf(ids, MAX_TOKENS) : ids);
        }
        return out;
    }

    private static boolean isEmpty(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** One line redrawn in place: {@code quantize fp8 [#####.....]  45%  12.3/27.0 GB  tensor}. */
    static final class ProgressBar {
        private final PrintStream out;
        private final String label;
        private int lastPercent = -1;

        ProgressBar(PrintStream out, String label) {
            this.out = out;
            this.label = label;
        }

        void update(long done, long total, String tensor) {
            int percent = total == 0 ? 100 : (int) (100 * done / total);
            if (percent == lastPercent && !tensor.isEmpty()) return;
            lastPercent = percent;
            int filled = percent * 30 / 100;
            String shortName = tensor.length() > 48 ? "…" + tensor.substring(tensor.length() - 47) : tensor;
            out.printf("\r%s [%s%s] %3d%%  %.1f/%.1f GB  %-48s", label, "#".repeat(filled), ".".repeat(30 - filled), percent, done / 1e9, total / 1e9, shortName);
            out.flush();
        }

        void finish() {
            out.println();
        }
    }
}

package dev.nemotron4j.engine.loading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.weights.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an NVIDIA ModelOpt "unified HF checkpoint" declares about its quantization, read from
 * {@code hf_quant_config.json} ({@code {producer, quantization: {quant_algo, kv_cache_quant_algo, exclude_modules,
 * group_size}}}) or, where that file is absent, from {@code config.json}'s {@code quantization_config} with
 * {@code quant_method: "modelopt"} — in its older nested form (the same {@code quantization} object) or the newer
 * one ({@code quant_algo}, {@code ignore}, {@code kv_cache_scheme}, {@code config_groups}).
 *
 * <p>What is actually quantized is decided by each tensor's stored type ({@code F8_E4M3} for FP8, {@code U8} codes
 * for NVFP4); the exclude list is checked against it: a module it names must not be stored quantized.
 *
 * @param algorithm        {@link #FP8} or {@link #NVFP4}
 * @param excludeModules   module names kept unquantized, exactly or as fnmatch-style patterns ({@code *}, {@code ?}, {@code [..]})
 * @param kvCacheAlgorithm {@code kv_cache_quant_algo} ({@code FP8}), or empty when none is declared
 * @param declaredIn       the file the declaration was read from (for messages)
 */
public record ModelOptQuantization(String algorithm, List<String> excludeModules, Optional<String> kvCacheAlgorithm, Path declaredIn) {

    public static final String FP8 = "FP8";
    public static final String NVFP4 = "NVFP4";
    /** The file ModelOpt writes beside config.json. */
    public static final String QUANT_CONFIG = "hf_quant_config.json";
    /** NVFP4's only block size: inputs per E4M3 block scale. */
    public static final int NVFP4_GROUP = 16;

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelOptQuantization {
        excludeModules = List.copyOf(excludeModules);
    }

    /** Whether {@code dir}'s config declares a ModelOpt quantization (either file), without validating it. */
    public static boolean declared(Path dir) {
        return Files.isRegularFile(dir.resolve(QUANT_CONFIG)) || modelOptConfig(dir.resolve("config.json")).isPresent();
    }

    /** {@code quant_algo} as declared (for messages before the full check), or {@code (unknown algorithm)}. */
    static String declaredAlgorithm(Path dir) {
        JsonNode q = section(dir).node();
        String algo = text(q, "quant_algo");
        if (algo.isEmpty()) algo = inferAlgorithm(q);
        return algo.isEmpty() ? "(unknown algorithm)" : algo;
    }

    /**
     * The quantization declared in {@code dir}.
     *
     * @throws ModelFormatException naming the file for malformed JSON, {@code MIXED_PRECISION}, an unknown or missing
     *                              {@code quant_algo}, or an NVFP4 {@code group_size} other than 16
     */
    public static ModelOptQuantization read(Path dir) {
        Section s = section(dir);
        JsonNode q = s.node();
        String algo = text(q, "quant_algo");
        if (algo.isEmpty()) algo = inferAlgorithm(q);
        String upper = algo.toUpperCase(Locale.ROOT);
        if (upper.equals("MIXED_PRECISION")) {
            throw new ModelFormatException(s.file() + ": quant_algo MIXED_PRECISION (a different algorithm per layer, as in the larger "
                    + "Nemotron 3 checkpoints) is not supported; supported are FP8 and NVFP4 checkpoints");
        }
        if (!upper.equals(FP8) && !upper.equals(NVFP4)) {
            throw new ModelFormatException(s.file() + ": " + (algo.isEmpty() ? "no quant_algo" : "unknown quant_algo '" + algo + "'")
                    + ": supported are FP8 and NVFP4 ModelOpt checkpoints");
        }
        if (upper.equals(NVFP4) && q.hasNonNull("group_size") && q.get("group_size").asInt() != NVFP4_GROUP) {
            throw new ModelFormatException(s.file() + ": NVFP4 group_size " + q.get("group_size").asText() + ": NVFP4 has one block scale per "
                    + NVFP4_GROUP + " inputs");
        }
        List<String> excludes = new ArrayList<>();
        for (String key : List.of("exclude_modules", "ignore")) {
            JsonNode list = q.path(key);
            if (list.isMissingNode() || list.isNull()) continue;
            if (!list.isArray()) throw new ModelFormatException(s.file() + ": '" + key + "' is not a list of module names");
            list.forEach(e -> excludes.add(e.asText()));
        }
        String kv = text(q, "kv_cache_quant_algo");
        if (kv.isEmpty() && q.path("kv_cache_scheme").isObject()) {
            JsonNode scheme = q.get("kv_cache_scheme");
            if (scheme.path("num_bits").asInt() == 8 && scheme.path("type").asText().equals("float")) kv = FP8;
        }
        return new ModelOptQuantization(upper, excludes, kv.isEmpty() ? Optional.empty() : Optional.of(kv), s.file());
    }

    /** Whether {@code module} (a weight's name without {@code .weight}) is in the exclude list, exactly or by a pattern. */
    public boolean excludes(String module) {
        for (String e : excludeModules) {
            if (e.equals(module) || (isPattern(e) && glob(e).matcher(module).matches())) return true;
        }
        return false;
    }

    private static boolean isPattern(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    /** An fnmatch pattern as a regular expression: {@code *} any run, {@code ?} one character, {@code [..]}/{@code [!..]} sets. */
    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = pattern.indexOf(']', i + 2);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String set = pattern.substring(i + 1, close);
                        boolean negated = set.startsWith("!");
                        if (negated) set = set.substring(1);
                        re.append('[').append(negated ? "^" : "").append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** The JSON object that holds {@code quant_algo} etc., and the file it is in. */
    private record Section(JsonNode node, Path file) {}

    private static Section section(Path dir) {
        Path quantConfig = dir.resolve(QUANT_CONFIG);
        if (Files.isRegularFile(quantConfig)) {
            JsonNode root = parse(quantConfig);
            JsonNode q = root.path("quantization");
            return new Section(q.isObject() ? q : root, quantConfig);
        }
        Path config = dir.resolve("config.json");
        JsonNode qc = modelOptConfig(config)
                .orElseThrow(() -> new ModelFormatException(dir + ": no " + QUANT_CONFIG + " and no ModelOpt quantization_config in config.json"));
        JsonNode nested = qc.path("quantization");
        return new Section(nested.isObject() ? nested : qc, config);
    }

    /** config.json's {@code quantization_config} when its {@code quant_method} is {@code modelopt}. */
    private static Optional<JsonNode> modelOptConfig(Path config) {
        if (!Files.isRegularFile(config)) return Optional.empty();
        JsonNode qc = parse(config).path("quantization_config");
        return qc.isObject() && text(qc, "quant_method").equalsIgnoreCase("modelopt") ? Optional.of(qc) : Optional.empty();
    }

    /** The algorithm of a newer-form config without {@code quant_algo}, from its weight config group (8-bit float: FP8; 4-bit float: NVFP4). */
    private static String inferAlgorithm(JsonNode q) {
        for (JsonNode group : q.path("config_groups")) {
            JsonNode w = group.path("weights");
            if (!w.path("type").asText().equals("float")) continue;
            if (w.path("num_bits").asInt() == 8) return FP8;
            if (w.path("num_bits").asInt() == 4) return NVFP4;
        }
        return "";
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }

    private static JsonNode parse(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) throw new ModelFormatException(file + ": not a JSON object");
            return root;
        } catch (IOException e) {
            throw new ModelFormatException(file + ": malformed JSON: " + e.getMessage(), e);
        }
    }
}

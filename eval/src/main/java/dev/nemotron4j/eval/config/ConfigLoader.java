package dev.nemotron4j.eval.config;

import dev.nemotron4j.eval.json.CanonicalJson;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an {@link EvalConfig} from layers, lowest first: built-in defaults, the YAML file, then
 * {@code key=value} overrides. Relative dataset paths in the file are resolved against the file's directory.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Loads and merges; {@code file} may be null (defaults + overrides only). */
    public static EvalConfig load(Path file, List<String> overrides) {
        Map<String, Object> tree = defaults();
        if (file != null) {
            Map<String, Object> user = readYaml(file);
            resolveDatasetPaths(user, file.toAbsolutePath().getParent());
            deepMerge(tree, user);
        }
        Overrides.apply(tree, overrides);
        return bind(tree);
    }

    /** Binds a merged tree, with a readable message for typos and type errors. */
    public static EvalConfig bind(Map<String, Object> tree) {
        try {
            return CanonicalJson.bind(tree, EvalConfig.class);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException("invalid evaluation config: " + msg, e);
        }
    }

    /** The built-in defaults as a mutable tree. */
    public static Map<String, Object> defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
            if (in == null) throw new IllegalStateException("defaults.yaml missing from the eval jar");
            return asMap(new Load(LoadSettings.builder().build()).loadFromString(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)), "defaults.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A YAML text's top-level mapping. */
    public static Map<String, Object> readYamlText(String text, String where) {
        Object root = new Load(LoadSettings.builder().build()).loadFromString(text);
        return root == null ? new LinkedHashMap<>() : asMap(root, where);
    }

    /** A YAML file's top-level mapping (for other YAML inputs: gate policies, dataset manifests). */
    public static Map<String, Object> readYamlFile(Path file) {
        return readYaml(file);
    }

    static Map<String, Object> readYaml(Path file) {
        try {
            Object root = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
            return root == null ? new LinkedHashMap<>() : asMap(root, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config " + file, e);
        }
    }

    /** Merges {@code top} into {@code base}: maps recursively, everything else (lists included) replaced. */
    @SuppressWarnings("unchecked")
    public static void deepMerge(Map<String, Object> base, Map<String, Object> top) {
        top.forEach((key, value) -> {
            Object existing = base.get(key);
            if (existing instanceof Map<?, ?> em && value instanceof Map<?, ?> vm) {
                deepMerge((Map<String, Object>) em, (Map<String, Object>) vm);
            } else {
                base.put(key, copy(value));
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(copy(v)));
            return out;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static void resolveDatasetPaths(Map<String, Object> user, Path baseDir) {
        if (!(user.get("tasks") instanceof List<?> tasks)) return;
        for (Object t : tasks) {
            if (t instanceof Map<?, ?> task && task.get("dataset") instanceof String dataset && !dataset.isBlank()) {
                ((Map<String, Object>) task).put("dataset", baseDir.resolve(dataset).normalize().toString());
            }
            // params naming files (RULER's essay_file, squad_file; BFCL's answers_file) are datasets too
            if (t instanceof Map<?, ?> task && task.get("params") instanceof Map<?, ?> params) {
                for (Map.Entry<String, Object> e : ((Map<String, Object>) params).entrySet()) {
                    if (e.getKey().endsWith("_file") && e.getValue() instanceof String file && !file.isBlank()) {
                        e.setValue(baseDir.resolve(file).normalize().toString());
                    }
                }
            }
            if (t instanceof Map<?, ?> task && task.get("few_shot") instanceof Map<?, ?> fewShot
                    && fewShot.get("dataset") instanceof String dataset && !dataset.isBlank()) {
                ((Map<String, Object>) fewShot).put("dataset", baseDir.resolve(dataset).normalize().toString());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object root, String where) {
        if (!(root instanceof Map<?, ?>)) throw new IllegalArgumentException(where + ": top level must be a mapping");
        return (Map<String, Object>) copy(root);
    }
}

package dev.nemotron4j.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.train.optim.AdamW;
import dev.nemotron4j.train.optim.WarmupStableDecay;
import dev.nemotron4j.train.rl.GrpoConfig;
import dev.nemotron4j.train.tasks.Environments;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a training config: the built-in {@code defaults.yaml}, then a recipe or a file on top (maps merged key by
 * key; a file's top-level {@code recipe: NAME} puts that recipe between the defaults and the file), bound to a
 * {@link TrainConfig} with every bad value reported by its key.
 */
public final class TrainConfigReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainConfigReader() {}

    /** The names of the built-in recipes. */
    public static List<String> recipes() {
        return List.of("smoke", "pretrain-mini", "default", "default-mini");
    }

    /** A built-in recipe by name. */
    public static TrainConfig recipe(String name) {
        if (!recipes().contains(name)) throw new ConfigException("unknown recipe '" + name + "' (built in: " + String.join(", ", recipes()) + ")");
        return fromYaml(resource("recipes/" + name + ".yaml"), "recipe " + name);
    }

    /** A YAML file over the defaults. */
    public static TrainConfig file(Path file) {
        try {
            return fromYaml(Files.readString(file), file.toString(), file.toAbsolutePath().getParent());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** YAML text over the defaults; {@code origin} names it in errors. */
    public static TrainConfig fromYaml(String yaml, String origin) {
        return fromYaml(yaml, origin, null);
    }

    /** YAML text over the defaults; relative file paths in it resolve against {@code baseDir} (null: the working directory). */
    public static TrainConfig fromYaml(String yaml, String origin, Path baseDir) {
        Map<String, Object> tree = merged(yaml, origin);
        if (tree.containsKey("stages")) {
            throw new ConfigException(origin + ": stages: a staged config is a pipeline (TrainConfigReader.pipelineFromYaml)");
        }
        try {
            return bind(tree, baseDir);
        } catch (ConfigException e) {
            throw new ConfigException(origin + ": " + e.getMessage());
        }
    }

    /** A built-in recipe as a pipeline (one unnamed stage unless it has {@code stages:}). */
    public static TrainPipeline recipePipeline(String name) {
        if (!recipes().contains(name)) throw new ConfigException("unknown recipe '" + name + "' (built in: " + String.join(", ", recipes()) + ")");
        return pipelineFromYaml(resource("recipes/" + name + ".yaml"), "recipe " + name, null);
    }

    /** A YAML file over the defaults, as a pipeline. */
    public static TrainPipeline filePipeline(Path file) {
        try {
            return pipelineFromYaml(Files.readString(file), file.toString(), file.toAbsolutePath().getParent());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * YAML text over the defaults as a pipeline: without {@code stages:} one unnamed stage (the config itself);
     * with it, each listed stage ({@code name} plus any keys) merged over everything else, in order.
     */
    public static TrainPipeline pipelineFromYaml(String yaml, String origin, Path baseDir) {
        Map<String, Object> tree = merged(yaml, origin);
        String text = dump(tree);
        Object stages = tree.remove("stages");
        if (stages == null) {
            try {
                return new TrainPipeline(List.of(new TrainPipeline.Stage(null, bind(tree, baseDir))), text);
            } catch (ConfigException e) {
                throw new ConfigException(origin + ": " + e.getMessage());
            }
        }
        if (!(stages instanceof List<?> list) || list.isEmpty()) {
            throw new ConfigException(origin + ": stages: expected a non-empty list of stage sections, got " + ConfigNode.describe(stages));
        }
        List<TrainPipeline.Stage> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = origin + ": stages[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> raw)) throw new ConfigException(where + ": expected a section, got " + ConfigNode.describe(list.get(i)));
            @SuppressWarnings("unchecked") Map<String, Object> stage = new LinkedHashMap<>((Map<String, Object>) raw);
            Object name = stage.remove("name");
            if (!(name instanceof String n) || !n.matches("[a-z][a-z0-9-]*")) {
                throw new ConfigException(where + ".name: expected a lower-case name ([a-z][a-z0-9-]*), got " + ConfigNode.describe(name));
            }
            if (out.stream().anyMatch(st -> st.name().equals(n))) throw new ConfigException(where + ".name: '" + n + "' is used twice");
            Map<String, Object> stageTree = new LinkedHashMap<>(tree);
            deepMerge(stageTree, stage);
            try {
                out.add(new TrainPipeline.Stage(n, bind(stageTree, baseDir)));
            } catch (ConfigException e) {
                throw new ConfigException(where + " (" + n + "): " + e.getMessage());
            }
        }
        return new TrainPipeline(out, text);
    }

    /** The defaults, the named recipe (if any) and {@code yaml} merged into one settings tree. */
    private static Map<String, Object> merged(String yaml, String origin) {
        Map<String, Object> tree = parse(resource("defaults.yaml"), "defaults.yaml");
        Map<String, Object> user = parse(yaml, origin);
        Object base = user.remove("recipe");
        if (base != null) {
            if (!(base instanceof String name) || !recipes().contains(name)) {
                throw new ConfigException(origin + ": recipe: " + ConfigNode.describe(base) + " is not a built-in recipe (" + String.join(", ", recipes()) + ")");
            }
            deepMerge(tree, parse(resource("recipes/" + name + ".yaml"), "recipe " + name));
        }
        deepMerge(tree, user);
        return tree;
    }

    private static Map<String, Object> parse(String yaml, String origin) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(origin).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new ConfigException(origin + ": malformed YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null) return new LinkedHashMap<>();
        if (!(root instanceof Map<?, ?> m)) throw new ConfigException(origin + ": expected a map of settings at the top, got " + ConfigNode.describe(root));
        @SuppressWarnings("unchecked") Map<String, Object> map = (Map<String, Object>) m;
        return map;
    }

    @SuppressWarnings("unchecked")
    private static void deepMerge(Map<String, Object> base, Map<String, Object> top) {
        top.forEach((key, value) -> {
            Object existing = base.get(key);
            if (existing instanceof Map<?, ?> em && value instanceof Map<?, ?> vm) {
                Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) em);
                deepMerge(merged, (Map<String, Object>) vm);
                base.put(key, merged);
            } else {
                base.put(key, value);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withAbsolutePath(Object data, String path) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) data);
        copy.put("path", path);
        return copy;
    }

    private static TrainConfig bind(Map<String, Object> tree, Path baseDir) {
        ConfigNode root = new ConfigNode("", tree);
        long seed = root.integer("seed", 0, Long.MAX_VALUE);
        int steps = root.intValue("steps", 1, 100_000_000);
        int threads = root.intValue("threads", 1, 1024);
        int checkpointInterval = root.intValue("checkpoint_interval", 1, Integer.MAX_VALUE);
        int logInterval = root.intValue("log_interval", 1, Integer.MAX_VALUE);

        ConfigNode tok = root.node("tokenizer");
        TrainConfig.Tokenizer tokenizer = new TrainConfig.Tokenizer(tok.choice("type", List.of("byte-level", "bpe")),
                tok.intValue("vocab_size", ByteLevelTokenizer.VOCAB_SIZE, 1 << 20), tok.intValue("tasks", 1, 10_000_000),
                tok.bool("individual_digits"));
        tok.rejectUnknownKeys();

        ConfigNode m = root.node("model");
        TrainConfig.Implementation impl = TrainConfig.Implementation.valueOf(m.choice("implementation", List.of("reference", "fast")).toUpperCase());
        TrainConfig.Model model = model(m, impl, tokenizer.modelVocabSize());
        m.rejectUnknownKeys();

        ConfigNode d = root.node("data");
        String source = d.choice("source", List.of("synthetic", "jsonl", "tasks", "sft"));
        String path = d.optionalString("path", null);
        if (source.equals("jsonl")) {
            if (path == null) throw d.error("path", "missing: data.source jsonl reads the file named here");
            Path file = baseDir == null ? Path.of(path) : baseDir.resolve(path);
            if (!Files.isRegularFile(file)) throw d.error("path", "file not found: " + file);
            path = file.toAbsolutePath().normalize().toString();
        } else if (path != null) {
            throw d.error("path", "only data.source jsonl reads a file");
        }
        Map<String, Integer> environments = environmentWeights(d, source);
        long firstExample = d.integer("first_example", 0, Long.MAX_VALUE / 4);
        if (firstExample != 0 && !source.equals("tasks") && !source.equals("sft")) {
            throw d.error("first_example", "only data.source tasks and sft are indexed streams");
        }
        int inventedCities = d.intValue("invented_city_percent", 0, 100);
        if (inventedCities != 0 && !source.equals("sft")) throw d.error("invented_city_percent", "only data.source sft asks about invented cities");
        String cityStyle = d.choice("invented_city_style", List.of("syllables", "varied", "pieces"));
        if (!cityStyle.equals("syllables") && inventedCities == 0) {
            throw d.error("invented_city_style", "names no invented city: set data.invented_city_percent too");
        }
        boolean variedToolResults = d.bool("varied_tool_results");
        if (variedToolResults && !source.equals("sft")) throw d.error("varied_tool_results", "only data.source sft has tool messages");
        TrainConfig.Data data = new TrainConfig.Data(source, path, d.choice("packing", List.of("fill", "whole")),
                d.intValue("sequence_length", 2, 1 << 20), d.intValue("rows_per_micro_batch", 1, 1 << 20),
                environments, firstExample, inventedCities, cityStyle, variedToolResults);
        if (path != null) tree.put("data", withAbsolutePath(tree.get("data"), path));
        d.rejectUnknownKeys();

        ConfigNode s = root.node("schedule");
        double peak = s.number("peak_lr", Double.MIN_VALUE, 10);
        double floor = s.number("floor_lr", 0, 10);
        if (floor > peak) throw s.error("floor_lr", floor + " is above schedule.peak_lr " + peak);
        boolean isRl = tree.get("rl") != null;
        int warmup = s.intValue("warmup_steps", 0, isRl ? Integer.MAX_VALUE : steps);
        int decay = s.intValue("decay_steps", 0, isRl ? Integer.MAX_VALUE : steps);
        if (isRl) {
            warmup = 0; // a GRPO stage runs at rl.learning_rate throughout: the schedule section is not used
            decay = 0;
        }
        if (warmup + decay > steps) throw s.error("decay_steps", "warmup_steps + decay_steps = " + (warmup + decay) + " exceeds steps = " + steps);
        WarmupStableDecay.DecayShape shape = WarmupStableDecay.DecayShape.valueOf(
                s.choice("decay_shape", List.of("linear", "cosine", "one_minus_sqrt")).toUpperCase());
        WarmupStableDecay schedule = new WarmupStableDecay(peak, floor, warmup, steps - warmup - decay, decay, shape);
        s.rejectUnknownKeys();

        ConfigNode o = root.node("optimizer");
        AdamW.Settings adam = new AdamW.Settings(o.number("beta1", 0, Math.nextDown(1.0)), o.number("beta2", 0, Math.nextDown(1.0)),
                o.number("epsilon", Double.MIN_VALUE, 1), o.number("weight_decay", 0, 10));
        TrainConfig.Optimizer optimizer = new TrainConfig.Optimizer(adam, o.number("grad_clip", 0, 1e12),
                o.intValue("gradient_accumulation", 1, 1 << 20), o.bool("freeze_router"));
        o.rejectUnknownKeys();

        ConfigNode b = root.node("balancing");
        TrainConfig.Balancing balancing = new TrainConfig.Balancing(b.bool("aux_loss_free"), b.number("bias_update_rate", 0, 1),
                b.number("sequence_aux_loss", 0, 1));
        b.rejectUnknownKeys();
        TrainConfig.Rl rl = null;
        if (root.has("rl")) {
            rl = rl(root.node("rl"), seed, adam, optimizer.gradClip());
        } else {
            root.optionalString("rl", null);
        }
        root.rejectUnknownKeys();
        return new TrainConfig(seed, steps, threads, checkpointInterval, logInterval, model, tokenizer, data, schedule, optimizer,
                balancing, rl, dump(tree));
    }

    /** The {@code rl:} section (docs/TRAINING.md, "GRPO"): {@link GrpoConfig} with the optimizer section's AdamW. */
    private static TrainConfig.Rl rl(ConfigNode r, long seed, AdamW.Settings adam, double gradClip) {
        GrpoConfig defaults = GrpoConfig.defaults(seed);
        try {
            GrpoConfig grpo = new GrpoConfig(seed,
                    r.has("prompts_per_step") ? r.intValue("prompts_per_step", 1, 1 << 16) : defaults.promptsPerStep(),
                    r.has("group_size") ? r.intValue("group_size", 2, 1 << 10) : defaults.groupSize(),
                    r.has("max_completion_tokens") ? r.intValue("max_completion_tokens", 1, 1 << 20) : defaults.maxCompletionTokens(),
                    r.has("temperature") ? (float) r.number("temperature", Math.ulp(0f), 100) : defaults.temperature(),
                    r.has("learning_rate") ? r.number("learning_rate", 0, 10) : defaults.learningRate(),
                    adam, gradClip,
                    r.has("clip_epsilon") ? r.number("clip_epsilon", Math.ulp(0.0), Math.nextDown(1.0)) : defaults.clipEpsilon(),
                    r.has("updates_per_batch") ? r.intValue("updates_per_batch", 1, 1000) : defaults.updatesPerBatch(),
                    r.has("importance_cap") ? r.number("importance_cap", Math.nextUp(1.0), 1e12) : defaults.importanceCap(),
                    r.has("format_reward_weight") ? r.number("format_reward_weight", 0, 100) : defaults.formatRewardWeight(),
                    r.has("advantage_epsilon") ? r.number("advantage_epsilon", 0, 1) : defaults.advantageEpsilon(),
                    r.has("fresh_fraction") ? r.number("fresh_fraction", 0, 1) : defaults.freshFraction(),
                    r.has("max_visits") ? r.intValue("max_visits", 1, 1 << 20) : defaults.maxVisits(),
                    r.has("max_batch") ? r.intValue("max_batch", 1, 1 << 16) : defaults.maxBatch());
            Map<String, Integer> environments = r.has("environments") ? weights(r, "environments") : null;
            r.rejectUnknownKeys();
            return new TrainConfig.Rl(grpo, environments);
        } catch (IllegalArgumentException e) {
            if (e instanceof ConfigException) throw e;
            throw new ConfigException("rl: " + e.getMessage());
        }
    }

    /** The model's config.json: the built-in Nemotron-H shape with {@code model.config}'s keys over it. */
    /** {@code data.environments}: environment name → weight (1..1000), SFT only; null when absent (every environment once). */
    private static Map<String, Integer> environmentWeights(ConfigNode d, String source) {
        if (!d.has("environments")) {
            d.optionalString("environments", null); // marks the key read (null)
            return null;
        }
        if (!source.equals("sft")) throw d.error("environments", "only data.source sft mixes environments");
        return weights(d, "environments");
    }

    /** {@code key}: environment name → weight (1..1000), in the config's order. */
    private static Map<String, Integer> weights(ConfigNode parent, String key) {
        Map<String, Object> raw = parent.rawMap(key);
        if (raw.isEmpty()) throw parent.error(key, "empty: name at least one environment with its weight");
        ConfigNode weights = new ConfigNode(parent.qualified(key), raw);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String name : raw.keySet()) {
            try {
                Environments.byName(name);
            } catch (IllegalArgumentException e) {
                throw weights.error(name, e.getMessage());
            }
            out.put(name, weights.intValue(name, 1, 1000));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static TrainConfig.Model model(ConfigNode m, TrainConfig.Implementation impl, int vocab) {
        Map<String, Object> overrides = m.rawMap("config");
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(resource("nemotron-h-config.json"));
            for (Map.Entry<String, Object> e : overrides.entrySet()) {
                if (!json.has(e.getKey()) && !List.of("num_hidden_layers", "vocab_size").contains(e.getKey())) {
                    throw m.error("config." + e.getKey(), "not a config.json key of Nemotron-H (known: " + String.join(", ", fieldNames(json)) + ")");
                }
                json.set(e.getKey(), JSON.valueToTree(e.getValue()));
            }
            if (json.has("vocab_size") && overrides.containsKey("vocab_size") && json.get("vocab_size").asInt() != vocab) {
                throw m.error("config.vocab_size", json.get("vocab_size") + " disagrees with the tokenizer's " + vocab + " tokens (leave it out)");
            }
            json.put("vocab_size", vocab);
            String pattern = json.path("hybrid_override_pattern").asText();
            if (!overrides.containsKey("num_hidden_layers")) json.put("num_hidden_layers", pattern.length());
            String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json);
            ModelConfig config;
            try {
                config = ModelConfig.parse(text, m.qualified("config"));
            } catch (ModelFormatException e) {
                throw new ConfigException(e.getMessage());
            }
            if (pattern.indexOf('E') >= 0 && config.numExpertsPerTok() > config.nRoutedExperts()) {
                throw m.error("config.num_experts_per_tok", config.numExpertsPerTok() + " exceeds n_routed_experts " + config.nRoutedExperts());
            }
            return new TrainConfig.Model(impl, text, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fieldNames(ObjectNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String dump(Map<String, Object> tree) {
        return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(tree);
    }

    static String resource(String name) {
        try (InputStream in = TrainConfigReader.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " missing from the train jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

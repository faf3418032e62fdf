package dev.nemotron4j.eval.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code eval run} flags as a config layer on top of the YAML file. Flags are shorthands for
 * overrides ({@code --repeats 4} is {@code -o run.repeats=4}); explicit {@code -o} overrides come last.
 * {@code --task} selects (or adds) tasks by name; {@code --dataset} sets the dataset of the single selected task.
 * The judge flags set {@code judge.url}, {@code judge.model} and {@code judge.api_key_env}. Null fields are "not given".
 */
public record CommandLineOptions(Path config, String model, String endpoint, String servedModel, String endpointType,
                                 String apiKeyEnv, List<String> tasks, Path dataset, Integer limit, Integer repeats,
                                 Long seed, Integer parallelism, Integer maxTokens, Double temperature,
                                 List<String> overrides, Path out, Judge judge) {

    /**
     * The LLM judge's flags ({@code --judge-url}, {@code --judge-model}, {@code --judge-api-key-env}).
     *
     * @param url       the judge's OpenAI-compatible base URL
     * @param model     the judge model's name at that endpoint
     * @param apiKeyEnv the environment variable holding the judge's API key (its name, never the key)
     */
    public record Judge(String url, String model, String apiKeyEnv) {}

    public CommandLineOptions {
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    /** Options without judge flags. */
    public CommandLineOptions(Path config, String model, String endpoint, String servedModel, String endpointType,
                              String apiKeyEnv, List<String> tasks, Path dataset, Integer limit, Integer repeats,
                              Long seed, Integer parallelism, Integer maxTokens, Double temperature,
                              List<String> overrides, Path out) {
        this(config, model, endpoint, servedModel, endpointType, apiKeyEnv, tasks, dataset, limit, repeats, seed, parallelism,
                maxTokens, temperature, overrides, out, null);
    }

    /** Merges defaults, the config file and these options into a config. */
    @SuppressWarnings("unchecked")
    public EvalConfig resolve() {
        Map<String, Object> tree = ConfigLoader.defaults();
        if (config != null) {
            EvalConfig fromFile = ConfigLoader.load(config, List.of());   // validates and resolves dataset paths
            tree = dev.nemotron4j.eval.json.CanonicalJson.MAPPER.convertValue(fromFile, Map.class);
        }
        if (model != null) {
            Overrides.set(tree, "target.model", model);
            Overrides.set(tree, "target.endpoint", null);
        }
        dev.nemotron4j.eval.target.ApiKey.requireName(apiKeyEnv, "--api-key-env");
        if (endpoint != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("url", endpoint);
            e.put("model", servedModel);
            e.put("api_key_env", apiKeyEnv);
            e.put("type", endpointType == null ? "chat" : endpointType);
            Overrides.set(tree, "target.endpoint", e);
            Overrides.set(tree, "target.model", null);
        }
        selectTasks(tree);
        if (limit != null) Overrides.set(tree, "run.limit", limit);
        if (repeats != null) Overrides.set(tree, "run.repeats", repeats);
        if (seed != null) Overrides.set(tree, "run.seed", seed);
        if (parallelism != null) Overrides.set(tree, "run.parallelism", parallelism);
        if (maxTokens != null) Overrides.set(tree, "generation.max_tokens", maxTokens);
        if (temperature != null) Overrides.set(tree, "generation.temperature", temperature);
        if (out != null) Overrides.set(tree, "output.dir", out.toAbsolutePath().normalize().toString());
        if (judge != null) {
            dev.nemotron4j.eval.target.ApiKey.requireName(judge.apiKeyEnv(), "--judge-api-key-env");
            if (judge.url() != null) Overrides.set(tree, "judge.url", judge.url());
            if (judge.model() != null) Overrides.set(tree, "judge.model", judge.model());
            if (judge.apiKeyEnv() != null) Overrides.set(tree, "judge.api_key_env", judge.apiKeyEnv());
        }
        Overrides.apply(tree, overrides);
        return ConfigLoader.bind(tree);
    }

    @SuppressWarnings("unchecked")
    private void selectTasks(Map<String, Object> tree) {
        List<Map<String, Object>> existing = tree.get("tasks") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
        List<Map<String, Object>> selected = new ArrayList<>();
        if (tasks.isEmpty()) {
            selected.addAll(existing);
        } else {
            for (String name : tasks) {
                Map<String, Object> found = existing.stream().filter(t -> name.equals(t.get("name"))).findFirst()
                        .orElseGet(() -> new LinkedHashMap<>(Map.of("name", name)));
                selected.add(found);
            }
        }
        if (dataset != null) {
            if (selected.size() != 1) throw new IllegalArgumentException("--dataset needs exactly one task (use --task NAME)");
            selected.getFirst().put("dataset", dataset.toAbsolutePath().normalize().toString());
        }
        tree.put("tasks", selected);
    }
}

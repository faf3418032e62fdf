package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.interceptor.Interceptor;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.target.TokenCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run's lockfile ({@code lock.json}). {@code inputs} holds everything that can change results —
 * the result-relevant part of the config, dataset hashes, target identity (with tokenizer and chat-template
 * hashes when the target reports them), extractor/scorer/interceptor versions, seeds and the token counter —
 * and the run fingerprint is the hash of its canonical form. {@code operational} holds what cannot change
 * results (parallelism, paths, retry policy) plus the full config used to resume.
 */
public record RunLock(int lockVersion, String harness, String fingerprint, ObjectNode inputs, ObjectNode operational) {

    public static final String HARNESS = "nemotron4j-eval 0.1.0";
    public static final String FILE = "lock.json";
    /** Interceptors that can change what is scored; the others only affect timing and bookkeeping. */
    private static final java.util.Set<String> RESULT_RELEVANT = java.util.Set.of("system_prompt", "payload", "reasoning");

    /** The provenance {@code eval fetch} wrote beside a dataset (URL, revision, hashes, license), or null when it has none. */
    private static ObjectNode provenance(java.nio.file.Path dataset) {
        java.nio.file.Path source = dev.nemotron4j.eval.datasets.DatasetFetcher.sourceFileOf(dataset);
        if (!Files.exists(source)) return null;
        try {
            JsonNode s = CanonicalJson.MAPPER.readTree(Files.readString(source));
            ObjectNode provenance = JsonNodeFactory.instance.objectNode();
            for (String field : List.of("url", "revision", "sha256", "converted_sha256", "license", "gated")) {
                if (s.has(field)) provenance.set(field, s.get(field));
            }
            return provenance;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    public static RunLock build(EvalConfig config, List<TaskDefinition> tasks, TargetIdentity target,
                                TokenCounter counter, List<Interceptor> chain) {
        return build(config, tasks, target, counter.name(), chain);
    }

    /** @param counterName what sized RULER's prompts (a text counter, or a counter of whole requests as sent) */
    public static RunLock build(EvalConfig config, List<TaskDefinition> tasks, TargetIdentity target,
                                String counterName, List<Interceptor> chain) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode fullConfig = (ObjectNode) CanonicalJson.tree(config);
        ObjectNode inputs = json.objectNode();
        boolean judged = tasks.stream().anyMatch(task -> task.family().equals(dev.nemotron4j.eval.task.TaskFactory.ARENA_HARD));
        inputs.set("config", resultRelevant(fullConfig.deepCopy(), judged));
        ObjectNode t = inputs.putObject("target");
        t.put("kind", target.kind());
        t.set("attributes", CanonicalJson.tree(target.attributes()));
        t.put("fingerprint", target.fingerprint());
        ObjectNode taskNodes = inputs.putObject("tasks");
        ObjectNode datasetPaths = json.objectNode();
        for (TaskDefinition task : tasks) {
            ObjectNode n = taskNodes.putObject(task.name());
            n.put("family", task.family());
            n.put("dataset_sha256", task.datasetSha256());
            n.put("items", task.items().size());
            // which items (a subset or a limit picks some): their ids, hashed
            StringBuilder ids = new StringBuilder();
            task.items().forEach(i -> ids.append(i.id()).append('\n'));
            n.put("item_ids_sha256", Sha256.hex(ids.toString()));
            n.put("repeats", task.repeats());
            n.put("extractor", task.extractor().name() + "@" + task.extractor().version());
            n.put("scorer", task.scorer().name() + "@" + task.scorer().version());
            // code execution: the sandbox, its Python and limits decide verdicts too
            if (task.scorer().environment() != null) n.set("scorer_environment", task.scorer().environment());
            n.put("loglikelihood", task.loglikelihood());
            // the judge's prompts are inputs like the task's own (the judge model and sampling are in config.judge)
            if (task.family().equals(dev.nemotron4j.eval.task.TaskFactory.ARENA_HARD)) {
                n.put("judge_prompts_sha256", dev.nemotron4j.eval.judge.ArenaHardPrompts.sha256());
                n.put("judge_protocol", "arena-hard pairwise vs baseline, both orders, " + dev.nemotron4j.eval.judge.PairwiseJudge.ATTEMPTS
                        + " attempts, strong verdict weight " + dev.nemotron4j.eval.judge.Verdict.STRONG_WEIGHT);
            }
            if (task.scoringSpec() != null && task.scoringSpec().shots() > 0) {
                // the examples' content, wherever the dev split lives
                List<JsonNode> pool = task.scoringSpec().pool().stream().map(i -> (JsonNode) i.fields()).toList();
                n.put("few_shot_pool_sha256", Sha256.ofCanonical(CanonicalJson.tree(pool)));
            }
            n.set("generation", CanonicalJson.tree(task.generation()));
            n.set("axis", CanonicalJson.tree(task.axis()));
            if (task.family().equals("ruler") && !task.items().isEmpty()) {
                // the lengths the prompts really have, as the recorded token counter measured them
                java.util.IntSummaryStatistics achieved = task.items().stream()
                        .mapToInt(i -> i.fields().path("context_tokens").asInt()).summaryStatistics();
                n.putObject("context_tokens").put("min", achieved.getMin()).put("max", achieved.getMax());
                // RULER's texts fetched by `eval fetch` (SQuAD, HotpotQA, the essays) bring their provenance too
                for (dev.nemotron4j.eval.config.EvalConfig.TaskConfig configured : config.tasks()) {
                    if (!configured.name().equals(task.axis().get("base_task")) || configured.params() == null) continue;
                    for (String param : List.of("squad_file", "hotpotqa_file", "essay_file")) {
                        Object file = configured.params().get(param);
                        ObjectNode provenance = file == null ? null : provenance(java.nio.file.Path.of(file.toString()));
                        if (provenance != null) (n.has("sources") ? (ObjectNode) n.get("sources") : n.putObject("sources")).set(param, provenance);
                    }
                }
            }
            if (task.datasetPath() != null) {
                datasetPaths.put(task.name(), task.datasetPath());
                // a dataset from `eval fetch` brings its provenance: where, which revision, which bytes, which license
                ObjectNode provenance = provenance(java.nio.file.Path.of(task.datasetPath()));
                if (provenance != null) n.set("source", provenance);
            }
        }
        ObjectNode versions = inputs.putObject("interceptors");
        for (Interceptor i : chain) if (RESULT_RELEVANT.contains(i.name())) versions.put(i.name(), i.version());
        ObjectNode seeds = inputs.putObject("seeds");
        seeds.put("run_seed", config.run().seed());
        seeds.put("derivation", SampleSeeds.DERIVATION);
        // the counter sizes RULER contexts; other tasks do not depend on it
        if (tasks.stream().anyMatch(task -> task.family().equals("ruler"))) inputs.put("token_counter", counterName);
        inputs.put("harness", HARNESS);

        ObjectNode operational = json.objectNode();
        operational.set("config", fullConfig);
        operational.set("dataset_paths", datasetPaths);
        // task order and shapes, so shards merge without re-reading datasets (objects in inputs are key-sorted)
        operational.set("tasks", CanonicalJson.tree(TaskShape.of(tasks)));
        ArrayNode order = operational.putArray("chain");
        chain.forEach(i -> order.add(i.name() + "@" + i.version()));
        return of(inputs, operational);
    }

    /** A lock over the given inputs, fingerprinted. */
    public static RunLock of(ObjectNode inputs, ObjectNode operational) {
        return new RunLock(1, HARNESS, Sha256.ofCanonical(inputs), inputs, operational);
    }

    /** The config minus settings that cannot change results (they live in {@code operational}). */
    private static ObjectNode resultRelevant(ObjectNode config, boolean judged) {
        ((ObjectNode) config.path("run")).remove("parallelism");
        ((ObjectNode) config.path("run")).remove("shard");   // which slice this process runs: merged, the run is the same
        config.remove("output");
        ObjectNode interceptors = (ObjectNode) config.path("interceptors");
        for (String op : List.of("cache", "logging", "retry", "timeout", "rate_limit", "progress")) interceptors.remove(op);
        if (config.path("target").path("endpoint") instanceof ObjectNode endpoint) endpoint.remove("api_key_env");
        // the judge matters only to judged tasks; where its key and cache live never does
        if (!judged) config.remove("judge");
        else if (config.path("judge") instanceof ObjectNode judge) {
            judge.remove("api_key_env");
            judge.remove("cache_dir");
        }
        for (JsonNode task : config.path("tasks")) {
            ((ObjectNode) task).remove("dataset");  // content hash is in inputs.tasks
            if (task.path("few_shot") instanceof ObjectNode fewShot) fewShot.remove("dataset");   // so is the examples'
        }
        return config;
    }

    /** The task shapes in run order (for merging shards). */
    public List<TaskShape> taskShapes() {
        List<TaskShape> shapes = new java.util.ArrayList<>();
        for (JsonNode t : operational.path("tasks")) shapes.add(CanonicalJson.bind(t, TaskShape.class));
        return shapes;
    }

    /** The shard this directory holds ("i/n"), or null for a whole run. */
    public String shard() {
        JsonNode s = operational.path("config").path("run").path("shard");
        return s.isTextual() ? s.asText() : null;
    }

    /** The stored config, for resume/verify/rescore. */
    public EvalConfig config() {
        return CanonicalJson.bind(operational.get("config"), EvalConfig.class);
    }

    /** Writes lock.json atomically: a kill never leaves a torn lockfile behind. */
    public void write(Path runDir) {
        RunOutputs.replace(runDir.resolve(FILE), CanonicalJson.pretty(this));
    }

    public static RunLock read(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.exists(file)) throw new IllegalArgumentException(runDir + " is not a run directory (no " + FILE + ")");
        try {
            return CanonicalJson.MAPPER.readValue(Files.readString(file), RunLock.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

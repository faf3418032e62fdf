package dev.nemotron4j.eval.analysis;

import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.config.Overrides;
import dev.nemotron4j.eval.interceptor.ChainFactory;
import dev.nemotron4j.eval.interceptor.InterceptorChain;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.run.Journal;
import dev.nemotron4j.eval.run.RunLock;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.run.SampleExecutor;
import dev.nemotron4j.eval.run.SampleRecord;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.target.TokenCounter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes the reasoning split, extraction and scores of a run from its stored responses, with the
 * current extractors/scorers and optional config overrides (e.g. a different extractor) — no target needed.
 * Rewrites samples.jsonl, results.json (marked {@code rescored}) and the report.
 */
public final class Rescorer {
    private Rescorer() {}

    @SuppressWarnings("unchecked")
    public static RunResults rescore(Path runDir, List<String> overrides) {
        RunLock lock = RunLock.read(runDir);
        Map<String, Object> tree = CanonicalJson.MAPPER.convertValue(lock.operational().get("config"), Map.class);
        Overrides.apply(tree, overrides);
        EvalConfig config = ConfigLoader.bind(tree);
        List<TaskDefinition> tasks = new TaskFactory(config, TokenCounter.approximate()).build();
        Map<String, TaskDefinition> byName = new LinkedHashMap<>();
        tasks.forEach(t -> byName.put(t.name(), t));
        // Rescoring never calls a target: the executor's chain is an empty one with no target behind it.
        SampleExecutor executor = new SampleExecutor(new InterceptorChain(List.of(), null),
                ChainFactory.reasoning(config.interceptors()), config.run().seed());
        List<SampleRecord> stored = Files.exists(runDir.resolve(RunOutputs.SAMPLES))
                ? RunOutputs.readSamples(runDir)
                : List.copyOf(Journal.read(runDir.resolve("journal.jsonl")).values());
        Map<SampleKey, SampleRecord> rescored = new LinkedHashMap<>();
        for (SampleRecord r : stored) {
            TaskDefinition task = byName.get(r.task());
            if (task == null) throw new IllegalStateException("stored sample of unknown task " + r.task());
            rescored.put(r.key(), executor.rescore(task, r));
        }
        boolean html = config.output() == null || !Boolean.FALSE.equals(config.output().html());
        return RunOutputs.write(runDir, tasks, lock.fingerprint(), config.run().seed(), rescored, html, true);
    }
}

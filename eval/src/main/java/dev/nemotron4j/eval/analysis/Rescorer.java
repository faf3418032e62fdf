package dev.nemotron4j.eval.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.config.Overrides;
import dev.nemotron4j.eval.interceptor.ChainFactory;
import dev.nemotron4j.eval.interceptor.Interceptor;
import dev.nemotron4j.eval.interceptor.InterceptorChain;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.JsonDiff;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.run.ConsoleProgress;
import dev.nemotron4j.eval.run.Journal;
import dev.nemotron4j.eval.run.RunDirectoryLock;
import dev.nemotron4j.eval.run.RunLock;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.run.SampleExecutor;
import dev.nemotron4j.eval.run.SampleRecord;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.target.TokenCounter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Recomputes the reasoning split, extraction and scores of a run from its stored responses, with the
 * current extractors/scorers and optional config overrides (e.g. a different extractor) — no target needed.
 *
 * <p>A rescore that changes the run's inputs (an override, a new extractor version) is a different run: it is
 * written to a new run directory whose lockfile keeps the original inputs with the changes applied, plus a
 * {@code rescore} record (the source run's fingerprint and digest, the overrides), and so has its own
 * fingerprint. Only a rescore that changes no input may rewrite the run in place. The source run is never modified.
 */
public final class Rescorer {
    private Rescorer() {}

    /** Rescores in place; refuses when that would change the run's inputs (use {@link #rescore(Path, List, Path)}). */
    public static RunResults rescore(Path runDir, List<String> overrides) {
        return rescore(runDir, overrides, null);
    }

    /**
     * @param out the new run directory, or null to rescore in place (allowed only when no input changes)
     */
    @SuppressWarnings("unchecked")
    public static RunResults rescore(Path runDir, List<String> overrides, Path out) {
        boolean inPlace = out == null || out.toAbsolutePath().normalize().equals(runDir.toAbsolutePath().normalize());
        try (RunDirectoryLock source = RunDirectoryLock.acquire(runDir, "rescore");
             RunDirectoryLock target = inPlace ? null : RunDirectoryLock.acquire(out, "rescore")) {
            RunLock lock = RunLock.read(runDir);
            Map<String, Object> tree = CanonicalJson.MAPPER.convertValue(lock.operational().get("config"), Map.class);
            Overrides.apply(tree, overrides);
            EvalConfig config = ConfigLoader.bind(tree);
            List<TaskDefinition> tasks = new TaskFactory(config, TokenCounter.approximate()).build();
            RunLock rescoredLock = rescoredLock(lock, config, tasks, runDir, overrides);
            if (inPlace && !rescoredLock.fingerprint().equals(lock.fingerprint())) {
                throw new IllegalArgumentException("rescoring " + runDir + " this way changes the run's inputs ("
                        + String.join("; ", JsonDiff.diff(withoutRescore(lock.inputs()), withoutRescore(rescoredLock.inputs())))
                        + "), so it is a new run: write it to a new directory with --out NEW_RUN_DIR (the original run stays as it is)");
            }
            if (!inPlace) requireEmptyOrSame(out, rescoredLock);

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
            Path dir = inPlace ? runDir : out;
            if (!inPlace) rescoredLock.write(dir);
            boolean html = config.output() == null || !Boolean.FALSE.equals(config.output().html());
            return RunOutputs.write(dir, tasks, rescoredLock.fingerprint(), config.run().seed(), rescored, html, true);
        }
    }

    /**
     * The source run's inputs with what the rescore changes applied: the result-relevant config, each task's
     * extractor and scorer, the result-relevant interceptor versions and the harness version. Everything that
     * came from the target and the datasets stays as recorded (the responses are the original ones).
     */
    private static RunLock rescoredLock(RunLock source, EvalConfig config, List<TaskDefinition> tasks, Path runDir, List<String> overrides) {
        TargetIdentity identity = new TargetIdentity(source.inputs().path("target").path("kind").asText(),
                CanonicalJson.MAPPER.convertValue(source.inputs().path("target").path("attributes"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}));
        String counterName = source.inputs().path("token_counter").asText();
        List<Interceptor> chain = ChainFactory.build(config.interceptors(), runDir, identity.fingerprint(),
                new ConsoleProgress(new PrintStream(PrintStream.nullOutputStream()), false));
        RunLock now = RunLock.build(config, tasks, identity, new TokenCounter() {
            @Override
            public int count(String text) { throw new UnsupportedOperationException("rescoring counts no tokens"); }

            @Override
            public String name() { return counterName; }
        }, chain);
        ObjectNode inputs = source.inputs().deepCopy();
        inputs.set("config", now.inputs().get("config"));
        inputs.set("interceptors", now.inputs().get("interceptors"));
        inputs.set("harness", now.inputs().get("harness"));
        ObjectNode taskNodes = (ObjectNode) inputs.path("tasks");
        now.inputs().path("tasks").fields().forEachRemaining(e -> {
            if (taskNodes.get(e.getKey()) instanceof ObjectNode t) {
                t.set("extractor", e.getValue().get("extractor"));
                t.set("scorer", e.getValue().get("scorer"));
            }
        });
        // compared as canonical text: a number read from the file and the same number built in memory are equal here
        if (!Sha256.ofCanonical(withoutRescore(inputs)).equals(Sha256.ofCanonical(withoutRescore(source.inputs())))) {
            ObjectNode rescore = inputs.putObject("rescore");
            JsonNode earlier = source.inputs().get("rescore");
            rescore.put("from_fingerprint", source.fingerprint());
            rescore.put("from_samples_digest", readDigest(runDir));
            overrides.forEach(rescore.putArray("overrides")::add);
            if (earlier != null) rescore.set("earlier", earlier);
        }
        ObjectNode operational = now.operational().deepCopy();
        operational.put("rescored_from", runDir.toAbsolutePath().normalize().toString());
        return RunLock.of(inputs, operational);
    }

    private static ObjectNode withoutRescore(ObjectNode inputs) {
        ObjectNode copy = inputs.deepCopy();
        copy.remove("rescore");
        return copy;
    }

    private static String readDigest(Path runDir) {
        return Files.exists(runDir.resolve(RunResults.FILE)) ? RunOutputs.readResults(runDir).samplesDigest() : "unfinished";
    }

    /** A rescore may fill an empty (or missing) directory, or redo the same rescore; never overwrite another run. */
    private static void requireEmptyOrSame(Path out, RunLock lock) {
        if (Files.exists(out.resolve(RunLock.FILE))) {
            if (RunLock.read(out).fingerprint().equals(lock.fingerprint())) return;
            throw new IllegalArgumentException(out + " already holds another run; choose a new directory for the rescored run");
        }
        try (Stream<Path> files = Files.list(out)) {
            if (files.anyMatch(f -> !f.getFileName().toString().equals(RunDirectoryLock.FILE))) {
                throw new IllegalArgumentException(out + " is not empty; choose a new directory for the rescored run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + out, e);
        }
    }
}

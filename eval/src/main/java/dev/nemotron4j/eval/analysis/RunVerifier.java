package dev.nemotron4j.eval.analysis;

import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.interceptor.ChainFactory;
import dev.nemotron4j.eval.interceptor.Interceptor;
import dev.nemotron4j.eval.json.JsonDiff;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.run.ConsoleProgress;
import dev.nemotron4j.eval.run.RunLock;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.target.TargetOpener;
import dev.nemotron4j.eval.target.TokenCounter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-checks a run's inputs against its lockfile: re-hashes datasets, re-reads the target's identity
 * (model, tokenizer and chat-template hashes for in-process targets), re-derives versions and seeds,
 * and checks that samples.jsonl still matches the digest in results.json. Drift is reported per field.
 */
public final class RunVerifier {
    private RunVerifier() {}

    /**
     * @param drift  field-level differences ("tasks.gsm8k.dataset_sha256: was ..., now ...")
     * @param notes  checks that could not be made, and why
     */
    public record Report(List<String> drift, List<String> notes) {
        public boolean ok() { return drift.isEmpty(); }
    }

    public static Report verify(Path runDir) {
        EvalConfig config = RunLock.read(runDir).config();
        try (Target target = TargetOpener.open(config.target(), Duration.ofSeconds(60))) {
            return verify(runDir, target);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return verify(runDir, null, e.getMessage());
        }
    }

    /** Verifies against an opened target (identity re-read from it). */
    public static Report verify(Path runDir, Target target) {
        return verify(runDir, target, null);
    }

    private static Report verify(Path runDir, Target target, String whyNoTarget) {
        RunLock stored = RunLock.read(runDir);
        List<String> drift = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!Sha256.ofCanonical(stored.inputs()).equals(stored.fingerprint())) {
            drift.add("lock.json: fingerprint does not match its inputs (file edited?)");
        }
        EvalConfig config = stored.config();
        TargetIdentity identity;
        TokenCounter counter;
        dev.nemotron4j.eval.target.PromptCounter promptCounter = null;
        String sizing;
        if (target != null) {
            identity = target.identity();
            counter = target.tokenCounter().orElse(TokenCounter.approximate());
            promptCounter = target.promptCounter().orElse(null);
            sizing = dev.nemotron4j.eval.run.EvalRunner.sizingCounter(target, counter);
        } else {
            notes.add("target not re-checked: " + whyNoTarget);
            identity = new TargetIdentity(stored.inputs().path("target").path("kind").asText(),
                    dev.nemotron4j.eval.json.CanonicalJson.MAPPER.convertValue(stored.inputs().path("target").path("attributes"),
                            new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>>() {}));
            counter = TokenCounter.approximate();
            sizing = counter.name();
        }
        try {
            List<TaskDefinition> tasks = new TaskFactory(config, counter, promptCounter).build();
            List<Interceptor> chain = ChainFactory.build(config.interceptors(), runDir, identity.fingerprint(),
                    new ConsoleProgress(new PrintStream(PrintStream.nullOutputStream()), false));
            RunLock now = RunLock.build(config, tasks, identity, sizing, chain);
            // A rescored run records where it came from; that record cannot be re-derived, only kept.
            if (stored.inputs().has("rescore")) now.inputs().set("rescore", stored.inputs().get("rescore"));
            drift.addAll(JsonDiff.diff(stored.inputs(), now.inputs()));
        } catch (RuntimeException e) {
            drift.add("inputs: cannot be rebuilt: " + e.getMessage());
        }
        Path samples = runDir.resolve(RunOutputs.SAMPLES);
        if (Files.exists(samples) && Files.exists(runDir.resolve(RunResults.FILE))) {
            RunResults results = RunOutputs.readResults(runDir);
            String digest;
            try {
                digest = Sha256.hex(Files.readAllBytes(samples));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!digest.equals(results.samplesDigest())) {
                drift.add("samples_digest: was " + results.samplesDigest() + ", now " + digest + " (samples.jsonl changed)");
            }
            if (results.rescored()) notes.add("scores were recomputed offline (eval rescore); responses are the original ones");
            if (!results.fingerprint().equals(stored.fingerprint())) {
                drift.add("results.fingerprint: was " + stored.fingerprint() + ", now " + results.fingerprint());
            }
        } else {
            notes.add("run not finished (no results.json/samples.jsonl): only inputs checked");
        }
        return new Report(drift, notes);
    }
}

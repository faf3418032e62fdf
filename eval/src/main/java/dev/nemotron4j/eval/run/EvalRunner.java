package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.interceptor.ChainFactory;
import dev.nemotron4j.eval.interceptor.Interceptor;
import dev.nemotron4j.eval.interceptor.InterceptorChain;
import dev.nemotron4j.eval.interceptor.RetryInterceptor;
import dev.nemotron4j.eval.interceptor.TimeoutInterceptor;
import dev.nemotron4j.eval.json.JsonDiff;
import dev.nemotron4j.eval.judge.JudgeCache;
import dev.nemotron4j.eval.judge.PairwiseJudge;
import dev.nemotron4j.eval.target.ApiKey;
import dev.nemotron4j.eval.target.EndpointType;
import dev.nemotron4j.eval.target.OpenAiEndpointTarget;
import dev.nemotron4j.eval.task.EvalItem;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetOpener;
import dev.nemotron4j.eval.target.TokenCounter;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an evaluation into a run directory, and resumes one. The run directory holds {@code lock.json}
 * (written first), {@code journal.jsonl} (one line per finished sample), then {@code samples.jsonl},
 * {@code results.json}, {@code report.html} and {@code timing.json}.
 *
 * <p>Determinism: each sample depends only on its (seed, task, item, repeat) key and the inputs in the
 * lockfile, and outputs are written in canonical order, so parallelism, scheduling and interruption do
 * not change the results or their digest.
 */
public final class EvalRunner {
    private final PrintStream console;
    private final Double tokensPerSecond;
    private final java.util.function.Function<String, String> env;

    /** @param console where progress and notices go (stderr for the CLI) */
    public EvalRunner(PrintStream console) {
        this(console, null);
    }

    /** @param tokensPerSecond expected throughput, for the pre-run time estimate (null: tokens only) */
    public EvalRunner(PrintStream console, Double tokensPerSecond) {
        this(console, tokensPerSecond, System::getenv);
    }

    private EvalRunner(PrintStream console, Double tokensPerSecond, java.util.function.Function<String, String> env) {
        this.console = console;
        this.tokensPerSecond = tokensPerSecond;
        this.env = env;
    }

    /** This runner reading environment variables (the judge's API key) through {@code env} instead of the process's. */
    public EvalRunner withEnvironment(java.util.function.Function<String, String> env) {
        return new EvalRunner(console, tokensPerSecond, env);
    }

    /** The pre-run estimate of a config against a target, without running anything. */
    public static RunEstimate estimate(EvalConfig config, Target target) {
        TokenCounter counter = target.tokenCounter().orElse(TokenCounter.approximate());
        return RunEstimate.of(new TaskFactory(config, counter, target.promptCounter().orElse(null)).build(), Shard.parse(config.run().shard()), counter);
    }

    /** The outcome of a (resumed) run. */
    public record Outcome(Path runDir, RunResults results, int executedSamples, int journaledSamples) {}

    /** Opens the config's target and runs. */
    public Outcome run(EvalConfig config, Path runDir) {
        try (Target target = TargetOpener.open(config.target(), requestTimeout(config))) {
            return run(config, runDir, target);
        }
    }

    /** Continues an interrupted run (or re-finalises a finished one) with the config stored in its lockfile. */
    public Outcome resume(Path runDir) {
        return run(resumable(runDir).config(), runDir);
    }

    private static RunLock resumable(Path runDir) {
        RunLock lock = RunLock.read(runDir);
        if (lock.inputs().has("rescore")) {
            throw new IllegalArgumentException(runDir + " was written by eval rescore from stored responses; it has nothing to resume");
        }
        return lock;
    }

    public Outcome resume(Path runDir, Target target) {
        return run(resumable(runDir).config(), runDir, target);
    }

    /** Runs against an already opened target (the caller closes it). */
    public Outcome run(EvalConfig config, Path runDir, Target target) {
        long started = System.nanoTime();
        TokenCounter counter = target.tokenCounter().orElse(TokenCounter.approximate());
        List<TaskDefinition> tasks = new TaskFactory(config, counter, target.promptCounter().orElse(null)).build();
        requireLoglikelihoodSupport(tasks, target);
        PairwiseJudge judge = openJudge(config, tasks, runDir, env);   // a judged task without a judge fails before anything is written
        if (judge == null && config.judge() != null && config.judge().url() != null) {
            console.println("note: a judge is configured (" + config.judge().url() + ") but no task of this run is judged; it is not used");
        }
        Shard shard = Shard.parse(config.run().shard());   // a malformed --shard fails before anything is written
        console.println(RunEstimate.of(tasks, shard, counter).describe(tokensPerSecond));
        if (target.tokenCounter().isEmpty() && tasks.stream().anyMatch(t -> t.family().equals("ruler"))) {
            console.println("warning: the target has no tokenizer (no /tokenize at the endpoint): RULER context lengths are "
                    + "estimated (" + counter.name() + ") and may differ from the requested lengths in the model's tokens");
        }
        try (RunDirectoryLock ignored = RunDirectoryLock.acquire(runDir, "run")) {
            return runLocked(config, runDir, target, sizingCounter(target, counter), tasks, started, judge);
        }
    }

    /** A log-likelihood task against a target that cannot score one fails now, not after half the run. */
    static void requireLoglikelihoodSupport(List<TaskDefinition> tasks, Target target) {
        if (target.supportsLoglikelihood()) return;
        for (TaskDefinition task : tasks) {
            if (task.loglikelihood()) {
                throw new IllegalArgumentException("task " + task.name() + " scores by log-likelihood (scoring: loglikelihood), which "
                        + "needs a completions endpoint (--endpoint-type completions) or the in-process target (--model PATH); "
                        + "this target (" + target.identity().kind() + ") cannot score, so nothing was run");
            }
        }
    }

    /**
     * The judge of the run's judged tasks (Arena-Hard), or null when it has none: the {@code judge:} endpoint behind the
     * run's retry and timeout settings, with its cache ({@code judge.cache_dir}, default {@code RUN_DIR/judge-cache}).
     */
    static PairwiseJudge openJudge(EvalConfig config, List<TaskDefinition> tasks, Path runDir, java.util.function.Function<String, String> env) {
        TaskDefinition judged = tasks.stream().filter(t -> t.family().equals(TaskFactory.ARENA_HARD)).findFirst().orElse(null);
        if (judged == null) return null;
        EvalConfig.JudgeConfig j = config.judge();
        if (j == null || j.url() == null || j.url().isBlank() || j.model() == null || j.model().isBlank()) {
            throw new IllegalArgumentException("task " + judged.name() + " is judged by an LLM: set the judge's endpoint and model "
                    + "(--judge-url URL --judge-model NAME, or judge.url and judge.model in the config, e.g. "
                    + "--judge-url https://api.openai.com/v1 --judge-model gpt-4.1 --judge-api-key-env OPENAI_API_KEY); nothing was run");
        }
        java.net.URI uri;
        try {
            uri = java.net.URI.create(j.url());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("judge.url (--judge-url) '" + j.url() + "' is not an http(s) URL of an OpenAI-compatible "
                    + "endpoint (e.g. https://api.openai.com/v1 or http://localhost:8001/v1); nothing was run");
        }
        String key = ApiKey.fromEnvironment(j.apiKeyEnv(), "judge.api_key_env (--judge-api-key-env)", env);
        Target endpoint = new OpenAiEndpointTarget(j.url(), j.model(), EndpointType.CHAT, key, requestTimeout(config));
        List<Interceptor> guards = new ArrayList<>();
        var retry = config.interceptors().retry();
        if (retry != null) {
            guards.add(new RetryInterceptor(retry.maxAttempts() == null ? 5 : retry.maxAttempts(),
                    retry.initialBackoffMs() == null ? 500 : retry.initialBackoffMs(), retry.maxBackoffMs() == null ? 30000 : retry.maxBackoffMs()));
        }
        var timeout = config.interceptors().timeout();
        if (timeout != null && timeout.seconds() != null && timeout.seconds() > 0) {
            guards.add(new TimeoutInterceptor(Duration.ofMillis((long) (timeout.seconds() * 1000))));
        }
        Path cacheDir = j.cacheDir() != null ? Path.of(j.cacheDir()) : runDir.resolve("judge-cache");
        return new PairwiseJudge(new InterceptorChain(guards, endpoint), new PairwiseJudge.Settings(j.model(),
                j.temperature() == null ? 0.0 : j.temperature(), j.maxTokens() == null ? 16000 : j.maxTokens()), new JudgeCache(cacheDir));
    }

    /** The name of what sized RULER's prompts: the target's counter of whole requests when it has one, else the text counter. */
    public static String sizingCounter(Target target, TokenCounter counter) {
        return target.promptCounter().map(dev.nemotron4j.eval.target.PromptCounter::name).orElse(counter.name());
    }

    private Outcome runLocked(EvalConfig config, Path runDir, Target target, String counter, List<TaskDefinition> tasks,
                              long started, PairwiseJudge judge) {
        ConsoleProgress progress = new ConsoleProgress(console,
                config.interceptors().progress() != null && Boolean.TRUE.equals(config.interceptors().progress().enabled()));
        List<Interceptor> interceptors = ChainFactory.build(config.interceptors(), runDir, target.identity().fingerprint(), progress);
        RunLock lock = RunLock.build(config, tasks, target.identity(), counter, interceptors);
        checkOrWriteLock(runDir, lock);

        Path journalFile = runDir.resolve("journal.jsonl");
        Map<SampleKey, SampleRecord> records = new ConcurrentHashMap<>(Journal.read(journalFile));
        int journaled = records.size();
        SampleExecutor executor = new SampleExecutor(new InterceptorChain(interceptors, target),
                ChainFactory.reasoning(config.interceptors()), config.run().seed(), judge);

        Shard shard = Shard.parse(config.run().shard());
        List<Runnable> work = new ArrayList<>();
        long total = 0, position = 0;
        AtomicBoolean failed = new AtomicBoolean();
        try (Journal journal = Journal.open(journalFile)) {
            for (TaskDefinition task : tasks) {
                for (EvalItem item : task.items()) {
                    if (!shard.owns(position++)) continue;
                    for (int repeat = 0; repeat < task.repeats(); repeat++) {
                        total++;
                        SampleKey key = new SampleKey(task.name(), item.id(), repeat);
                        if (records.containsKey(key)) continue;
                        int r = repeat;
                        work.add(() -> {
                            if (failed.get()) return;
                            try {
                                SampleRecord record = executor.execute(task, item, r);
                                journal.append(record);
                                records.put(key, record);
                                progress.sampleDone();
                            } catch (RuntimeException e) {
                                failed.set(true);
                                throw new SampleFailedException(key, e);
                            }
                        });
                    }
                }
            }
            progress.start(total, journaled);
            execute(work, Math.max(1, config.run().parallelism()));
        } finally {
            progress.finish();
            RunTiming.write(runDir, (System.nanoTime() - started) / 1e9, work.size(), journaled, RequestTotals.of(interceptors),
                    judge == null ? null : judge.totals());
            if (judge != null) console.println("judge: " + judge.totals().describe());
        }
        boolean html = config.output() == null || !Boolean.FALSE.equals(config.output().html());
        RunResults results = RunOutputs.write(runDir, tasks, lock.fingerprint(), config.run().seed(), records, html, false);
        return new Outcome(runDir, results, work.size(), journaled);
    }

    /** Runs the work on {@code parallelism} threads; the first failure is rethrown after in-flight work ends. */
    private static void execute(List<Runnable> work, int parallelism) {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "eval-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable w : work) futures.add(pool.submit(w));
            RuntimeException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) first = e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (first != null) throw first;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A sample could not be completed; finished samples are safe in the journal. */
    public static final class SampleFailedException extends RuntimeException {
        SampleFailedException(SampleKey key, RuntimeException cause) {
            super("sample " + key + " failed: " + cause.getMessage() + " (finished samples are journaled; "
                    + "fix the cause and run `eval resume RUN_DIR`)", cause);
        }
    }

    private static void checkOrWriteLock(Path runDir, RunLock lock) {
        if (Files.exists(runDir.resolve(RunLock.FILE))) {
            RunLock existing = RunLock.read(runDir);
            if (!Shard.parse(existing.shard()).equals(Shard.parse(lock.shard()))) {
                throw new IllegalStateException(runDir + " holds shard " + Shard.parse(existing.shard()) + " of this run, not "
                        + Shard.parse(lock.shard()) + "; give each shard its own --out directory");
            }
            if (!existing.fingerprint().equals(lock.fingerprint())) {
                List<String> drift = JsonDiff.diff(existing.inputs(), lock.inputs());
                throw new IllegalStateException(runDir + " holds a run with different inputs (fingerprint "
                        + existing.fingerprint().substring(0, 12) + " vs " + lock.fingerprint().substring(0, 12)
                        + "); use a new --out directory. Differences:\n  " + String.join("\n  ", drift));
            }
        }
        lock.write(runDir);
    }

    private static Duration requestTimeout(EvalConfig config) {
        Double seconds = config.interceptors().timeout() == null ? null : config.interceptors().timeout().seconds();
        return Duration.ofMillis((long) (1000 * (seconds == null || seconds <= 0 ? 3600 : seconds + 5)));
    }
}

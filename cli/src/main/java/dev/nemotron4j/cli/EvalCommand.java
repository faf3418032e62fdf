package dev.nemotron4j.cli;

import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.eval.analysis.Rescorer;
import dev.nemotron4j.eval.analysis.RunComparison;
import dev.nemotron4j.eval.analysis.RunVerifier;
import dev.nemotron4j.eval.config.CommandLineOptions;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.run.EvalRunner;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.stats.TaskMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j eval}: run, resume, verify, rescore, compare, report and chart evaluations.
 * Exit codes: 0 success; 1 error; 2 {@code compare} found a significant regression; 3 {@code verify} found drift;
 * 4 {@code gate} found a failing check.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a model (in-process or OpenAI-compatible endpoint) reproducibly.",
        subcommands = {EvalCommand.Run.class, EvalCommand.Resume.class, EvalCommand.Verify.class,
                EvalCommand.Rescore.class, EvalCommand.Compare.class, EvalCommand.Merge.class, EvalCommand.Gate.class, EvalCommand.Fetch.class,
                EvalCommand.Report.class, EvalCommand.ChartPng.class})
public final class EvalCommand implements Runnable {
    static final int EXIT_REGRESSION = 2;
    static final int EXIT_DRIFT = 3;
    static final int EXIT_GATE_FAILED = 4;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run an evaluation into RUN_DIR.")
    static final class Run implements Callable<Integer>, RunsModel {
        @Option(names = "--config", paramLabel = "FILE", description = "evaluation YAML")
        Path config;
        @Option(names = "--model", paramLabel = "PATH", description = "in-process " + ModelSource.DESCRIPTION
                + " Default (no --model, no --endpoint, no target in the config): the bundled default model, " + DefaultModel.RELATIVE_PATH + ".")
        String model;
        @Option(names = "--endpoint", paramLabel = "URL", description = "OpenAI-compatible base URL, e.g. http://localhost:8000/v1")
        String endpoint;
        @Option(names = "--served-model", paramLabel = "NAME", description = "model name at the endpoint")
        String servedModel;
        @Option(names = "--endpoint-type", paramLabel = "TYPE", description = "chat (default) or completions")
        String endpointType;
        @Option(names = "--api-key-env", paramLabel = "VAR", description = "name of the environment variable holding the endpoint's API key (never the key itself)")
        String apiKeyEnv;
        @Option(names = "--task", paramLabel = "NAME", description = "task to run (repeatable); built-in: gsm8k, aime (AIME25), multiple_choice, mmlu_pro, gpqa, tool_calling, bfcl, ruler, arena_hard (judged: --judge-url URL --judge-model NAME), livecodebench, scicode (with --allow-code-execution), and the default model's environments arithmetic, tool_use, instruction_following")
        List<String> tasks = new ArrayList<>();
        @Option(names = "--dataset", paramLabel = "FILE", description = "dataset of the selected task (e.g. GSM8K test.jsonl)")
        Path dataset;
        @Option(names = "--limit", paramLabel = "N") Integer limit;
        @Option(names = "--repeats", paramLabel = "N") Integer repeats;
        @Option(names = "--seed", paramLabel = "N") Long seed;
        @Option(names = "--parallelism", paramLabel = "N") Integer parallelism;
        @Option(names = "--max-tokens", paramLabel = "N") Integer maxTokens;
        @Option(names = "--temperature", paramLabel = "T") Double temperature;
        @Option(names = {"-o", "--override"}, paramLabel = "KEY=VALUE", description = "config override, e.g. -o generation.top_p=0.95")
        List<String> overrides = new ArrayList<>();
        @Option(names = "--out", paramLabel = "RUN_DIR", description = "run directory (or output.dir in the config)")
        Path out;
        @Option(names = "--shard", paramLabel = "I/N", description = "run only the I-th of N disjoint slices (0-based); join them with eval merge")
        String shard;
        @Option(names = "--estimate", description = "print the estimate of samples, requests, tokens (and time) and exit")
        boolean estimateOnly;
        @Option(names = "--tokens-per-second", paramLabel = "T", description = "expected throughput, for the time estimate")
        Double tokensPerSecond;
        @Option(names = "--calibrate", paramLabel = "RUN_DIR", description = "take the throughput for the time estimate from a finished run")
        Path calibrate;
        @Option(names = "--recipe", paramLabel = "NAME", description = "a bundled recipe instead of --config (nemotron-3-nano: reports ours vs published; base-fewshot: MMLU 5-shot, ARC-Challenge 25-shot, HellaSwag 10-shot)")
        String recipe;
        @Option(names = "--datasets", paramLabel = "DIR", defaultValue = "datasets", description = "where the recipe's datasets are (default ${DEFAULT-VALUE})")
        Path datasets;
        @Option(names = "--judge-url", paramLabel = "URL", description = "OpenAI-compatible base URL of the LLM judge of judged tasks "
                + "(arena_hard), e.g. https://api.openai.com/v1 (judge.url)")
        String judgeUrl;
        @Option(names = "--judge-model", paramLabel = "NAME", description = "the judge model at that endpoint, e.g. gpt-4.1 (judge.model)")
        String judgeModel;
        @Option(names = "--judge-api-key-env", paramLabel = "VAR", description = "name of the environment variable holding the judge's "
                + "API key, e.g. OPENAI_API_KEY; the key itself is never stored (judge.api_key_env)")
        String judgeApiKeyEnv;
        @Option(names = "--allow-code-execution", description = "let code tasks (livecodebench, scicode) run the model's programs in the "
                + "subprocess sandbox (CPU, memory, time and output limits, no network where unshare works); the code is untrusted: "
                + "see docs/EVALUATION.md")
        boolean allowCodeExecution;

        /**
         * The flags over the config file. With no target anywhere (no --model, no --endpoint, none in the config), the
         * target is the in-process engine on the bundled default model ({@link DefaultModel}).
         */
        private EvalConfig resolve() {
            EvalConfig resolved = resolve(model);
            if (model == null && endpoint == null && !hasTarget(resolved.target())) {
                usesDefaultModel = true;
                resolved = resolve(DefaultModel.directory().toString());
            }
            return resolved;
        }

        private EvalConfig resolve(String targetModel) {
            List<String> all = new ArrayList<>(overrides);
            if (shard != null) all.addFirst("run.shard='" + shard + "'");
            if (recipe != null && this.config != null) throw new IllegalArgumentException("--recipe and --config exclude each other");
            Path configFile = recipe != null ? dev.nemotron4j.eval.recipe.Recipe.materialize(recipe, datasets) : this.config;
            EvalConfig resolved = new CommandLineOptions(configFile, targetModel, endpoint, servedModel, endpointType, apiKeyEnv,
                    tasks, dataset, limit, repeats, seed, parallelism, maxTokens, temperature, all, out,
                    judgeUrl == null && judgeModel == null && judgeApiKeyEnv == null ? null
                            : new CommandLineOptions.Judge(judgeUrl, judgeModel, judgeApiKeyEnv)).resolve();
            return allowCodeExecution ? dev.nemotron4j.eval.task.CodeTasks.allowExecution(resolved) : resolved;
        }

        private static boolean hasTarget(EvalConfig.TargetConfig target) {
            return target != null && ((target.model() != null && !target.model().isBlank())
                    || (target.endpoint() != null && target.endpoint().url() != null));
        }

        /** Set by {@link #resolve()} when the run falls back to the default model. */
        private boolean usesDefaultModel;

        private Double throughput() {
            if (tokensPerSecond != null) return tokensPerSecond;
            if (calibrate == null) return null;
            return dev.nemotron4j.eval.run.RunEstimate.throughputOf(RunOutputs.readResults(calibrate),
                    dev.nemotron4j.eval.run.RunTiming.read(calibrate).orElse(null));
        }

        @Override
        public Path modelPath() {
            EvalConfig.TargetConfig target = resolve().target();
            return target == null || target.model() == null ? null : Path.of(target.model());
        }

        /** The engine target's scheduler: max_batch sequences (default 8), each up to the model's context. */
        @Override
        public MemoryPlan.Workload workload(ModelConfig config) {
            EvalConfig.TargetConfig target = resolve().target();
            int maxBatch = Integer.parseInt(target.options() == null ? "8" : target.options().getOrDefault("max_batch", "8"));
            // log-likelihood requests score 64-row pieces with logits for each row
            return new MemoryPlan.Workload(maxBatch, Math.max(1, config.maxPositionEmbeddings()), 512, Math.max(maxBatch, 64), KvCacheType.F32, true);
        }

        @Override
        public Integer call() {
            EvalConfig config = resolve();
            if (usesDefaultModel) DefaultModel.announce(System.err);
            if (estimateOnly) {
                try (var target = dev.nemotron4j.eval.target.TargetOpener.open(config.target(), java.time.Duration.ofSeconds(60))) {
                    System.out.println(EvalRunner.estimate(config, target).describe(throughput()));
                }
                return 0;
            }
            if (config.output() == null || config.output().dir() == null) {
                throw new IllegalArgumentException("--out RUN_DIR is required (or output.dir in the config)");
            }
            EvalRunner.Outcome outcome = new EvalRunner(System.err, throughput()).run(config, Path.of(config.output().dir()));
            printSummary(outcome);
            if (recipe != null && dev.nemotron4j.eval.recipe.Recipe.hasPublished(recipe)) {
                System.out.print(dev.nemotron4j.eval.recipe.Recipe.compare(outcome.results(), dev.nemotron4j.eval.recipe.Recipe.published(recipe)));
            }
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Finish an interrupted run (same results as an uninterrupted one).")
    static final class Resume implements Callable<Integer> {
        @Parameters(paramLabel = "RUN_DIR") Path runDir;

        @Override
        public Integer call() {
            printSummary(new EvalRunner(System.err).resume(runDir));
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Re-check a run's inputs against its lockfile; exit 3 on drift.")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "RUN_DIR") Path runDir;

        @Override
        public Integer call() {
            RunVerifier.Report report = RunVerifier.verify(runDir);
            report.notes().forEach(n -> System.out.println("note: " + n));
            if (report.ok()) {
                System.out.println("verified: no drift in " + runDir);
                return 0;
            }
            System.out.println("drift (" + report.drift().size() + " fields):");
            report.drift().forEach(d -> System.out.println("  " + d));
            return EXIT_DRIFT;
        }
    }

    @Command(name = "rescore", mixinStandardHelpOptions = true, description = {
            "Recompute extraction and scores offline from stored responses.",
            "A rescore that changes the run's inputs (an override, a newer extractor) writes a new run (--out) with its own fingerprint;",
            "the original run is never modified."})
    static final class Rescore implements Callable<Integer> {
        @Parameters(paramLabel = "RUN_DIR") Path runDir;
        @Option(names = {"-o", "--override"}, paramLabel = "KEY=VALUE", description = "e.g. -o tasks.gsm8k.extractor=numeric")
        List<String> overrides = new ArrayList<>();
        @Option(names = "--out", paramLabel = "NEW_RUN_DIR", description = "write the rescored run here (required when the inputs change)")
        Path out;

        @Override
        public Integer call() {
            RunResults results = Rescorer.rescore(runDir, overrides, out);
            printResults(results);
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Paired comparison of run B against run A; exit 2 when B is significantly worse.")
    static final class Compare implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN_A") Path runA;
        @Parameters(index = "1", paramLabel = "RUN_B") Path runB;
        @Option(names = "--alpha", defaultValue = "0.05", description = "significance level (default ${DEFAULT-VALUE})") double alpha;
        @Option(names = "--max-flips", defaultValue = "20", description = "flips listed per task") int maxFlips;
        @Option(names = "--force", description = "compare even when the runs read different datasets or sent different prompts")
        boolean force;

        @Override
        public Integer call() {
            RunComparison.Result result = RunComparison.compare(runA, runB, force);
            System.out.print(RunComparison.describe(result, alpha, maxFlips));
            return result.regression(alpha) ? EXIT_REGRESSION : 0;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Join the finished shards of a run (eval run --shard i/n) into the run the unsharded command writes.")
    static final class Merge implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "RUN_DIR", description = "the merged run (a new directory)") Path out;
        @Parameters(paramLabel = "SHARD_DIR", arity = "1..*") List<Path> shards;

        @Override
        public Integer call() {
            RunResults results = dev.nemotron4j.eval.run.RunMerger.merge(out, shards);
            System.out.println("merged " + shards.size() + " shards into " + out);
            printResults(results);
            return 0;
        }
    }

    @Command(name = "gate", mixinStandardHelpOptions = true,
            description = "Check runs against a policy of per-task thresholds and paired non-regression tests; exit 4 when a check fails.")
    static final class Gate implements Callable<Integer> {
        @Option(names = "--policy", required = true, paramLabel = "FILE.yaml", description = "the gate policy") Path policy;
        @Option(names = "--baseline", paramLabel = "RUN_DIR", description = "run to test for regressions against (overrides the policy's)")
        Path baseline;
        @Parameters(paramLabel = "RUN_DIR", arity = "1..*") List<Path> runs;

        @Override
        public Integer call() {
            var result = dev.nemotron4j.eval.analysis.QualityGate.check(dev.nemotron4j.eval.analysis.QualityGate.Policy.load(policy), baseline, runs);
            System.out.print(result.describe());
            return result.passed() ? 0 : EXIT_GATE_FAILED;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true, description = {
            "Download a dataset from its public source (JSONL, JSON, CSV, Parquet, or files its task reads as published), convert it to what",
            "its task reads and record its provenance",
            "(URL, revision, sha256, license) in NAME.source.json, which every run reading it copies into its lockfile."})
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "dataset name (see --list); NAME:VARIANT for one language, pair or category of a dataset with variants (mmlu-prox:de, wmt24pp:de_DE, bfcl:live_simple)") String name;
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "datasets", description = "where NAME.jsonl (NAME-VARIANT.jsonl) goes (default ${DEFAULT-VALUE})")
        Path out;
        @Option(names = "--manifest", paramLabel = "FILE", description = "a manifest replacing the built-in one") Path manifest;
        @Option(names = "--revision", paramLabel = "REV", description = "fetch this revision instead of the manifest's") String revision;
        @Option(names = "--expect-sha256", paramLabel = "HEX", description = "refuse a download with another hash") String expectSha256;
        @Option(names = "--list", description = "list the datasets of the manifest") boolean list;

        @Override
        public Integer call() {
            var m = manifest == null ? dev.nemotron4j.eval.datasets.DatasetManifest.builtIn() : dev.nemotron4j.eval.datasets.DatasetManifest.load(manifest);
            if (list || name == null) {
                System.out.print(m.describe());
                return 0;
            }
            var fetched = new dev.nemotron4j.eval.datasets.DatasetFetcher(System::getenv).fetch(m, name, out, revision, expectSha256);
            System.out.println("fetched " + name + (fetched.rows() >= 0 ? ": " + fetched.rows() + " rows" : "") + " -> " + fetched.dataset());
            if (fetched.source().has("missing")) {
                System.out.println("not fetched (left out, as the source's own script does): " + fetched.source().get("missing").size()
                        + " URLs, listed in " + dev.nemotron4j.eval.datasets.DatasetFetcher.sourceFileOf(fetched.dataset()));
            }
            System.out.println("sha256 " + fetched.source().path("sha256").asText() + "  license " + fetched.source().path("license").asText());
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "(Re)write RUN_DIR/report.html.")
    static final class Report implements Callable<Integer> {
        @Parameters(paramLabel = "RUN_DIR") Path runDir;

        @Override
        public Integer call() {
            System.out.println(RunOutputs.writeReport(runDir));
            return 0;
        }
    }

    @Command(name = "chart", mixinStandardHelpOptions = true, description = {
            "PNG chart of finished runs' accuracies (results.json): grouped bars per task with 95%% intervals,",
            "or accuracy vs reasoning budget (tasks NAME@budget=N; a run's plain NAME task as a dashed no-budget line)."})
    static final class ChartPng implements Callable<Integer> {
        enum Kind { bars, budget }

        @Parameters(paramLabel = "RUN_DIR", arity = "1..*", description = "finished runs, one bar (or line) per run") List<Path> runs;
        @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "the PNG to write") Path out;
        @Option(names = "--label", paramLabel = "NAME", description = "legend name of each run, in order (default: the directories' names)")
        List<String> labels = new ArrayList<>();
        @Option(names = "--tasks", split = ",", paramLabel = "T1,T2", description = "tasks to draw, in this order (default: the first run's); "
                + "with --kind budget, task families (NAME of NAME@budget=N)")
        List<String> tasks = new ArrayList<>();
        @Option(names = "--title", paramLabel = "TEXT", description = "chart title") String title;
        @Option(names = "--kind", defaultValue = "bars", paramLabel = "bars|budget", description = "bars (default) or budget") Kind kind;

        @Override
        public Integer call() {
            EvalChartImage.checkWritable(out);
            List<dev.nemotron4j.eval.report.AccuracyChart.LabelledRun> read = dev.nemotron4j.eval.report.AccuracyChart.read(runs, labels);
            var image = switch (kind) {
                case bars -> EvalChartImage.bars(dev.nemotron4j.eval.report.AccuracyChart.bars(read, tasks, title));
                case budget -> EvalChartImage.budget(dev.nemotron4j.eval.report.AccuracyChart.budget(read, tasks, title));
            };
            EvalChartImage.write(image, out);
            System.out.println("wrote " + out + " (" + image.getWidth() + "x" + image.getHeight() + ")");
            return 0;
        }
    }

    static void printSummary(EvalRunner.Outcome outcome) {
        System.out.printf(Locale.ROOT, "run %s: %d samples executed, %d from journal%n", outcome.runDir(),
                outcome.executedSamples(), outcome.journaledSamples());
        printResults(outcome.results());
    }

    static void printResults(RunResults r) {
        r.ordered().forEach(e -> System.out.println(line(e.getKey(), e.getValue())));
        System.out.println("fingerprint    " + r.fingerprint());
        System.out.println("samples_digest " + r.samplesDigest());
    }

    private static String line(String name, TaskMetrics m) {
        String ci = m.wilson95() != null
                ? String.format(Locale.ROOT, "Wilson95 [%.4f, %.4f]", m.wilson95().low(), m.wilson95().high())
                : String.format(Locale.ROOT, "bootstrap95 [%.4f, %.4f]", m.bootstrap95().low(), m.bootstrap95().high());
        return String.format(Locale.ROOT, "%-28s mean=%.4f ± %.4f  %s  n=%d×%d%s", name, m.mean().mean(), m.mean().stderr(), ci,
                m.items(), m.repeats(), m.majAtK() == null ? "" : String.format(Locale.ROOT, "  maj@%d=%.4f", m.repeats(), m.majAtK()));
    }
}

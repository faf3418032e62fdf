package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.ParameterCounts;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.train.tasks.DataSplit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j demo}: the default model (or {@code --model}) on held-out questions of the environments it was
 * trained on ({@link EnvironmentTour}): reasoning on and off, a reasoning budget, a tool call round trip and
 * continuous batching, each answer checked by the environment's verifier. {@code --engine-tour} shows instead what
 * the engine does with any model, trained or not ({@link EngineTour}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A short demo: the default model answers held-out arithmetic and tool questions with reasoning on, off",
                "and cut by a budget, calls a tool, and decodes several questions at once; each answer is checked by its verifier."})
final class DemoCommand implements Callable<Integer>, RunsModel {

    @Mixin
    ModelOrDefaultOption model;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "First held-out evaluation seed index used (EVAL.seed(N), docs/DEFAULT-MODEL.md; default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--questions", paramLabel = "N", defaultValue = "6",
            description = "Questions decoded together in the continuous-batching part (default: ${DEFAULT-VALUE}).")
    int questions;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "1024", description = "Token limit per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--budget", paramLabel = "N",
            description = "Reasoning budget of the budget part, in tokens (default: a third of the question's worked reasoning).")
    Integer budget;

    @Option(names = "--engine-tour",
            description = "Instead: exactness against the float64 reference (fixtures), the rendered chat prompt, free generation and batching speed.")
    boolean engineTour;

    @Override
    public Path modelPath() {
        return model.path();
    }

    /** TextService's defaults: 8 conversations at once, each up to the model's context. */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        int sequences = Math.max(8, questions);
        return new MemoryPlan.Workload(sequences, Math.max(1, config.maxPositionEmbeddings()), 512, sequences, KvCacheType.F32, true);
    }

    @Override
    public Integer call() throws Exception {
        if (questions < 1) throw new IllegalArgumentException("--questions must be >= 1");
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be >= 1");
        if (budget != null && budget < 0) throw new IllegalArgumentException("--budget must be >= 0");
        if (seed < 0 || seed >= DataSplit.EVAL.size() - 1000) {
            throw new IllegalArgumentException("--seed must be 0.." + (DataSplit.EVAL.size() - 1001));
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ModelSource source = model.source();
        boolean ansi = System.console() != null && System.console().isTerminal();
        try (ModelBundle bundle = ModelBundle.open(source.path());
             TextService service = new TextService(bundle, TextService.defaultOptions(bundle))) {
            var c = source.config();
            ParameterCounts p = ParameterCounts.of(c);
            out.println("== nemotron4j demo: " + (model.isDefault() ? DefaultModel.RELATIVE_PATH : source.path()));
            out.printf(Locale.ROOT, "model: pattern %s (M = Mamba-2, E = MoE, * = attention), hidden %d, vocab %d; %,d parameters, %,d active per token%n",
                    c.pattern(), c.hiddenSize(), c.vocabSize(), p.total(), p.activePerToken());
            if (engineTour) {
                out.println();
                new EngineTour(bundle, service, out, ansi).run(source instanceof ModelSource.Directory ? source.path() : null);
            } else {
                new EnvironmentTour(service, out, ansi, seed, questions, maxTokens, budget).run();
            }
        }
        String with = model.isDefault() ? "" : " --model " + source.path();
        out.println("\nNext: ./nemotron4j chat" + with + "   |   ./nemotron4j serve" + with
                + "   |   ./nemotron4j eval run" + with + " --task arithmetic --task tool_use --task instruction_following --out runs/default");
        return 0;
    }
}

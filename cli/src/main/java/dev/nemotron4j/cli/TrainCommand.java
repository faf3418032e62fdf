package dev.nemotron4j.cli;

import dev.nemotron4j.train.run.TrainConfig;
import dev.nemotron4j.train.run.TrainPipeline;
import java.util.List;
import dev.nemotron4j.train.run.TrainConfigReader;
import dev.nemotron4j.train.run.Trainer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nemotron4j train}: pretrain a small Nemotron-H model from a built-in recipe or a YAML config (docs/TRAINING.md). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a small Nemotron-H model (Mamba-2 + attention + MoE) from a recipe or a YAML config.",
                "Writes a Hugging Face model directory (config.json, model.safetensors, tokenizer files), train-state/ for --resume,",
                "metrics.jsonl and training.png into --out. See docs/TRAINING.md for every config key."})
final class TrainCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--recipe", paramLabel = "NAME", description = "A built-in recipe: smoke, pretrain-mini, default (the bundled default model: pretrain, SFT, GRPO), default-mini (its miniature).")
        String recipe;

        @Option(names = "--config", paramLabel = "FILE.yaml", description = "A YAML config (keys over the built-in defaults).")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default with --resume: the resumed directory).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its train-state/ (its saved config).")
    Path resume;

    @Option(names = "--stop-after-steps", paramLabel = "K", defaultValue = "0",
            description = "Stop once K steps are done, with a checkpoint (the schedule stays that of the full run).")
    long stopAfter;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (overrides the config's threads; results are the same bytes for any count).")
    Integer threads;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (stopAfter < 0) throw new IllegalArgumentException("--stop-after-steps must be >= 0, got " + stopAfter);
        TrainPipeline pipeline;
        if (resume != null) {
            if (source != null) throw new IllegalArgumentException("--resume continues with the run's saved config; drop --recipe/--config");
            if (out != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())
                    && Trainer.savedPipeline(resume) != null) {
                throw new IllegalArgumentException("a pipeline resumes in its own directory: drop --out or give --out " + resume);
            }
            pipeline = Trainer.savedPipeline(resume);
            if (pipeline == null) pipeline = new TrainPipeline(List.of(new TrainPipeline.Stage(null, Trainer.savedConfig(resume))), "");
            if (out == null) out = resume;
        } else {
            if (source == null) throw new IllegalArgumentException("give --recipe NAME or --config FILE.yaml (or --resume DIR)");
            if (out == null) throw new IllegalArgumentException("--out DIR is required");
            pipeline = source.recipe != null ? TrainConfigReader.recipePipeline(source.recipe) : TrainConfigReader.filePipeline(source.config);
        }
        if (threads != null) pipeline = pipeline.withThreads(threads);
        long t0 = System.nanoTime();
        Trainer.Result r = Trainer.run(pipeline, new Trainer.Options(out, resume, stopAfter, quiet ? null : System.err));
        System.err.printf("%d steps done, last loss %.4f; wrote %s in %.1f s%n", r.stepsDone(), r.lastLoss(), out, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}

package dev.nemotron4j.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.model.TrainingModel;
import dev.nemotron4j.train.rl.EnvironmentTasks;
import dev.nemotron4j.train.rl.GrpoStepMetrics;
import dev.nemotron4j.train.rl.GrpoTrainer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code rl:} stage of {@link Trainer}: {@code steps} GRPO steps ({@link GrpoTrainer}) on every built-in task
 * environment at once (RL seed range), starting from the stage's initial model, with the run's tokenizer and chat
 * template. Each step's {@link GrpoStepMetrics} goes to {@value #FILE}; the weights are written every
 * {@code checkpoint_interval} steps and at the end. A GRPO stage is short and deterministic: an interrupted one is
 * run again from its start (no optimizer state is saved).
 */
final class GrpoStage {
    static final String FILE = "rl-metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GrpoStage() {}

    static Trainer.Result train(TrainConfig config, Trainer.Options options, TrainingModel model) throws IOException {
        Path out = options.out();
        Tokenizer tokenizer = Tokenizer.load(out.resolve("tokenizer.json"));
        long end = config.steps();
        if (options.stopAfterSteps() > 0) end = Math.min(end, options.stopAfterSteps());
        TrainingProgress progress = new TrainingProgress(options.console(), config.steps());
        double lastReward = Double.NaN;
        List<StepMetrics> none = List.of();
        long step = 0;
        try (WorkerPool pool = new WorkerPool(config.threads());
             BufferedWriter log = Files.newBufferedWriter(out.resolve(FILE), StandardCharsets.UTF_8)) {
            GrpoTrainer trainer = new GrpoTrainer(model, tokenizer, config.rl().environments() == null
                    ? EnvironmentTasks.mixture() : EnvironmentTasks.mixture(config.rl().environments()), config.rl().grpo(), pool);
            long start = System.nanoTime();
            while (step < end) {
                GrpoStepMetrics m = trainer.step();
                step++;
                lastReward = m.meanReward();
                log.write(JSON.writeValueAsString(m));
                log.newLine();
                log.flush();
                double perStep = (System.nanoTime() - start) / 1e9 / step;
                progress.update(step, String.format("reward %.3f  pass %.2f  %s", m.meanReward(), m.passRate(), m.passRateByEnv()
                        .entrySet().stream().map(e -> e.getKey() + " " + String.format("%.2f", e.getValue())).toList()), perStep, step == end);
                if (step % config.checkpointInterval() == 0 || step == end) ModelDirectory.writeWeights(out, model.params());
            }
            progress.finish();
        }
        return new Trainer.Result(step, lastReward, none);
    }

    /** The metrics a GRPO stage wrote, in step order. */
    static List<GrpoStepMetrics> read(Path dir) throws IOException {
        List<GrpoStepMetrics> all = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) all.add(JSON.readValue(line, GrpoStepMetrics.class));
        }
        return all;
    }
}

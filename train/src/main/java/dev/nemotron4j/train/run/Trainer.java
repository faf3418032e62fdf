package dev.nemotron4j.train.run;

import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.data.ExampleEncoder;
import dev.nemotron4j.train.data.ExampleSource;
import dev.nemotron4j.train.data.JsonlExamples;
import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.data.PackedTrainingData;
import dev.nemotron4j.train.data.TaskExamples;
import dev.nemotron4j.train.tasks.BudgetTruncation;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.SftExamples;
import dev.nemotron4j.train.data.TrainingData;
import dev.nemotron4j.train.layers.MoeLayer;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainableModel;
import dev.nemotron4j.train.model.TrainingModel;
import dev.nemotron4j.train.optim.AdamW;
import dev.nemotron4j.train.optim.ExpertBalancer;
import dev.nemotron4j.train.optim.GradientClipping;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The training loop. Each step: zero the gradients; take {@code rows_per_micro_batch × gradient_accumulation}
 * packed rows; accumulate every row's gradient with scale 1/(the step's target count), so the step minimises the
 * mean cross-entropy over its targets whatever the micro-batching; clip to the global norm; AdamW at the
 * schedule's rate; move the correction biases by the step's expert load (aux-loss-free balancing); log. Every
 * {@code checkpoint_interval} steps, at the end and at {@code --stop-after-steps}, the model directory and
 * {@code train-state/} are written (atomically). The same config, seed and thread count give the same bytes; a
 * resumed run continues bit-exactly, because everything a step reads (double weights, moments, step count, data
 * position) is in the state.
 */
public final class Trainer {

    /**
     * @param out            the run directory
     * @param resumeFrom     a previous run's directory whose {@code train-state/} to continue from (may be null)
     * @param stopAfterSteps stop (with a checkpoint) once this many steps are done (0 = run to the end)
     * @param console        progress bar and messages (null = silent)
     */
    public record Options(Path out, Path resumeFrom, long stopAfterSteps, PrintStream console) {}

    /** What a run did. */
    public record Result(long stepsDone, double lastLoss, List<StepMetrics> metrics) {}

    private Trainer() {}

    /** The config saved by the run in {@code dir} (its latest complete state), for {@code --resume}. */
    public static TrainConfig savedConfig(Path dir) throws IOException {
        Path state = TrainState.find(dir);
        if (state == null) throw new ConfigException(dir + ": no " + TrainState.DIR + "/ to resume from");
        return TrainConfigReader.fromYaml(TrainState.config(state), state.resolve("config.yaml").toString());
    }

    public static Result run(TrainConfig config, Options options) throws IOException {
        Path out = options.out();
        Files.createDirectories(out);
        ModelDirectory.writeStatic(out, config);

        TrainableModel weights;
        TrainState.Position start;
        Path stateDir = null;
        if (options.resumeFrom() != null) {
            stateDir = TrainState.find(options.resumeFrom());
            if (stateDir == null) throw new ConfigException(options.resumeFrom() + ": no " + TrainState.DIR + "/ to resume from");
            weights = TrainState.model(stateDir, config);
            start = TrainState.position(stateDir);
        } else {
            weights = ModelDirectory.initialModel(out, config);
            start = null;
        }
        TrainingModel model = TrainingModels.create(config, weights);
        try {
            return train(config, options, weights, model, start, stateDir);
        } finally {
            if (model instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing the training model: " + e.getMessage(), e);
                }
            }
        }
    }

    private static Result train(TrainConfig config, Options options, TrainableModel weights, TrainingModel model,
                                TrainState.Position start, Path stateDir) throws IOException {
        Path out = options.out();
        model.setSequenceAuxLossCoefficient(config.balancing().sequenceAuxLoss());

        Set<String> frozen = new HashSet<>();
        List<Param> biases = new ArrayList<>();
        for (MoeLayer moe : weights.moeLayers()) {
            if (config.optimizer().freezeRouter()) frozen.add(moe.gate().name());
            if (moe.correctionBias() != null) biases.add(moe.correctionBias());
        }
        boolean balance = config.balancing().auxLossFree() && !biases.isEmpty();
        if (balance && biases.size() != weights.moeLayers().size()) {
            throw new IllegalStateException("every MoE layer needs an e_score_correction_bias for aux-loss-free balancing");
        }
        AdamW adamW = new AdamW(config.optimizer().adamW(), model.params().values(), frozen);
        ExpertBalancer balancer = new ExpertBalancer(config.balancing().biasUpdateRate());
        TrainingData data = trainingData(config, out);
        long step = 0;
        if (start != null) {
            TrainState.restoreOptimizer(stateDir, adamW, start.optimizerSteps());
            data.restore(start.dataPosition());
            step = start.step();
        }
        model.parametersChanged();

        long end = config.steps();
        if (options.stopAfterSteps() > 0) end = Math.min(end, options.stopAfterSteps());
        Path previousLog = options.resumeFrom() == null ? null : options.resumeFrom().resolve(MetricsLog.FILE);
        List<Param> trainable = model.params().values().stream().filter(Param::trainable).toList();
        TrainingProgress progress = new TrainingProgress(options.console(), config.steps());
        double lastLoss = Double.NaN;
        try (MetricsLog log = new MetricsLog(out, previousLog, step)) {
            int rows = config.rowsPerStep(), length = config.data().sequenceLength();
            PackedSequence[] batch = new PackedSequence[rows];
            long runStart = System.nanoTime();
            long firstStep = step;
            while (step < end) {
                long t0 = System.nanoTime();
                for (Param p : trainable) p.zeroGrad();
                long targets = 0;
                for (int r = 0; r < rows; r++) {
                    batch[r] = data.next(length);
                    for (boolean b : batch[r].targetMask()) if (b) targets++;
                }
                if (targets == 0) throw new IllegalStateException("step " + (step + 1) + " has no target tokens");
                double scale = 1.0 / targets, lossSum = 0;
                model.resetExpertLoad();
                for (PackedSequence row : batch) lossSum += model.accumulate(row, scale).sum();
                double loss = lossSum / targets;
                double lr = config.schedule().learningRate(step);
                double norm = GradientClipping.clip(trainable, config.optimizer().gradClip());
                adamW.step(lr);
                long[][] load = model.expertLoad();
                if (balance) balancer.update(biases, load);
                model.parametersChanged();
                step++;
                lastLoss = loss;

                double seconds = (System.nanoTime() - t0) / 1e9;
                double elapsed = (System.nanoTime() - runStart) / 1e9;
                double tokensPerSecond = (double) rows * length / seconds;
                StepMetrics m = new StepMetrics(step, loss, lr, norm, targets, tokensPerSecond, seconds, load, StepMetrics.maxViolation(load));
                if (step % config.logInterval() == 0 || step == end) log.add(m);
                progress.update(step, loss, tokensPerSecond, elapsed / (step - firstStep), step == end);
                if (step % config.checkpointInterval() == 0 || step == end) {
                    checkpoint(out, config, model, adamW, new TrainState.Position(step, adamW.steps(), data.position()));
                }
            }
            progress.finish();
            try {
                TrainingPlot.write(out, log.all(), "nemotron4j train");
            } catch (IOException | RuntimeException | LinkageError | InternalError e) {
                // the plot is a view of metrics.jsonl: a machine without AWT fonts still gets the model and the metrics
                if (options.console() != null) options.console().println("warning: no " + TrainingPlot.FILE + ": " + e);
            }
            return new Result(step, lastLoss, List.copyOf(log.all()));
        }
    }

    /** The config's data source; JSONL examples are encoded with the run's own tokenizer.json (PackedTrainingData). */
    private static TrainingData trainingData(TrainConfig config, Path out) throws IOException {
        return switch (config.data().source()) {
            case "synthetic" -> new SyntheticDocuments(config.seed());
            case "jsonl" -> new PackedTrainingData(
                    ExampleSource.shuffled(JsonlExamples.read(Path.of(config.data().path())), config.seed()),
                    new ExampleEncoder(Tokenizer.load(out.resolve("tokenizer.json"))),
                    PackedTrainingData.Packing.valueOf(config.data().packing().toUpperCase()));
            case "tasks" -> new PackedTrainingData(TaskExamples.pretraining(0),
                    new ExampleEncoder(Tokenizer.load(out.resolve("tokenizer.json"))),
                    PackedTrainingData.Packing.valueOf(config.data().packing().toUpperCase()));
            case "sft" -> {
                Tokenizer tokenizer = Tokenizer.load(out.resolve("tokenizer.json"));
                SftExamples mix = new SftExamples(Environments.ALL, new BudgetTruncation(tokenizer));
                yield new PackedTrainingData(TaskExamples.sft(mix, 0), new ExampleEncoder(tokenizer),
                        PackedTrainingData.Packing.valueOf(config.data().packing().toUpperCase()));
            }
            default -> throw new ConfigException("data.source: '" + config.data().source() + "' is not supported");
        };
    }

    private static void checkpoint(Path out, TrainConfig config, TrainingModel model, AdamW adamW, TrainState.Position position) throws IOException {
        ModelDirectory.writeWeights(out, model.params());
        TrainState.write(out, config, model.params(), adamW, position);
    }
}

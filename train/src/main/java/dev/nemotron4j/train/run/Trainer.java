package dev.nemotron4j.train.run;

import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.data.ExampleEncoder;
import dev.nemotron4j.train.data.ExampleSource;
import dev.nemotron4j.train.data.JsonlExamples;
import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.data.PackedTrainingData;
import dev.nemotron4j.train.data.TaskExamples;
import dev.nemotron4j.train.tasks.BudgetTruncation;
import dev.nemotron4j.train.tasks.Environment;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.InventedCity;
import dev.nemotron4j.train.tasks.TaskVariant;
import dev.nemotron4j.train.tasks.SftExamples;
import dev.nemotron4j.train.data.TrainingData;
import dev.nemotron4j.train.layers.MoeLayer;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainableModel;
import dev.nemotron4j.train.model.TrainingModel;
import dev.nemotron4j.train.optim.AdamW;
import dev.nemotron4j.train.optim.ExpertBalancer;
import dev.nemotron4j.train.optim.GradientClipping;

import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
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
    public record Options(Path out, Path resumeFrom, long stopAfterSteps, PrintStream console, Path initFrom) {
        public Options(Path out, Path resumeFrom, long stopAfterSteps, PrintStream console) {
            this(out, resumeFrom, stopAfterSteps, console, null);
        }

        /**
         * @param initFrom a model directory whose weights and tokenizer the run starts from, instead of a freshly
         *                 initialised model (a pipeline's previous stage); null: fresh
         */
        public Options {}
    }

    /** What a run did. */
    public record Result(long stepsDone, double lastLoss, List<StepMetrics> metrics) {}

    private Trainer() {}

    /** The config saved by the run in {@code dir} (its latest complete state), for {@code --resume}. */
    public static TrainConfig savedConfig(Path dir) throws IOException {
        Path state = TrainState.find(dir);
        if (state == null) throw new ConfigException(dir + ": no " + TrainState.DIR + "/ to resume from");
        return TrainConfigReader.fromYaml(TrainState.config(state), state.resolve("config.yaml").toString());
    }

    /** Where a pipeline's saved settings live in its output directory (read by {@code --resume}). */
    public static final String PIPELINE_FILE = "pipeline.yaml";
    /** Marks a finished stage directory; holds the SHA-256 of its model.safetensors. */
    static final String STAGE_COMPLETE = "stage-complete";

    /**
     * Runs a pipeline: an unstaged config straight into {@code out}; stages into {@code out/stages/K-NAME/}, each
     * starting from the previous stage's model, then the last stage's model files copied into {@code out}. With
     * {@code resumeFrom} (= {@code out}) finished stages are skipped, and an interrupted supervised stage continues
     * from its {@code train-state/} (a GRPO stage runs again from its start).
     */
    public static Result run(TrainPipeline pipeline, Options options) throws IOException {
        if (pipeline.single()) return run(pipeline.stages().getFirst().config(), options);
        if (options.stopAfterSteps() > 0) throw new ConfigException("--stop-after-steps applies to a single run, not to a pipeline of stages");
        Path out = options.out();
        Files.createDirectories(out);
        Path saved = out.resolve(PIPELINE_FILE);
        if (options.resumeFrom() == null) {
            if (Files.exists(saved)) throw new ConfigException(out + " already holds a pipeline run: use --resume " + out + " or another --out");
            Path tmp = out.resolve(PIPELINE_FILE + ".part");
            Files.writeString(tmp, pipeline.yaml());
            Files.move(tmp, saved, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Path previous = null;
        Result last = null;
        List<TrainPipeline.Stage> stages = pipeline.stages();
        for (int i = 0; i < stages.size(); i++) {
            TrainPipeline.Stage stage = stages.get(i);
            Path dir = out.resolve("stages").resolve((i + 1) + "-" + stage.name());
            if (Files.exists(dir.resolve(STAGE_COMPLETE))) {
                if (options.console() != null) options.console().printf("stage %d/%d %s: done before, skipped%n", i + 1, stages.size(), stage.name());
                previous = dir;
                continue;
            }
            boolean resumable = options.resumeFrom() != null && !stage.config().isRl() && TrainState.find(dir) != null;
            if (options.console() != null) {
                options.console().printf("stage %d/%d %s: %d %s%s -> %s%n", i + 1, stages.size(), stage.name(), stage.config().steps(),
                        stage.config().isRl() ? "GRPO steps" : "steps", resumable ? " (resumed)" : "", dir);
            }
            last = run(stage.config(), new Options(dir, resumable ? dir : null, 0, options.console(), previous));
            Files.writeString(dir.resolve(STAGE_COMPLETE), sha256(dir.resolve(SafetensorsCheckpoint.SINGLE_FILE)) + "\n");
            previous = dir;
        }
        for (String name : ModelDirectory.MODEL_FILES) {
            Path tmp = out.resolve("." + name + ".part");
            Files.copy(previous.resolve(name), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, out.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return last != null ? last : new Result(0, Double.NaN, List.of());
    }

    /** The pipeline saved in a run directory by {@link #run(TrainPipeline, Options)}, or null when it holds a single run. */
    public static TrainPipeline savedPipeline(Path dir) throws IOException {
        Path saved = dir.resolve(PIPELINE_FILE);
        if (!Files.exists(saved)) return null;
        return TrainConfigReader.pipelineFromYaml(Files.readString(saved), saved.toString(), null);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Result run(TrainConfig config, Options options) throws IOException {
        Path out = options.out();
        Files.createDirectories(out);
        if (config.isRl() && options.resumeFrom() != null) {
            throw new ConfigException("rl: a GRPO stage cannot be resumed from a checkpoint: run it again from the model it started from");
        }
        ModelDirectory.writeStatic(out, config, options.initFrom());

        TrainableModel weights;
        TrainState.Position start;
        Path stateDir = null;
        if (options.resumeFrom() != null) {
            stateDir = TrainState.find(options.resumeFrom());
            if (stateDir == null) throw new ConfigException(options.resumeFrom() + ": no " + TrainState.DIR + "/ to resume from");
            weights = TrainState.model(stateDir, config);
            start = TrainState.position(stateDir);
        } else {
            weights = options.initFrom() != null ? TrainableModel.load(options.initFrom()) : ModelDirectory.initialModel(out, config);
            start = null;
        }
        TrainingModel model = TrainingModels.create(config, weights);
        try {
            if (config.isRl()) return GrpoStage.train(config, options, model);
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
            case "tasks" -> new PackedTrainingData(TaskExamples.pretraining(config.data().firstExample()),
                    new ExampleEncoder(Tokenizer.load(out.resolve("tokenizer.json"))),
                    PackedTrainingData.Packing.valueOf(config.data().packing().toUpperCase()));
            case "sft" -> {
                Tokenizer tokenizer = Tokenizer.load(out.resolve("tokenizer.json"));
                SftExamples mix = SftExamples.weighted(weights(config.data(), tokenizer),
                        new BudgetTruncation(tokenizer));
                yield new PackedTrainingData(TaskExamples.sft(mix, config.data().firstExample()), new ExampleEncoder(tokenizer),
                        PackedTrainingData.Packing.valueOf(config.data().packing().toUpperCase()));
            }
            default -> throw new ConfigException("data.source: '" + config.data().source() + "' is not supported");
        };
    }

    /** The SFT mix's environments and weights: {@code data.environments}, or every environment once (the same mix). */
    private static Map<Environment, Integer> weights(TrainConfig.Data data, Tokenizer tokenizer) {
        TaskVariant variant = variant(data, tokenizer);
        Map<Environment, Integer> out = new LinkedHashMap<>();
        if (data.environments() == null) {
            for (Environment environment : Environments.ALL) out.put(variant.of(environment), 1);
            return out;
        }
        data.environments().forEach((name, weight) -> out.put(variant.of(Environments.byName(name)), weight));
        return out;
    }

    /**
     * The variant {@code data.invented_city_percent}, {@code invented_city_style} and {@code varied_tool_results} ask
     * for; {@code pieces} names are made of the run's own tokenizer's letter groups.
     */
    private static TaskVariant variant(TrainConfig.Data data, Tokenizer tokenizer) {
        InventedCity.Style style = InventedCity.Style.valueOf(data.inventedCityStyle().toUpperCase());
        InventedCity.LetterGroups groups = style == InventedCity.Style.PIECES
                ? InventedCity.LetterGroups.of(tokenTexts(tokenizer)) : InventedCity.LetterGroups.NONE;
        return new TaskVariant(data.inventedCityPercent(), style, groups, data.variedToolResults());
    }

    /** Every id's text as the tokenizer decodes it alone ({@code " An"}, {@code "den"}), special tokens left out. */
    private static List<String> tokenTexts(Tokenizer tokenizer) {
        List<String> texts = new ArrayList<>(tokenizer.vocabSize());
        for (int id = 0; id < tokenizer.vocabSize(); id++) texts.add(tokenizer.decode(new int[] {id}, true));
        return texts;
    }

    static void checkpoint(Path out, TrainConfig config, TrainingModel model, AdamW adamW, TrainState.Position position) throws IOException {
        ModelDirectory.writeWeights(out, model.params());
        TrainState.write(out, config, model.params(), adamW, position);
    }
}

package dev.nemotron4j.train.run;

import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.synth.SyntheticCheckpoint;
import dev.nemotron4j.train.data.BpeTrainer;
import dev.nemotron4j.train.data.TokenizerFiles;
import dev.nemotron4j.train.data.TokenizerTraining;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainableModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's output as a Hugging Face model directory that every command loads: config.json, model.safetensors
 * (F32, the checkpoint's tensor names in the model's order), tokenizer.json, tokenizer_config.json (with the chat
 * template) and generation_config.json. Each file is written to a temporary name and renamed into place.
 */
final class ModelDirectory {
    private ModelDirectory() {}

    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json");

    /** The files of a finished model directory (what a stage hands to the next and a pipeline copies out). */
    static final List<String> MODEL_FILES = List.of("config.json", SafetensorsCheckpoint.SINGLE_FILE,
            "tokenizer.json", "tokenizer_config.json", "generation_config.json");

    /**
     * Writes everything but the weights (once per run): config.json and the tokenizer — copied from {@code initFrom}
     * (a previous stage's model directory, whose config.json must match), else byte-level, or a BPE vocabulary
     * trained here on the task environments (deterministic: the same settings give the same bytes).
     */
    static void writeStatic(Path out, TrainConfig config, Path initFrom) throws IOException {
        Files.createDirectories(out);
        Path tmp = Files.createTempDirectory(out, ".static");
        try {
            Files.writeString(tmp.resolve("config.json"), config.model().configJson() + "\n");
            if (initFrom != null) {
                String previous = Files.readString(initFrom.resolve("config.json"));
                if (!previous.strip().equals(config.model().configJson().strip())) {
                    throw new ConfigException("model.config: this stage's model differs from the one in " + initFrom
                            + " it starts from (stages share one model shape)");
                }
                for (String name : TOKENIZER_FILES) Files.copy(initFrom.resolve(name), tmp.resolve(name));
            } else if (config.tokenizer().type().equals("bpe")) {
                TokenizerTraining training = new TokenizerTraining();
                training.addTasks(config.tokenizer().tasks());
                BpeTrainer.Vocabulary vocabulary = training.train(config.tokenizer().vocabSize(), 2, config.tokenizer().individualDigits());
                TokenizerFiles.writeTokenizer(vocabulary, tmp.resolve("tokenizer.json"));
                TokenizerFiles.writeTokenizerConfig(tmp.resolve("tokenizer_config.json"));
                ByteLevelTokenizer.writeGenerationConfig(tmp);
            } else {
                ByteLevelTokenizer.write(tmp);
            }
            for (String name : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json", "config.json")) {
                TrainState.sync(tmp.resolve(name));
                Files.move(tmp.resolve(name), out.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            TrainState.deleteTree(tmp);
        }
    }

    /** Writes model.safetensors (F32) from the parameters' current values. */
    static void writeWeights(Path out, Map<String, Param> params) throws IOException {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Param p : params.values()) entries.add(SafetensorsWriter.Entry.of(p));
        Path tmp = out.resolve(".model.safetensors.part");
        SafetensorsWriter.write(tmp, entries, SafetensorsWriter.Precision.F32);
        TrainState.sync(tmp);
        Files.move(tmp, out.resolve(SafetensorsCheckpoint.SINGLE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A freshly initialised model for the config: the engine's seeded synthetic checkpoint ({@code nemotron4j
     * synth}: uniform matrices of std 1/√fan_in, output projections half that, norms 1, the Mamba ranges of the
     * real initialisation, correction biases 0) in F32, read back in double.
     */
    static TrainableModel initialModel(Path out, TrainConfig config) throws IOException {
        Path tmp = Files.createTempDirectory(out, ".init");
        try {
            Path configFile = tmp.resolve("init-config.json");
            Files.writeString(configFile, config.model().configJson());
            Path dir = tmp.resolve("model");
            SyntheticCheckpoint.write(configFile, dir, DType.F32, config.seed());
            return TrainableModel.load(dir);
        } finally {
            TrainState.deleteTree(tmp);
        }
    }
}

package dev.nemotron4j.engine.loading;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.formats.gguf.GgufCheckpoint;
import dev.nemotron4j.engine.formats.gguf.GgufFile;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.weights.TensorSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code --model} path holds, decided once for every command: a Hugging Face model directory, a GGUF file,
 * or a ModelOpt-quantized Hugging Face directory. {@link #of(Path)} looks at the path (a directory's
 * {@code config.json} and {@code hf_quant_config.json}, a file's first four bytes) and gives one clear error,
 * naming the path, for anything else. A source reads the model's configuration without mapping the weights
 * ({@link #config()}), opens its tensors ({@link #openTensors()}) and builds the model ({@link #load(WorkerPool)}).
 * Text assets (tokenizer, chat template) are the runtime's: it switches on the kind — {@code tokenizer.json} and
 * the template files in a {@link Directory}, the {@code tokenizer.*} metadata of a {@link Gguf} file.
 */
public sealed interface ModelSource permits ModelSource.Directory, ModelSource.Gguf {

    /** What a model path may be; the description of every command's {@code --model} option. */
    String DESCRIPTION = "Model: a Hugging Face directory (config.json, *.safetensors, tokenizer.json; BF16, or ModelOpt FP8/NVFP4) or a GGUF file.";

    /** The phrase errors use for what was expected. */
    String EXPECTED = "expected a Hugging Face model directory (config.json + *.safetensors) or a GGUF file";

    /** The path as given. */
    Path path();

    /** The model's configuration, read from {@code config.json} or the GGUF metadata (weights not mapped). */
    ModelConfig config();

    /** The stored tensors under the names the file uses, memory-mapped; the caller closes them. */
    TensorSource openTensors();

    /** Builds the model on {@code pool}; its weights stay in the memory-mapped files, which the model owns. */
    NemotronHModel load(WorkerPool pool);

    /** {@link #load(WorkerPool)} on the shared worker pool. */
    default NemotronHModel load() {
        return load(WorkerPool.shared());
    }

    /** Bytes of the weight files on disk (0 for a directory with only a config). */
    long fileBytes();

    /** A short name: the directory's name, or the file's name without {@code .gguf} (the default served name). */
    default String name() {
        Path base = path().toAbsolutePath().normalize().getFileName();
        String n = base == null ? path().toString() : base.toString();
        return this instanceof Gguf && n.endsWith(".gguf") ? n.substring(0, n.length() - ".gguf".length()) : n;
    }

    /**
     * The source at {@code path}.
     *
     * @throws ModelFormatException naming the path when it is missing, a directory without {@code config.json},
     *                              or a file that does not start with the GGUF magic
     */
    static ModelSource of(Path path) {
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve(HfDirectory.CONFIG))) {
                throw new ModelFormatException(path + ": a directory without " + HfDirectory.CONFIG + ": " + EXPECTED);
            }
            if (ModelOptQuantization.declared(path)) return new ModelOptDirectory(path, ModelOptQuantization.declaredAlgorithm(path));
            return new HfDirectory(path);
        }
        if (Files.isRegularFile(path)) {
            if (startsWithGgufMagic(path)) return new Gguf(path);
            throw new ModelFormatException(path + ": not a GGUF file (it does not start with 'GGUF') and not a directory: " + EXPECTED);
        }
        throw new ModelFormatException(path + ": no such file or directory: " + EXPECTED);
    }

    private static boolean startsWithGgufMagic(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() == GgufFile.MAGIC;
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** A model directory in the Hugging Face layout: {@code config.json}, safetensors, tokenizer and template files. */
    sealed interface Directory extends ModelSource permits HfDirectory, ModelOptDirectory {

        /** A file of the directory (which may not exist). */
        default Path file(String name) {
            return path().resolve(name);
        }

        /** Whether the directory holds weights (a single safetensors file or an index of shards). */
        default boolean hasWeights() {
            return Files.isRegularFile(file(SafetensorsCheckpoint.INDEX_FILE)) || Files.isRegularFile(file(SafetensorsCheckpoint.SINGLE_FILE));
        }

        @Override
        default ModelConfig config() {
            return ModelConfig.load(path());
        }

        @Override
        default TensorSource openTensors() {
            return SafetensorsCheckpoint.open(path());
        }

        /** The weight files: the shards named by the index, or the single file (none for a config-only directory). */
        default Set<Path> weightFiles() {
            Path index = file(SafetensorsCheckpoint.INDEX_FILE);
            if (Files.isRegularFile(index)) {
                Set<Path> shards = new LinkedHashSet<>();
                try {
                    new ObjectMapper().readTree(index.toFile()).path("weight_map").forEach(f -> shards.add(path().resolve(f.asText())));
                } catch (IOException e) {
                    throw new ModelFormatException(index + ": malformed JSON: " + e.getMessage(), e);
                }
                return shards;
            }
            Path single = file(SafetensorsCheckpoint.SINGLE_FILE);
            return Files.isRegularFile(single) ? Set.of(single) : Set.of();
        }

        @Override
        default long fileBytes() {
            long sum = 0;
            for (Path f : weightFiles()) {
                try {
                    sum += Files.size(f);
                } catch (IOException e) {
                    throw new ModelFormatException(f + ": cannot read: " + e.getMessage(), e);
                }
            }
            return sum;
        }
    }

    /** A Hugging Face model directory with bfloat16, float16 or float32 weights in safetensors. */
    record HfDirectory(Path path) implements Directory {
        static final String CONFIG = "config.json";

        @Override
        public NemotronHModel load(WorkerPool pool) {
            ModelConfig config = config();
            TensorSource tensors = openTensors();
            try {
                return ModelLoader.build(config, tensors, pool);
            } catch (RuntimeException e) {
                tensors.close();
                throw e;
            }
        }
    }

    /**
     * A Hugging Face directory quantized by NVIDIA ModelOpt ({@code hf_quant_config.json}, or a {@code modelopt}
     * {@code quantization_config} in config.json): FP8 or NVFP4 weights with their scales, computed with as stored
     * ({@link ModelOptQuantization}, {@link ModelOptMatrices}).
     *
     * @param algorithm {@code quant_algo} as declared, e.g. {@code FP8}, {@code NVFP4}
     */
    record ModelOptDirectory(Path path, String algorithm) implements Directory {
        static final String QUANT_CONFIG = ModelOptQuantization.QUANT_CONFIG;

        /** The declared quantization, checked (an unsupported algorithm is a clear error). */
        public ModelOptQuantization quantization() {
            return ModelOptQuantization.read(path);
        }

        @Override
        public NemotronHModel load(WorkerPool pool) {
            ModelOptQuantization quantization = quantization();
            ModelConfig config = config();
            TensorSource tensors = openTensors();
            try {
                return ModelLoader.build(config, tensors, pool, quantization);
            } catch (RuntimeException e) {
                tensors.close();
                throw e;
            }
        }
    }

    /** A GGUF file ({@code nemotron_h_moe} / {@code nemotron_h}): weights, config, tokenizer and template in one file. */
    record Gguf(Path path) implements ModelSource {

        /** Metadata arrays longer than this (the vocabulary) are not decoded when only the config is read. */
        private static final long CONFIG_ARRAY_LIMIT = 4096;

        @Override
        public ModelConfig config() {
            try (GgufFile file = GgufFile.open(path, CONFIG_ARRAY_LIMIT)) {
                return GgufConfig.of(file);
            }
        }

        /** The file's metadata key/value pairs (tokenizer and chat template included), read from its header. */
        public Map<String, Object> readMetadata() {
            try (GgufFile file = GgufFile.open(path)) {
                return file.metadata();
            }
        }

        @Override
        public TensorSource openTensors() {
            return GgufFile.open(path);
        }

        @Override
        public NemotronHModel load(WorkerPool pool) {
            GgufCheckpoint checkpoint = GgufCheckpoint.open(path);
            try {
                return ModelLoader.build(GgufConfig.of(checkpoint.file()), checkpoint, pool);
            } catch (RuntimeException e) {
                checkpoint.close();
                throw e;
            }
        }

        @Override
        public long fileBytes() {
            try {
                return Files.size(path);
            } catch (IOException e) {
                throw new ModelFormatException(path + ": cannot read: " + e.getMessage(), e);
            }
        }
    }
}

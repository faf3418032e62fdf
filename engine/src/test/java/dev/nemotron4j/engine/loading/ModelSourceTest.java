package dev.nemotron4j.engine.loading;

import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.formats.gguf.GgufFile;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ModelSource#of}: every kind of model path, and one clear error naming the path for anything else. */
class ModelSourceTest {

    @TempDir
    Path tmp;

    static Path gguf(String model, String type) {
        return TinyFixtures.ROOT.resolveSibling("tiny-gguf").resolve(model).resolve(type + ".gguf");
    }

    @Test
    void aHuggingFaceDirectoryLoadsWithItsConfigAndWeights() {
        Path dir = TinyFixtures.dir("tiny-a");
        ModelSource source = ModelSource.of(dir);
        assertThat(source).isInstanceOf(ModelSource.HfDirectory.class);
        assertThat(source.name()).isEqualTo("tiny-a");
        assertThat(((ModelSource.Directory) source).hasWeights()).isTrue();
        assertThat(source.fileBytes()).as("the weights, not golden.safetensors").isEqualTo(dir.resolve("model.safetensors").toFile().length());
        Path sharded = TinyFixtures.dir("tiny-d");
        assertThat(ModelSource.of(sharded).fileBytes()).isEqualTo(sharded.resolve("model-00001-of-00002.safetensors").toFile().length()
                + sharded.resolve("model-00002-of-00002.safetensors").toFile().length());
        try (NemotronHModel model = source.load()) {
            assertThat(model.config().pattern()).isEqualTo(source.config().pattern());
            assertThat(model.vocabSize()).isEqualTo(512);
        }
    }

    @Test
    void aGgufFileIsRecognizedByItsMagicNotItsName() throws IOException {
        Path original = gguf("tiny-a", "q8_0");
        Path renamed = Files.copy(original, tmp.resolve("weights.bin"));
        for (Path p : new Path[] {original, renamed}) {
            ModelSource source = ModelSource.of(p);
            assertThat(source).as(p.toString()).isInstanceOf(ModelSource.Gguf.class);
            assertThat(source.fileBytes()).isEqualTo(original.toFile().length());
            try (NemotronHModel model = source.load(); TensorSource tensors = source.openTensors()) {
                assertThat(model.config().pattern()).isEqualTo("MEM*EME");
                assertThat(tensors.find("token_embd.weight")).as("the file's own tensor names").isPresent();
            }
        }
        assertThat(ModelSource.of(original).name()).isEqualTo("q8_0");
        assertThat(ModelSource.of(renamed).name()).isEqualTo("weights.bin");
        assertThat(((ModelSource.Gguf) ModelSource.of(original)).readMetadata()).containsKey("tokenizer.ggml.tokens");
    }

    @Test
    void theGgufAndTheDirectoryItWasConvertedFromDescribeTheSameModel() {
        ModelConfig dir = ModelSource.of(TinyFixtures.dir("tiny-a")).config();
        ModelConfig gguf = ModelSource.of(gguf("tiny-a", "f16")).config();
        assertThat(gguf.pattern()).isEqualTo(dir.pattern());
        assertThat(gguf.hiddenSize()).isEqualTo(dir.hiddenSize());
        assertThat(gguf.vocabSize()).isEqualTo(dir.vocabSize());
        assertThat(gguf.nRoutedExperts()).isEqualTo(dir.nRoutedExperts());
    }

    @Test
    void aModelOptDirectoryIsRecognizedByEitherConfigFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("nano-fp8"));
        Files.copy(TinyFixtures.dir("tiny-a").resolve("config.json"), dir.resolve("config.json"));
        Files.writeString(dir.resolve("hf_quant_config.json"), "{\"producer\": {\"name\": \"modelopt\"}, \"quantization\": {\"quant_algo\": \"FP8\"}}");
        ModelSource source = ModelSource.of(dir);
        assertThat(source).isEqualTo(new ModelSource.ModelOptDirectory(dir, "FP8"));
        assertThat(source.config().pattern()).isEqualTo("MEM*EME");

        Path newer = Files.createDirectories(tmp.resolve("nano-nvfp4"));
        String config = Files.readString(TinyFixtures.dir("tiny-a").resolve("config.json")).replaceFirst("\\{",
                "{\"quantization_config\": {\"quant_method\": \"modelopt\", \"config_groups\": {\"group_0\": {\"weights\": "
                        + "{\"num_bits\": 4, \"type\": \"float\", \"group_size\": 16}, \"targets\": [\"Linear\"]}}, \"ignore\": [\"lm_head\"]},");
        Files.writeString(newer.resolve("config.json"), config);
        assertThat(ModelSource.of(newer)).isEqualTo(new ModelSource.ModelOptDirectory(newer, "NVFP4"));
        assertThat(((ModelSource.ModelOptDirectory) ModelSource.of(newer)).quantization().excludes("lm_head")).isTrue();
    }

    @Test
    void aMissingPathIsNamed() {
        Path p = tmp.resolve("nope");
        assertThatThrownBy(() -> ModelSource.of(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("no such file or directory")
                .hasMessageContaining(ModelSource.EXPECTED);
    }

    @Test
    void aDirectoryWithoutConfigIsNamed() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ModelSource.of(empty)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("without config.json");
        Path weightsOnly = Files.createDirectories(tmp.resolve("weights-only"));
        Files.copy(TinyFixtures.dir("tiny-a").resolve("model.safetensors"), weightsOnly.resolve("model.safetensors"));
        assertThatThrownBy(() -> ModelSource.of(weightsOnly)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(weightsOnly.toString()).hasMessageContaining("without config.json");
    }

    @Test
    void aFileThatIsNotGgufIsNamedWhateverItsExtension() throws IOException {
        Path fake = Files.writeString(tmp.resolve("model.gguf"), "not a model at all");
        assertThatThrownBy(() -> ModelSource.of(fake)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(fake.toString()).hasMessageContaining("not a GGUF file");
        Path safetensors = TinyFixtures.dir("tiny-a").resolve("model.safetensors");
        assertThatThrownBy(() -> ModelSource.of(safetensors)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(safetensors.toString()).hasMessageContaining("not a GGUF file");
        Path tiny = Files.write(tmp.resolve("short"), new byte[] {'G', 'G'});
        assertThatThrownBy(() -> ModelSource.of(tiny)).isInstanceOf(ModelFormatException.class).hasMessageContaining("not a GGUF file");
    }

    @Test
    void aDirectoryWithOnlyAConfigHasNoWeightsButAConfig() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("config-only"));
        Files.copy(TinyFixtures.dir("tiny-b").resolve("config.json"), dir.resolve("config.json"));
        ModelSource.Directory source = (ModelSource.Directory) ModelSource.of(dir);
        assertThat(source.hasWeights()).isFalse();
        assertThat(source.fileBytes()).isZero();
        assertThat(source.config().vocabSize()).isEqualTo(384);
        assertThatThrownBy(source::load).isInstanceOf(ModelFormatException.class).hasMessageContaining(dir.toString());
    }

    @Test
    void readingOnlyTheConfigStepsOverTheVocabularyYetChecksIt() throws IOException {
        Path file = gguf("tiny-a", "q8_0");
        try (GgufFile full = GgufFile.open(file); GgufFile skim = GgufFile.open(file, 100)) {
            assertThat(full.metadata().get("tokenizer.ggml.tokens")).isInstanceOf(java.util.List.class);
            assertThat(skim.metadata().get("tokenizer.ggml.tokens")).isEqualTo(new GgufFile.SkippedArray(8, 512));
            assertThat(skim.metadata().get("general.architecture")).isEqualTo("nemotron_h_moe");
            assertThat(GgufConfig.of(skim)).isEqualTo(GgufConfig.of(full));
            assertThat(skim.tensors().keySet()).isEqualTo(full.tensors().keySet());
        }
        // a string inside the skipped vocabulary claims more bytes than the file holds: still an error naming the file
        byte[] b = Files.readAllBytes(file);
        int at = indexOf(b, "tokenizer.ggml.tokens".getBytes());
        int firstString = at + "tokenizer.ggml.tokens".length() + 4 + 4 + 8; // key, value type, element type, count
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(firstString, Long.MAX_VALUE / 4);
        Path broken = Files.write(tmp.resolve("broken.gguf"), b);
        assertThatThrownBy(() -> ModelSource.of(broken).config()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(broken.toString()).hasMessageContaining("tokenizer.ggml.tokens").hasMessageContaining("exceeds the file");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}

package dev.nemotron4j.engine.weights;

import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.gguf.GgufFile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mapped and in-memory checkpoints hold the same bytes; the choice follows the model size and the property. */
class ResidencyTest {

    private static final Path GGUF = TinyFixtures.ROOT.resolveSibling("tiny-gguf").resolve("tiny-a").resolve("q8_0.gguf");
    private static final Path SAFETENSORS = TinyFixtures.dir("tiny-a").resolve("model.safetensors");

    @Test
    void safetensorsTensorsAreIdenticalMappedAndInMemory() {
        try (Arena a = Arena.ofConfined(); Arena b = Arena.ofConfined()) {
            var mapped = SafetensorsFile.open(SAFETENSORS, a, Residency.MAPPED).tensors();
            var read = SafetensorsFile.open(SAFETENSORS, b, Residency.IN_MEMORY).tensors();
            assertThat(read.keySet()).containsExactlyElementsOf(mapped.keySet()).isNotEmpty();
            for (String name : mapped.keySet()) {
                assertThat(read.get(name).dtype()).isEqualTo(mapped.get(name).dtype());
                assertThat(read.get(name).shape()).isEqualTo(mapped.get(name).shape());
                assertThat(read.get(name).data().mismatch(mapped.get(name).data())).as(name).isEqualTo(-1);
            }
        }
    }

    @Test
    void ggufTensorsAreIdenticalMappedAndInMemory() {
        try (GgufFile mapped = GgufFile.open(GGUF, Residency.MAPPED); GgufFile read = GgufFile.open(GGUF, Residency.IN_MEMORY)) {
            assertThat(read.names()).containsExactlyInAnyOrderElementsOf(mapped.names()).isNotEmpty();
            for (String name : mapped.names()) {
                TensorInfo m = mapped.find(name).orElseThrow(), r = read.find(name).orElseThrow();
                assertThat(r.data().byteSize()).isEqualTo(m.data().byteSize());
                assertThat(r.data().mismatch(m.data())).as(name).isEqualTo(-1);
            }
        }
    }

    @Test
    void inMemoryReadOfATruncatedFileNamesTheFile() throws IOException {
        Path cut = Files.createTempFile("truncated", ".safetensors");
        try {
            byte[] all = Files.readAllBytes(SAFETENSORS);
            Files.write(cut, java.util.Arrays.copyOf(all, all.length - 7));
            try (Arena arena = Arena.ofConfined()) {
                assertThatThrownBy(() -> SafetensorsFile.open(cut, arena, Residency.IN_MEMORY))
                        .isInstanceOf(ModelFormatException.class).hasMessageContaining(cut.toString());
            }
        } finally {
            Files.delete(cut);
        }
    }

    @Test
    void choiceFollowsSizeAndProperty() {
        long gib = 1L << 30;
        assertThat(Residency.choose(10 * gib, "auto", 64 * gib)).isEqualTo(Residency.IN_MEMORY);
        assertThat(Residency.choose(40 * gib, "auto", 64 * gib)).isEqualTo(Residency.MAPPED);
        assertThat(Residency.choose(1, "mapped", 64 * gib)).isEqualTo(Residency.MAPPED);
        assertThat(Residency.choose(40 * gib, " Memory ", 64 * gib)).isEqualTo(Residency.IN_MEMORY);
        assertThat(Residency.choose(1, "auto", 0)).as("unknown machine memory: map").isEqualTo(Residency.MAPPED);
        assertThatThrownBy(() -> Residency.choose(1, "swap", gib)).hasMessageContaining("nemotron4j.weights").hasMessageContaining("swap");
    }

    @Test
    void residencyDecidesWhetherTensorsAreMapped() {
        try (Arena a = Arena.ofConfined(); Arena b = Arena.ofConfined()) {
            var mapped = SafetensorsFile.open(SAFETENSORS, a, Residency.MAPPED).tensors().values().iterator().next();
            var read = SafetensorsFile.open(SAFETENSORS, b, Residency.IN_MEMORY).tensors().values().iterator().next();
            assertThat(mapped.data().isMapped()).isTrue();
            assertThat(read.data().isMapped()).isFalse();
            assertThat(read.data().isNative()).isTrue();
        }
    }
}

package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.weights.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad or truncated GGUF files fail with a {@link ModelFormatException} naming the file and, where one is involved, the tensor or key. */
class GgufCorruptFileTest {

    static final Path FIXTURE = Path.of("").toAbsolutePath().getParent().resolve("testdata/tiny-gguf/tiny-a/q4_0.gguf");

    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] original() throws IOException {
        return Files.readAllBytes(FIXTURE);
    }

    @Test
    void theFixtureItselfOpens() {
        try (GgufFile f = GgufFile.open(FIXTURE)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.architecture()).isEqualTo("nemotron_h_moe");
            assertThat(f.metadata().get("tokenizer.ggml.model")).isEqualTo("gpt2");
            assertThat(f.metadata().get("tokenizer.ggml.bos_token_id")).isEqualTo(1L);
            assertThat(f.tensors()).hasSize(56);
            assertThat(f.find("token_embd.weight").orElseThrow().shape()).containsExactly(512, 64);
        }
    }

    @Test
    void badMagicAndVersion() throws IOException {
        byte[] b = original();
        b[0] = 'X';
        Path p = write("magic.gguf", b);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class).hasMessageContaining(p.toString()).hasMessageContaining("not a GGUF file");
        byte[] v = original();
        v[4] = 9;
        Path pv = write("version.gguf", v);
        assertThatThrownBy(() -> GgufFile.open(pv)).isInstanceOf(ModelFormatException.class).hasMessageContaining("version 9");
        Path empty = write("empty.gguf", new byte[0]);
        assertThatThrownBy(() -> GgufFile.open(empty)).isInstanceOf(ModelFormatException.class).hasMessageContaining("empty.gguf");
    }

    @Test
    void everyTruncationIsRejectedWithTheFileName() throws IOException {
        byte[] b = original();
        long dataStart;
        try (GgufFile f = GgufFile.open(FIXTURE)) {
            dataStart = f.dataOffset();
        }
        // cut inside the header, the metadata, the tensor infos and the tensor data
        for (int cut : new int[] {3, 10, 23, 100, 5000, (int) dataStart - 7, (int) dataStart + 1000, b.length - 1}) {
            Path p = write("cut" + cut + ".gguf", Arrays.copyOf(b, cut));
            assertThatThrownBy(() -> GgufFile.open(p)).as("cut at %d", cut).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(p.toString());
        }
        Path p = write("lasttensor.gguf", Arrays.copyOf(b, b.length - 1));
        assertThatThrownBy(() -> GgufFile.open(p)).hasMessageContaining("tensor '").hasMessageContaining("beyond the end");
    }

    @Test
    void unsupportedTypeAndMisalignedOffsetNameTheTensor() throws IOException {
        byte[] b = original();
        int at = indexOf(b, "token_embd.weight".getBytes());
        int typePos = at + "token_embd.weight".length() + 4 + 2 * 8; // name, n_dims, two dims
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int oldType = bb.getInt(typePos);
        // a type ggml defines but the engine does not read, a retired layout, and an id ggml never had
        for (var c : new Object[][] {{41, "ggml type Q1_0 (41) is not supported"}, {36, "ggml type IQ4_NL_4_4 (36) is not supported"},
                {97, "ggml type unknown (97) is not supported"}}) {
            bb.putInt(typePos, (Integer) c[0]);
            Path p = write("type" + c[0] + ".gguf", b);
            assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(p.toString()).hasMessageContaining("tensor 'token_embd.weight': " + c[1]);
        }
        bb.putInt(typePos, 10); // Q2_K is read, but its 256-element blocks do not fit the 64-wide rows
        Path k = write("q2k.gguf", b);
        assertThatThrownBy(() -> GgufFile.open(k)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'token_embd.weight'").hasMessageContaining("not whole Q2_K blocks of 256");
        bb.putInt(typePos, oldType);
        bb.putLong(typePos + 4, bb.getLong(typePos + 4) + 3);
        Path q = write("offset.gguf", b);
        assertThatThrownBy(() -> GgufFile.open(q)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'token_embd.weight'").hasMessageContaining("alignment");
    }

    @Test
    void absurdStringLengthIsRejected() throws IOException {
        byte[] b = original();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(24, Long.MAX_VALUE / 2); // first key's length
        Path p = write("strlen.gguf", b);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class).hasMessageContaining("exceeds the file");
    }

    @Test
    void aTensorWhoseShapeDisagreesWithTheMetadataIsNamed() throws IOException {
        byte[] b = original();
        int at = indexOf(b, "blk.0.ssm_out.weight".getBytes());
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int dim1 = at + "blk.0.ssm_out.weight".length() + 4 + 8;
        bb.putLong(dim1, bb.getLong(dim1) - 1); // one output row fewer: still a valid file
        Path p = write("shape.gguf", b);
        assertThatThrownBy(() -> ModelSource.of(p).load()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("blk.0.ssm_out.weight").hasMessageContaining("shape");
    }

    @Test
    void missingMetadataKeyIsNamed() throws IOException {
        byte[] b = original();
        int at = indexOf(b, "nemotron_h_moe.block_count".getBytes());
        b[at + "nemotron_h_moe.".length()] = 'X'; // rename the key
        Path p = write("key.gguf", b);
        assertThatThrownBy(() -> ModelSource.of(p).load()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("nemotron_h_moe.block_count");
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}

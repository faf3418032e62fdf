package dev.nemotron4j.engine.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code convert} reproduces llama.cpp's files byte for byte: the output's sha256 equals the one recorded in
 * testdata/tiny-gguf/index.json for the file llama.cpp's converter / {@code llama-quantize --pure} made.
 */
class GgufConverterTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"tiny-a,f16", "tiny-a,q8_0", "tiny-a,q4_0", "tiny-a,f32", "tiny-a,bf16", "tiny-b,q4_0", "tiny-c,q8_0",
            "tiny-d,q8_0", "tiny-d,q4_0", "tiny-d,f16", "small-k,q8_0"})
    void outputIsByteIdenticalToLlamaCpp(String model, String type) throws IOException, NoSuchAlgorithmException {
        JsonNode index = new ObjectMapper().readTree(TinyFixtures.ROOT.resolveSibling("tiny-gguf").resolve("index.json").toFile());
        JsonNode entry = index.path("models").path(model).path("files").path(type);
        Path out = tmp.resolve(model + "-" + type + ".gguf");
        GgufConverter.convert(TinyFixtures.dir(model), out, GgufConverter.parseType(type));
        assertThat(Files.size(out)).as("size").isEqualTo(entry.path("bytes").asLong());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)));
        assertThat(sha).as("%s %s sha256", model, type).isEqualTo(entry.path("sha256").asText());
    }
}

package dev.nemotron4j.cli;

import dev.nemotron4j.engine.formats.gguf.GgufFile;
import dev.nemotron4j.testkit.TestData;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The metadata map the GGUF reader exposes builds the same tokenizer as the checkpoint's tokenizer.json. */
class GgufTokenizerTest {

    @Test
    void tokenizerFromGgufMetadataMatchesTokenizerJson() throws IOException {
        Path root = TestData.dir();
        Tokenizer hf = Tokenizer.load(root.resolve("tiny/tiny-a/tokenizer.json"));
        try (GgufFile gguf = GgufFile.open(root.resolve("tiny-gguf/tiny-a/q8_0.gguf"))) {
            Tokenizer fromGguf = Tokenizer.fromGgufMetadata(gguf.metadata());
            for (String text : new String[] {"Hello world", "  the quick brown fox\n\tjumps 123!", "naïve café ☕"}) {
                assertThat(fromGguf.encode(text, false)).as(text).containsExactly(hf.encode(text, false));
                assertThat(fromGguf.encode(text, true)).as(text + " with specials").containsExactly(hf.encode(text, true));
            }
        }
    }
}

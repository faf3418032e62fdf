package dev.nemotron4j.runtime;

import dev.nemotron4j.testkit.TestData;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tokenizer with ids past the weights' vocabulary: text that needs them is refused with a message naming the model. */
class MismatchedTokenizerTest {

    @Test
    void idsPastTheModelVocabularyAreRefusedClearly(@TempDir Path dir) throws IOException {
        Path tiny = TestData.tiny("tiny-a");
        try (var files = Files.list(tiny)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
        ((ArrayNode) tokenizer.get("added_tokens")).addObject().put("id", 600).put("content", "<extra_tool>").put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        json.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizer);

        try (ModelBundle bundle = ModelBundle.open(dir)) {
            assertThat(bundle.model().vocabSize()).isEqualTo(512);
            assertThat(bundle.encodePrompt("hello")).isNotEmpty(); // ids inside the vocabulary are fine
            assertThatThrownBy(() -> bundle.encodePrompt("hello <extra_tool>"))
                    .isInstanceOf(ModelBundle.MismatchedTokenizerException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("token id 600").hasMessageContaining("512");
        }
    }
}

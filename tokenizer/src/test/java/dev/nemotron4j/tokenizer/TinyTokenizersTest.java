package dev.nemotron4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tiny Nemotron-like tokenizers of {@code testdata/tiny} against their reference encodings. */
class TinyTokenizersTest {

    @Test
    void everyCaseMatchesForEveryModelSharingTheVocabulary() {
        List<JsonNode> cases = Fixtures.jsonLines(Fixtures.TINY.resolve("tokenizer-cases.jsonl"));
        assertThat(cases).isNotEmpty();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonNode c : cases) {
            for (JsonNode model : c.get("models")) {
                Tokenizer tokenizer = Fixtures.tiny(model.asText());
                assertThat(tokenizer.vocabSize()).isEqualTo(c.get("vocab_size").asInt());
                String name = model.asText();
                String id = c.get("id").asText();
                String text = c.get("text").asText();
                int[] expected = Fixtures.ints(c.get("ids"));
                int[] actual = tokenizer.encode(text, false);
                if (!Arrays.equals(expected, actual)) {
                    failures.add(ReferenceTokenizersTest.describe(name, id, "ids", text, Arrays.toString(expected),
                            Arrays.toString(actual)));
                }
                int[] expectedSpecial = Fixtures.ints(c.get("ids_add_special"));
                int[] actualSpecial = tokenizer.encode(text, true);
                if (!Arrays.equals(expectedSpecial, actualSpecial)) {
                    failures.add(ReferenceTokenizersTest.describe(name, id, "ids_add_special", text,
                            Arrays.toString(expectedSpecial), Arrays.toString(actualSpecial)));
                }
                String decoded = tokenizer.decode(expected, false);
                if (!decoded.equals(c.get("decoded").asText())) {
                    failures.add(ReferenceTokenizersTest.describe(name, id, "decoded", text,
                            Fixtures.show(c.get("decoded").asText()), Fixtures.show(decoded)));
                }
                String expectedSkip = c.has("decoded_skip_special") ? c.get("decoded_skip_special").asText()
                        : c.get("decoded").asText();
                String decodedSkip = tokenizer.decode(expected, true);
                if (!decodedSkip.equals(expectedSkip)) {
                    failures.add(ReferenceTokenizersTest.describe(name, id, "decoded_skip_special", text,
                            Fixtures.show(expectedSkip), Fixtures.show(decodedSkip)));
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(54 * 5);
        assertThat(failures).as("%d mismatches", failures.size()).isEmpty();
    }
}

package dev.nemotron4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every string of the public corpus, encoded and decoded with the real qwen3, llama3 and deepseek_v3
 * tokenizer.json files, must give exactly the ids and text the Rust library gave.
 */
class ReferenceTokenizersTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "llama3", "deepseek_v3"})
    void matchesReferenceIdsAndDecoding(String name) {
        Tokenizer tokenizer = Fixtures.reference(name);
        List<JsonNode> cases = Fixtures.jsonLines(Fixtures.REFERENCE.resolve(name).resolve("cases.jsonl"));
        assertThat(cases).hasSize(354);
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String id = c.get("id").asText();
            String text = c.get("text").asText();
            int[] expected = Fixtures.ints(c.get("ids"));
            int[] actual = tokenizer.encode(text, false);
            if (!Arrays.equals(expected, actual)) {
                failures.add(describe(name, id, "ids", text, Arrays.toString(expected), Arrays.toString(actual)));
            }
            int[] expectedWithSpecial = c.has("ids_add_special") ? Fixtures.ints(c.get("ids_add_special")) : expected;
            int[] actualWithSpecial = tokenizer.encode(text, true);
            if (!Arrays.equals(expectedWithSpecial, actualWithSpecial)) {
                failures.add(describe(name, id, "ids_add_special", text, Arrays.toString(expectedWithSpecial),
                        Arrays.toString(actualWithSpecial)));
            }
            String decoded = tokenizer.decode(expected, false);
            if (!decoded.equals(c.get("decoded").asText())) {
                failures.add(describe(name, id, "decoded", text, Fixtures.show(c.get("decoded").asText()),
                        Fixtures.show(decoded)));
            }
            String expectedSkip = c.has("decoded_skip_special") ? c.get("decoded_skip_special").asText()
                    : c.get("decoded").asText();
            String decodedSkip = tokenizer.decode(expected, true);
            if (!decodedSkip.equals(expectedSkip)) {
                failures.add(describe(name, id, "decoded_skip_special", text, Fixtures.show(expectedSkip),
                        Fixtures.show(decodedSkip)));
            }
        }
        assertThat(failures).as("%d mismatches for %s", failures.size(), name).isEmpty();
    }

    static String describe(String tokenizer, String id, String field, String text, String expected, String actual) {
        String shown = Fixtures.show(text);
        if (shown.length() > 160) {
            shown = shown.substring(0, 160) + "...";
        }
        if (expected.length() > 400) {
            expected = expected.substring(0, 400) + "...";
            actual = actual.length() > 400 ? actual.substring(0, 400) + "..." : actual;
        }
        return tokenizer + " " + id + " " + field + " for " + shown + "\n  expected " + expected + "\n  actual   " + actual;
    }
}

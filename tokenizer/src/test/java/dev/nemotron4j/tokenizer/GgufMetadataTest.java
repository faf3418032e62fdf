package dev.nemotron4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Builds GGUF-style {@code tokenizer.ggml.*} metadata from tokenizer.json files (the way llama.cpp's converter
 * lays it out) and checks that the resulting tokenizer gives the reference ids.
 */
class GgufMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** GGUF metadata for a byte-level BPE tokenizer.json: tokens by id, types 3 (control) / 4 (user-defined) / 1. */
    static Map<String, Object> ggufMetadata(JsonNode tokenizerJson, String pre) {
        JsonNode model = tokenizerJson.get("model");
        Map<Integer, String> byId = new HashMap<>();
        model.get("vocab").properties().forEach(e -> byId.put(e.getValue().asInt(), e.getKey()));
        Map<Integer, Integer> types = new HashMap<>();
        for (JsonNode t : tokenizerJson.get("added_tokens")) {
            byId.put(t.get("id").asInt(), t.get("content").asText());
            types.put(t.get("id").asInt(), t.get("special").asBoolean() ? 3 : 4);
        }
        int n = byId.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
        List<String> tokens = new ArrayList<>(n);
        int[] tokenTypes = new int[n];
        for (int id = 0; id < n; id++) {
            // llama.cpp pads holes in the id range with [PAD] tokens of type "unused".
            tokens.add(byId.getOrDefault(id, "[PAD" + id + "]"));
            tokenTypes[id] = byId.containsKey(id) ? types.getOrDefault(id, 1) : 5;
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.get("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        Map<String, Object> kv = new HashMap<>();
        kv.put("tokenizer.ggml.model", "gpt2");
        kv.put("tokenizer.ggml.pre", pre);
        kv.put("tokenizer.ggml.tokens", tokens);
        kv.put("tokenizer.ggml.token_type", tokenTypes);
        kv.put("tokenizer.ggml.merges", merges);
        return kv;
    }

    @Test
    void tinyNemotronTokenizerFromPixtralMetadataMatchesTheReference() throws IOException {
        JsonNode json = JSON.readTree(Fixtures.TINY.resolve("tiny-a").resolve("tokenizer.json").toFile());
        Map<String, Object> kv = ggufMetadata(json, "pixtral");
        kv.put("tokenizer.ggml.bos_token_id", 1L);
        kv.put("tokenizer.ggml.eos_token_id", 11L);
        Tokenizer gguf = Tokenizer.fromGgufMetadata(kv);
        Tokenizer reference = Fixtures.tiny("tiny-a");
        int checked = 0;
        for (JsonNode c : Fixtures.jsonLines(Fixtures.TINY.resolve("tokenizer-cases.jsonl"))) {
            if (c.get("vocab_size").asInt() != reference.vocabSize()) {
                continue;
            }
            String text = c.get("text").asText();
            assertThat(gguf.encode(text, false)).as(c.get("id").asText()).containsExactly(Fixtures.ints(c.get("ids")));
            // pixtral implies add_bos like the tokenizer.json template.
            assertThat(gguf.encode(text, true)).as(c.get("id").asText())
                    .containsExactly(Fixtures.ints(c.get("ids_add_special")));
            assertThat(gguf.decode(Fixtures.ints(c.get("ids")), false)).isEqualTo(c.get("decoded").asText());
            checked++;
        }
        assertThat(checked).isEqualTo(54);
        assertThat(gguf.isSpecial(11)).isTrue();
        assertThat(gguf.vocabSize()).isEqualTo(reference.vocabSize());
    }

    @Test
    void addBosKeyOverridesThePreTokenizerDefault() throws IOException {
        JsonNode json = JSON.readTree(Fixtures.TINY.resolve("tiny-c").resolve("tokenizer.json").toFile());
        Map<String, Object> kv = ggufMetadata(json, "pixtral");
        kv.put("tokenizer.ggml.bos_token_id", 1);
        kv.put("tokenizer.ggml.add_bos_token", false);
        Tokenizer gguf = Tokenizer.fromGgufMetadata(kv);
        assertThat(gguf.encode("Hi", true)).isEqualTo(gguf.encode("Hi", false));
        kv.put("tokenizer.ggml.add_bos_token", true);
        kv.put("tokenizer.ggml.eos_token_id", 2);
        kv.put("tokenizer.ggml.add_eos_token", true);
        int[] withSpecials = Tokenizer.fromGgufMetadata(kv).encode("Hi", true);
        assertThat(withSpecials[0]).isEqualTo(1);
        assertThat(withSpecials[withSpecials.length - 1]).isEqualTo(2);
    }

    @Test
    void llama3FromLlamaBpeMetadataMatchesEveryCorpusString() throws IOException {
        JsonNode json;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                Fixtures.REFERENCE.resolve("llama3").resolve("tokenizer.json.gz")))) {
            json = JSON.readTree(in);
        }
        Tokenizer gguf = Tokenizer.fromGgufMetadata(ggufMetadata(json, "llama-bpe"));
        List<String> failures = new ArrayList<>();
        for (JsonNode c : Fixtures.jsonLines(Fixtures.REFERENCE.resolve("llama3").resolve("cases.jsonl"))) {
            int[] expected = Fixtures.ints(c.get("ids"));
            int[] actual = gguf.encode(c.get("text").asText(), false);
            if (!Arrays.equals(expected, actual)) {
                failures.add(ReferenceTokenizersTest.describe("llama3/gguf", c.get("id").asText(), "ids",
                        c.get("text").asText(), Arrays.toString(expected), Arrays.toString(actual)));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void missingMergesOrUnsupportedModelAreReportedClearly() {
        Map<String, Object> kv = new HashMap<>();
        kv.put("tokenizer.ggml.model", "gpt2");
        kv.put("tokenizer.ggml.tokens", List.of("a", "b"));
        assertThatThrownBy(() -> Tokenizer.fromGgufMetadata(kv))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("tokenizer.ggml.merges");
        kv.put("tokenizer.ggml.model", "llama");
        assertThatThrownBy(() -> Tokenizer.fromGgufMetadata(kv))
                .isInstanceOf(TokenizerFormatException.class).hasMessageContaining("\"llama\"");
    }

    @Test
    void unknownPreTokenizerFallsBackToDefault() {
        Map<String, Object> kv = new HashMap<>();
        kv.put("tokenizer.ggml.model", "gpt2");
        kv.put("tokenizer.ggml.tokens", new String[] {"a", "b", "ab", "Ġ"});
        kv.put("tokenizer.ggml.merges", List.of("a b"));
        kv.put("tokenizer.ggml.pre", "no-such-pre");
        Tokenizer t = Tokenizer.fromGgufMetadata(kv);
        assertThat(t.encode("ab ab", false)).containsExactly(2, 3, 2);
    }
}

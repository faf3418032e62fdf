package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Constrained decoding to a JSON schema: everything the grammar lets through to its end is JSON that validates
 * against the schema (checked by an independent validator over many random schemas and random walks), no accepted
 * prefix is a dead end, and unsupported keywords are refused by name.
 */
class JsonSchemaGrammarTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static boolean accepts(JsonSchemaGrammar g, String text) {
        JsonSchemaGrammar.Matcher m = g.start();
        if (!m.accepts(text.getBytes(StandardCharsets.UTF_8))) return false;
        m.advance(text.getBytes(StandardCharsets.UTF_8));
        return m.complete();
    }

    @Test
    void acceptsExactlyTheValidValuesOfASchema() {
        JsonSchemaGrammar g = new JsonSchemaGrammar(json("""
                {"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":5},
                 "age":{"type":"integer","minimum":0,"maximum":120},"tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":2},
                 "ok":{"type":"boolean"},"note":{"type":["string","null"]}},"required":["name","age"],"additionalProperties":false}"""), false);
        assertThat(accepts(g, "{\"name\":\"Ann\",\"age\":42}")).isTrue();
        assertThat(accepts(g, "{ \"name\": \"Ann\", \"age\": 42, \"tags\": [\"a\", \"b\"], \"ok\": true, \"note\": null }")).isTrue();
        assertThat(accepts(g, "{\"name\":\"Ann\",\"age\":42,\"note\":\"x\"}")).isTrue();
        assertThat(accepts(g, "{\"age\":42,\"name\":\"Ann\"}")).as("declared order").isFalse();
        assertThat(accepts(g, "{\"name\":\"Ann\"}")).as("age is required").isFalse();
        assertThat(accepts(g, "{\"name\":\"\",\"age\":1}")).as("minLength").isFalse();
        assertThat(accepts(g, "{\"name\":\"Annabel\",\"age\":1}")).as("maxLength").isFalse();
        assertThat(accepts(g, "{\"name\":\"Ann\",\"age\":121}")).as("maximum").isFalse();
        assertThat(accepts(g, "{\"name\":\"Ann\",\"age\":-1}")).as("minimum").isFalse();
        assertThat(accepts(g, "{\"name\":\"Ann\",\"age\":4.5}")).as("integer").isFalse();
        assertThat(accepts(g, "{\"name\":\"Ann\",\"age\":42,\"tags\":[\"a\",\"a\",\"b\"]}")).as("maxItems").isFalse();
        assertThat(accepts(g, "{\"name\":\"Ann\",\"age\":42,\"tags\":[\"c\"]}")).as("enum").isFalse();
        assertThat(accepts(g, "{\"name\":\"Ann\",\"age\":42,\"extra\":1}")).as("no other properties").isFalse();
        assertThat(accepts(g, "{\"name\":\"\\u00e9\\u00e9\",\"age\":7}")).as("escapes count one character").isTrue();
        assertThat(accepts(g, "{\"name\":\"\\ud83d\\ude00\",\"age\":7}")).as("surrogate escapes refused").isFalse();
        assertThat(accepts(g, "{\"name\":\"😀😀😀😀😀\",\"age\":7}")).as("code points, not bytes").isTrue();
        // an integer's digits are cut where no continuation fits the bounds
        JsonSchemaGrammar.Matcher m = g.start();
        m.advance("{\"name\":\"A\",\"age\":1".getBytes(StandardCharsets.UTF_8));
        assertThat(m.accepts("2".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.accepts("3".getBytes(StandardCharsets.UTF_8))).as("13x > 120, 13 is fine").isTrue();
        assertThat(m.accepts("21".getBytes(StandardCharsets.UTF_8))).as("121 > 120").isFalse();
        assertThat(m.accepts("000".getBytes(StandardCharsets.UTF_8))).as("1000 > 120").isFalse();
    }

    @Test
    void refsAnyOfConstAndNestedArrays() {
        JsonSchemaGrammar g = new JsonSchemaGrammar(json("""
                {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},
                 "required":["v"]}},"anyOf":[{"$ref":"#/$defs/node"},{"const":"none"},{"type":"number"}]}"""), false);
        assertThat(accepts(g, "{\"v\":1,\"kids\":[{\"v\":2},{\"v\":3,\"kids\":[]}]}")).isTrue();
        assertThat(accepts(g, "\"none\"")).isTrue();
        assertThat(accepts(g, "\"nope\"")).isFalse();
        assertThat(accepts(g, "-1.5e3")).isTrue();
        assertThat(accepts(g, "{\"kids\":[]}")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "pattern|{\"type\":\"string\",\"pattern\":\"^a\"}",
            "format|{\"type\":\"string\",\"format\":\"date\"}",
            "oneOf|{\"oneOf\":[{\"type\":\"string\"}]}",
            "allOf|{\"allOf\":[{\"type\":\"string\"}]}",
            "exclusiveMinimum|{\"type\":\"integer\",\"exclusiveMinimum\":1}",
            "multipleOf|{\"type\":\"integer\",\"multipleOf\":2}",
            "uniqueItems|{\"type\":\"array\",\"uniqueItems\":true}",
            "patternProperties|{\"type\":\"object\",\"patternProperties\":{\"a\":{}}}",
            "minimum|{\"type\":\"number\",\"minimum\":0.5}",
            "additionalProperties|{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}",
            "required|{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"b\"]}",
            "not|{\"type\":\"object\",\"properties\":{\"a\":{\"not\":{}}}}",
    })
    void unsupportedKeywordsAreRefusedByName(String keyword, String schema) {
        assertThatThrownBy(() -> new JsonSchemaGrammar(json(schema), false))
                .isInstanceOf(JsonSchemaGrammar.UnsupportedSchemaException.class)
                .hasMessageContaining("'" + keyword + "'")
                .satisfies(e -> assertThat(((JsonSchemaGrammar.UnsupportedSchemaException) e).keyword()).isEqualTo(keyword));
    }

    // ---- random schemas, random walks ----

    static JsonNode randomSchema(Random rnd, int depth, ObjectNode defs) {
        int kind = rnd.nextInt(depth > 2 ? 6 : 9);
        ObjectNode s = JSON.createObjectNode();
        switch (kind) {
            case 0 -> {
                s.put("type", "string");
                if (rnd.nextBoolean()) s.put("minLength", rnd.nextInt(3));
                if (rnd.nextBoolean()) s.put("maxLength", 3 + rnd.nextInt(4));
            }
            case 1 -> {
                s.put("type", "integer");
                if (rnd.nextBoolean()) s.put("minimum", rnd.nextInt(200) - 100);
                if (rnd.nextBoolean()) s.put("maximum", s.path("minimum").asInt(-100) + rnd.nextInt(300));
            }
            case 2 -> s.put("type", rnd.nextBoolean() ? "number" : "boolean");
            case 3 -> {
                ArrayNode e = s.putArray("enum");
                e.add("red").add(7).add(JSON.nullNode()).add("bl\"ue");
            }
            case 4 -> s.put("const", rnd.nextBoolean() ? "fixed" : "x");
            case 5 -> s.putArray("type").add("string").add("null");
            case 6, 7 -> {
                s.put("type", "object");
                ObjectNode props = s.putObject("properties");
                ArrayNode req = s.putArray("required");
                int n = 1 + rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    props.set("p" + i, randomSchema(rnd, depth + 1, defs));
                    if (rnd.nextBoolean()) req.add("p" + i);
                }
                s.put("additionalProperties", false);
            }
            default -> {
                s.put("type", "array");
                s.set("items", randomSchema(rnd, depth + 1, defs));
                if (rnd.nextBoolean()) s.put("minItems", rnd.nextInt(2));
                if (rnd.nextBoolean()) s.put("maxItems", 2 + rnd.nextInt(2));
            }
        }
        if (depth > 0 && rnd.nextInt(8) == 0) {
            ObjectNode any = JSON.createObjectNode();
            any.putArray("anyOf").add(s).add(JSON.createObjectNode().put("type", "null"));
            return any;
        }
        if (depth > 0 && rnd.nextInt(10) == 0) {
            String name = "d" + defs.size();
            defs.set(name, s);
            return JSON.createObjectNode().put("$ref", "#/$defs/" + name);
        }
        return s;
    }

    /** What a walk writes: printable ASCII one byte at a time, a few multi-byte characters whole. */
    static final List<byte[]> UNITS = new ArrayList<>();

    static {
        for (int b = 0x20; b < 0x7F; b++) UNITS.add(new byte[] {(byte) b});
        UNITS.add(new byte[] {'\n'});
        for (String c : List.of("é", "€", "😀")) UNITS.add(c.getBytes(StandardCharsets.UTF_8));
    }

    static final String PREFERRED = "{}[]\":, -.0123456789eEtruefalsnxyz\\u";

    /**
     * Walks the grammar one unit at a time, choosing among accepted units, closing more eagerly as it grows; asserts
     * on the way that no accepted prefix is a dead end (some byte is always accepted until the value is complete).
     */
    static String walk(JsonSchemaGrammar g, Random rnd) {
        JsonSchemaGrammar.Matcher m = g.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int step = 0; step < 3000; step++) {
            if (m.complete() && (rnd.nextInt(4) == 0 || step > 200)) return out.toString(StandardCharsets.UTF_8);
            List<byte[]> ok = new ArrayList<>();
            for (byte[] u : UNITS) if (m.accepts(u)) ok.add(u);
            boolean anyByte = !ok.isEmpty();
            for (int b = 0; b < 256 && !anyByte; b++) anyByte = m.accepts(new byte[] {(byte) b});
            assertThat(anyByte || m.complete()).as("a dead end after %s", out.toString(StandardCharsets.UTF_8)).isTrue();
            if (ok.isEmpty()) return m.complete() ? out.toString(StandardCharsets.UTF_8) : null;
            List<byte[]> closing = new ArrayList<>(), preferred = new ArrayList<>();
            for (byte[] u : ok) {
                if (u.length == 1 && "\"}],0123456789ntf".indexOf(u[0]) >= 0) closing.add(u);
                if (u.length > 1 || PREFERRED.indexOf(u[0]) >= 0) preferred.add(u);
            }
            List<byte[]> from = step > 60 && !closing.isEmpty() && rnd.nextInt(4) > 0 ? closing
                    : !preferred.isEmpty() && rnd.nextInt(8) > 0 ? preferred : ok;
            byte[] u = from.get(rnd.nextInt(from.size()));
            m.advance(u);
            out.writeBytes(u);
        }
        return null;
    }

    @Test
    void everyCompleteOutputValidatesOverRandomSchemasAndWalks() throws Exception {
        Random rnd = new Random(17);
        int checked = 0, unfinished = 0;
        for (int round = 0; round < 300; round++) {
            ObjectNode defs = JSON.createObjectNode();
            JsonNode body = randomSchema(rnd, 0, defs);
            JsonNode schema = body;
            if (!defs.isEmpty()) {
                ObjectNode withDefs = body.deepCopy();
                withDefs.set("$defs", defs);
                schema = withDefs;
            }
            JsonSchemaGrammar g = new JsonSchemaGrammar(schema, false);
            for (int w = 0; w < 5; w++) {
                String text = walk(g, rnd);
                if (text == null) {
                    unfinished++;
                    continue;
                }
                JsonNode value = JSON.readTree(text);
                assertThat(SchemaCheck.valid(value, schema)).as("%s\nagainst %s", text, schema).isTrue();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1400);
        assertThat(unfinished).isLessThan(20);
    }

    @Test
    void reasoningIsFreeUntilItEnds() {
        JsonSchemaGrammar g = new JsonSchemaGrammar(json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}"), true);
        JsonSchemaGrammar.Matcher m = g.start();
        assertThat(m.free()).isTrue();
        m.advance("anything { ] goes\n</think>\n".getBytes(StandardCharsets.UTF_8));
        assertThat(m.free()).isFalse();
        assertThat(m.accepts("{\"a\":5}".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(m.accepts("x".getBytes(StandardCharsets.UTF_8))).isFalse();
    }
}

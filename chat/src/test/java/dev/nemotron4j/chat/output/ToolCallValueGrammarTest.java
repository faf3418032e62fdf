package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parameter values of a call forced by {@code tool_choice} follow their JSON schemas (issue #17 item 2): what the
 * grammar accepts, the parser reads back as arguments that validate against the function's {@code parameters}
 * (checked by an independent validator over random schemas and random walks); strings are raw text, everything else
 * JSON; unsupported keywords are refused by name.
 */
class ToolCallValueGrammarTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ToolDefinition tool(String parameters) {
        return ToolDefinition.function("f", null, json(parameters));
    }

    /** A whole call of f with one parameter p whose value text is {@code value}. */
    private static String call(String value) {
        return "<tool_call>\n<function=f>\n<parameter=p>\n" + value + "\n</parameter>\n</function>\n</tool_call>\n";
    }

    private static boolean accepts(String propertySchema, String value) {
        ToolCallGrammar g = ToolCallGrammar.named(tool("{\"type\":\"object\",\"properties\":{\"p\":" + propertySchema + "}}"), false);
        return g.start().accepts(call(value).getBytes(StandardCharsets.UTF_8));
    }

    /** The arguments the parser reads from {@code text} (one call of {@code tool}). */
    private static JsonNode arguments(ToolDefinition tool, String text) {
        AtomicInteger ids = new AtomicInteger();
        NemotronOutputParser parser = new NemotronOutputParser(new OutputParserOptions(false, true, List.of(tool), () -> "c" + ids.get()));
        List<OutputEvent> events = new ArrayList<>(parser.feed(text));
        events.addAll(parser.finish());
        List<ToolCall> calls = ParsedOutput.fromEvents(events).toolCalls();
        assertThat(calls).as(text).hasSize(1);
        return calls.getFirst().arguments();
    }

    @ParameterizedTest(name = "{0} | {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            // strings are the raw text: no quotes, length in code points, an enum one of its strings
            "{\"type\":\"string\"}|Paris, \"the\" <city>|true",
            "{\"type\":\"string\",\"maxLength\":3}|abc|true",
            "{\"type\":\"string\",\"maxLength\":3}|abcd|false",
            "{\"type\":\"string\",\"maxLength\":3}|€€€|true",
            "{\"type\":\"string\",\"minLength\":2}|a|false",
            "{\"type\":\"string\",\"minLength\":2}|ab|true",
            "{\"enum\":[\"celsius\",\"fahrenheit\"]}|celsius|true",
            "{\"enum\":[\"celsius\",\"fahrenheit\"]}|\"celsius\"|false",
            "{\"enum\":[\"celsius\",\"fahrenheit\"]}|kelvin|false",
            "{\"const\":\"x\"}|x|true",
            // integers and numbers are JSON, within bounds, nothing around them
            "{\"type\":\"integer\",\"minimum\":1,\"maximum\":14}|7|true",
            "{\"type\":\"integer\",\"minimum\":1,\"maximum\":14}|15|false",
            "{\"type\":\"integer\",\"minimum\":1,\"maximum\":14}|' 7'|false",
            "{\"type\":\"integer\"}|7.5|false",
            "{\"type\":\"integer\"}|-12|true",
            "{\"type\":\"number\"}|-2.5e-3|true",
            "{\"type\":\"number\"}|1e400|false",
            "{\"type\":\"number\"}|abc|false",
            "{\"enum\":[1,2,3]}|2|true",
            "{\"enum\":[1,2,3]}|4|false",
            // booleans as JSON (the parser reads only true as true)
            "{\"type\":\"boolean\"}|true|true",
            "{\"type\":\"boolean\"}|false|true",
            "{\"type\":\"boolean\"}|True|false",
            "{\"type\":\"boolean\"}|yes|false",
            // null where allowed
            "{\"type\":[\"integer\",\"null\"]}|null|true",
            "{\"type\":\"integer\"}|null|false",
            "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}|null|true",
            // an anyOf declares its first type, as the parser reads it: an integer here, so no text
            "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}|5|true",
            "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}|abc|false",
            // objects and arrays are JSON under their schemas
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}|{\"a\": 1}|true",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}|{}|false",
            "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":2}|[\"x\", \"y\"]|true",
            "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":2}|[\"x\", \"y\", \"z\"]|false",
            "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}|[\"a</tool_call>\"]|false",
            "{\"type\":\"object\"}|{\"free\": [1, {\"b\": null}]}|true",
    })
    void valuesFollowTheirSchemas(String schema, String value, boolean accepted) {
        assertThat(accepts(schema, value)).isEqualTo(accepted);
        if (accepted) {
            ToolDefinition t = tool("{\"type\":\"object\",\"properties\":{\"p\":" + schema + "}}");
            JsonNode args = arguments(t, call(value));
            assertThat(SchemaCheck.valid(args, t.function().get("parameters"))).as("%s read as %s", value, args).isTrue();
        }
    }

    @Test
    void aValueEndsWithOneNewlineBeforeItsClosingTag() {
        assertThat(accepts("{\"type\":\"string\"}", "Paris")).isTrue();
        ToolCallGrammar g = ToolCallGrammar.named(tool("{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"string\"}}}"), false);
        String open = "<tool_call>\n<function=f>\n<parameter=p>\n";
        assertThat(g.start().accepts((open + "Paris</parameter>").getBytes(StandardCharsets.UTF_8)))
                .as("the newline the parser strips would be missing").isFalse();
        // a text ending in a newline keeps it: one more comes before the tag
        JsonNode args = arguments(tool("{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"string\",\"maxLength\":2}}}"), call("a\n"));
        assertThat(args.path("p").asText()).isEqualTo("a\n");
        assertThat(accepts("{\"type\":\"string\",\"maxLength\":3}", "a\nb")).isTrue();
        assertThat(accepts("{\"type\":\"string\",\"maxLength\":2}", "a\nb")).isFalse();
    }

    @Test
    void freeTextFastPathsHoldOnlyWhereAnyTextFits() {
        ToolDefinition t = tool("""
                {"type":"object","properties":{"s":{"type":"string"},"short":{"type":"string","maxLength":4},
                 "o":{"type":"object"},"n":{"type":"integer"}}}""");
        String head = "<tool_call>\n<function=f>\n";
        assertThat(matcherAfter(t, head + "<parameter=s>\nab").freeText()).isEqualTo(OutputGrammar.FreeText.NO_TAG_START);
        assertThat(matcherAfter(t, head + "<parameter=short>\nab").freeText()).isEqualTo(OutputGrammar.FreeText.NONE);
        assertThat(matcherAfter(t, head + "<parameter=o>\n{\"k\": \"ab").freeText())
                .isEqualTo(OutputGrammar.FreeText.NO_STRING_BREAK_OR_TAG_START);
        assertThat(matcherAfter(t, head + "<parameter=n>\n1").freeText()).isEqualTo(OutputGrammar.FreeText.NONE);
    }

    private static ToolCallGrammar.Matcher matcherAfter(ToolDefinition t, String text) {
        ToolCallGrammar.Matcher m = ToolCallGrammar.named(t, false).start();
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        assertThat(m.accepts(b)).as(text).isTrue();
        m.advance(b);
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "format|{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"string\",\"format\":\"date\"}}}",
            "pattern|{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"string\",\"pattern\":\"^a\"}}}",
            "oneOf|{\"type\":\"object\",\"properties\":{\"p\":{\"oneOf\":[{\"type\":\"string\"}]}}}",
            "patternProperties|{\"type\":\"object\",\"properties\":{},\"patternProperties\":{\"^x\":{}}}",
            "minimum|{\"type\":\"object\",\"properties\":{\"p\":{\"type\":\"number\",\"minimum\":0}}}",
    })
    void unsupportedKeywordsAreRefusedByName(String keyword, String parameters) {
        assertThatThrownBy(() -> ToolCallGrammar.anyOf(List.of(tool(parameters)), false))
                .isInstanceOf(JsonSchemaGrammar.UnsupportedSchemaException.class)
                .hasMessageContaining("'" + keyword + "'")
                .hasMessageContaining("f: ")
                .satisfies(e -> assertThat(((JsonSchemaGrammar.UnsupportedSchemaException) e).keyword()).isEqualTo(keyword));
    }

    @Test
    void aSchemaWhoseValuesCannotBeReadBackIsRefused() {
        // declared as a string by the parser's reading (no type on the $ref), but only objects are valid
        String parameters = """
                {"type":"object","$defs":{"o":{"type":"object"}},"properties":{"p":{"$ref":"#/$defs/o"}}}""";
        assertThatThrownBy(() -> ToolCallGrammar.anyOf(List.of(tool(parameters)), false))
                .isInstanceOf(JsonSchemaGrammar.UnsupportedSchemaException.class).hasMessageContaining("reads as string");
    }

    // ---- random parameter schemas, random walks ----

    /** Whole pieces a walk may write besides single characters: the tags, as a tokenizer's tokens would. */
    private static final List<String> TAGS = List.of("\n</parameter>\n", "</function>\n</tool_call>\n", "\n");

    /**
     * Walks the grammar choosing among accepted units (single characters, a few multi-byte characters, tags and
     * parameter openings), closing more eagerly as it grows; asserts on the way that no accepted prefix is a dead end.
     */
    private static String walk(ToolCallGrammar g, List<String> names, Random rnd) {
        ToolCallGrammar.Matcher m = g.start();
        List<byte[]> units = new ArrayList<>(JsonSchemaGrammarTest.UNITS);
        for (String t : TAGS) units.add(t.getBytes(StandardCharsets.UTF_8));
        for (String n : names) units.add(("<parameter=" + n + ">\n").getBytes(StandardCharsets.UTF_8));
        units.add("<tool_call>\n<function=f>\n".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int step = 0; step < 3000; step++) {
            if (m.complete()) return out.toString(StandardCharsets.UTF_8);
            List<byte[]> ok = new ArrayList<>();
            for (byte[] u : units) if (m.accepts(u)) ok.add(u);
            boolean anyByte = !ok.isEmpty();
            for (int b = 0; b < 256 && !anyByte; b++) anyByte = m.accepts(new byte[] {(byte) b});
            assertThat(anyByte).as("a dead end after %s", out.toString(StandardCharsets.UTF_8)).isTrue();
            if (ok.isEmpty()) return null;
            List<byte[]> closing = new ArrayList<>(), preferred = new ArrayList<>();
            for (byte[] u : ok) {
                if (u.length > 4 || u.length == 1 && "\"}],0123456789ntf\n".indexOf(u[0]) >= 0) closing.add(u);
                if (u.length > 1 || JsonSchemaGrammarTest.PREFERRED.indexOf(u[0]) >= 0) preferred.add(u);
            }
            List<byte[]> from = step > 30 && !closing.isEmpty() && rnd.nextInt(4) > 0 ? closing
                    : !preferred.isEmpty() && rnd.nextInt(8) > 0 ? preferred : ok;
            byte[] u = from.get(rnd.nextInt(from.size()));
            m.advance(u);
            out.writeBytes(u);
        }
        return null;
    }

    @Test
    void everyCompleteCallReadsBackAsArgumentsThatValidateOverRandomSchemasAndWalks() {
        Random rnd = new Random(23);
        int checked = 0, unfinished = 0, refused = 0;
        for (int round = 0; round < 150; round++) {
            ObjectNode defs = JSON.createObjectNode();
            ObjectNode parameters = JSON.createObjectNode().put("type", "object");
            ObjectNode props = parameters.putObject("properties");
            var required = parameters.putArray("required");
            List<String> names = new ArrayList<>();
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                names.add("p" + i);
                props.set("p" + i, JsonSchemaGrammarTest.randomSchema(rnd, 1, defs));
                if (rnd.nextBoolean()) required.add("p" + i);
            }
            if (!defs.isEmpty()) parameters.set("$defs", defs);
            ToolDefinition t = ToolDefinition.function("f", null, parameters);
            ToolCallGrammar g;
            try {
                g = ToolCallGrammar.named(t, false);
            } catch (JsonSchemaGrammar.UnsupportedSchemaException e) {
                refused++; // a $ref or an anyOf the parser reads as text while its values are not: said, never ignored
                assertThat(e.getMessage()).contains("reads as");
                continue;
            }
            for (int w = 0; w < 4; w++) {
                String text = walk(g, names, rnd);
                if (text == null) {
                    unfinished++;
                    continue;
                }
                JsonNode args = arguments(t, text);
                assertThat(SchemaCheck.valid(args, parameters)).as("%s\nread as %s\nagainst %s", text, args, parameters).isTrue();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(360);
        assertThat(unfinished).isLessThan(25);
        assertThat(refused).isLessThan(50);
    }
}

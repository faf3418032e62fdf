package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.python.PythonJsonWriter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each row: schema type, raw text, the JSON that vLLM's qwen3_coder rules give. */
class ToolArgumentCoercionTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static ToolArgumentCoercion coercionFor(String propertiesJson) throws Exception {
        return new ToolArgumentCoercion(List.of(ToolDefinition.function("f", null,
                JSON.readTree("{\"type\": \"object\", \"properties\": " + propertiesJson + "}"))));
    }

    static String coerce(ToolArgumentCoercion coercion, String parameter, String raw) {
        return PythonJsonWriter.dumps(coercion.coerce("f", parameter, raw));
    }

    @Test
    void coercesByDeclaredType() throws Exception {
        ToolArgumentCoercion c = coercionFor("""
                {"s": {"type": "string"}, "i": {"type": "integer"}, "n": {"type": "number"}, "b": {"type": "boolean"},
                 "o": {"type": "object"}, "a": {"type": "array"}, "any": {"type": "whatever"}, "untyped": {"enum": ["x"]},
                 "ns": {"type": ["string", "null"]}, "ni": {"anyOf": [{"type": "null"}, {"type": "integer"}]},
                 "u64": {"type": "uint64"}, "f32": {"type": "float32"}, "dict": {"type": "dict"}}""");
        assertThat(coerce(c, "s", " 12 ")).isEqualTo("\" 12 \"");
        assertThat(coerce(c, "s", "null")).isEqualTo("\"null\"");
        assertThat(coerce(c, "i", "-12")).isEqualTo("-12");
        assertThat(coerce(c, "i", "3.0")).isEqualTo("\"3.0\"");
        assertThat(coerce(c, "i", "null")).isEqualTo("null");
        assertThat(coerce(c, "u64", "18446744073709551615")).isEqualTo("18446744073709551615");
        assertThat(coerce(c, "n", "2.50")).isEqualTo("2.5");
        assertThat(coerce(c, "n", "1e20")).isEqualTo("100000000000000000000");
        assertThat(coerce(c, "n", "-0.0")).isEqualTo("0");
        assertThat(coerce(c, "n", "inf")).isEqualTo("\"inf\"");
        assertThat(coerce(c, "f32", "1e-5")).isEqualTo("1e-05");
        assertThat(coerce(c, "b", "TRUE")).isEqualTo("true");
        assertThat(coerce(c, "b", "yes")).isEqualTo("false");
        assertThat(coerce(c, "b", "True")).isEqualTo("true");
        assertThat(coerce(c, "b", " True ")).isEqualTo("true");
        assertThat(coerce(c, "b", "False")).isEqualTo("false");
        assertThat(coerce(c, "o", "{\"a\": [1, 2.0]}")).isEqualTo("{\"a\": [1, 2.0]}");
        assertThat(coerce(c, "o", "{'a': None}")).isEqualTo("{\"a\": null}");
        assertThat(coerce(c, "o", "{broken")).isEqualTo("\"{broken\"");
        assertThat(coerce(c, "dict", "{\"k\": 1} trailing")).isEqualTo("\"{\\\"k\\\": 1} trailing\"");
        assertThat(coerce(c, "a", "[1, \"x\"]")).isEqualTo("[1, \"x\"]");
        assertThat(coerce(c, "any", "42")).isEqualTo("42");
        assertThat(coerce(c, "any", "hello")).isEqualTo("\"hello\"");
        assertThat(coerce(c, "untyped", "x")).isEqualTo("\"x\"");
        assertThat(coerce(c, "ns", "null")).isEqualTo("null");
        assertThat(coerce(c, "ns", "None")).isEqualTo("null");
        assertThat(coerce(c, "ni", "7")).isEqualTo("7");
        assertThat(coerce(c, "missing", "7")).isEqualTo("\"7\"");
        assertThat(PythonJsonWriter.dumps(c.coerce("unknown_function", "i", "7"))).isEqualTo("\"7\"");
    }

    @Test
    void enumAndConstValuesGiveTheTypeWhenNoneIsDeclared() throws Exception {
        ToolArgumentCoercion c = coercionFor("""
                {"level": {"enum": [1, 2, 3]}, "scale": {"enum": [0.5, 1]}, "on": {"const": true},
                 "mixed": {"enum": ["a", 1]}, "named": {"enum": ["x", "y"]}}""");
        assertThat(coerce(c, "level", "2")).isEqualTo("2");
        assertThat(coerce(c, "scale", "0.5")).isEqualTo("0.5");
        assertThat(coerce(c, "on", "True")).isEqualTo("true");
        assertThat(coerce(c, "mixed", "1")).isEqualTo("\"1\"");
        assertThat(coerce(c, "named", "x")).isEqualTo("\"x\"");
    }
}

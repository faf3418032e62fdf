package dev.nemotron4j.chat.python;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(value, ensure_ascii=False)} writes it: {@code ", "} and
 * {@code ": "} separators, keys in insertion order, non-ASCII characters unescaped, floats as {@code repr}. This is
 * Hugging Face's {@code tojson} filter and the spelling of OpenAI {@code tool_calls[].function.arguments}.
 */
public final class PythonJsonWriter {

    private PythonJsonWriter() {
    }

    /** The JSON text of {@code value}. */
    public static String dumps(JsonNode value) {
        return dumps(value, false);
    }

    /** The JSON text of {@code value}; {@code asciiOnly} as {@code json.dumps}' default {@code ensure_ascii=True}. */
    public static String dumps(JsonNode value, boolean asciiOnly) {
        StringBuilder out = new StringBuilder();
        write(value, out, asciiOnly);
        return out.toString();
    }

    /** Appends the JSON text of {@code value} to {@code out}. */
    public static void write(JsonNode value, StringBuilder out) {
        write(value, out, false);
    }

    private static void write(JsonNode value, StringBuilder out, boolean asciiOnly) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.append("null");
        } else if (value.isTextual()) {
            writeString(value.textValue(), out, asciiOnly);
        } else if (value.isBoolean()) {
            out.append(value.booleanValue() ? "true" : "false");
        } else if (value.isIntegralNumber()) {
            out.append(value.bigIntegerValue());
        } else if (value.isNumber()) {
            out.append(floatText(value.doubleValue()));
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) out.append(", ");
                write(value.get(i), out, asciiOnly);
            }
            out.append(']');
        } else if (value.isObject()) {
            out.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!first) out.append(", ");
                first = false;
                writeString(field.getKey(), out, asciiOnly);
                out.append(": ");
                write(field.getValue(), out, asciiOnly);
            }
            out.append('}');
        } else {
            out.append(value);
        }
    }

    /** A JSON string literal with Python's escapes ({@code \\uXXXX} lower-case, only for control characters). */
    public static void writeString(String text, StringBuilder out) {
        writeString(text, out, false);
    }

    /**
     * A JSON string literal with Python's escapes; {@code asciiOnly} also escapes every character outside printable
     * ASCII, as {@code json.dumps} does by default ({@code ensure_ascii=True}).
     */
    public static void writeString(String text, StringBuilder out, boolean asciiOnly) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7e)) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    /** A float as {@code json.dumps} spells it. */
    public static String floatText(double value) {
        // json.dumps spells the non-finite floats the JavaScript way.
        if (Double.isNaN(value)) return "NaN";
        if (Double.isInfinite(value)) return value > 0 ? "Infinity" : "-Infinity";
        return PythonFloat.repr(value);
    }
}

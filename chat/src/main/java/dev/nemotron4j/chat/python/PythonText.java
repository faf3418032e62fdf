package dev.nemotron4j.chat.python;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of JSON values as Python's {@code json} module would load them
 * (object = dict, array = list, null = None), and Python's whitespace rules for {@code str.strip()}. Jinja's
 * {@code |string}, {@code ~} and {@code |trim} are defined in these terms, so the chat template renders through them.
 */
public final class PythonText {

    private PythonText() {
    }

    /** {@code str(value)}: strings as they are, {@code True}/{@code False}/{@code None}, containers as their repr. */
    public static String str(JsonNode value) {
        if (value != null && value.isTextual()) return value.textValue();
        return repr(value);
    }

    /** {@code repr(value)}: like {@link #str} but strings are quoted the way Python quotes them. */
    public static String repr(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) return "None";
        if (value.isTextual()) return reprString(value.textValue());
        if (value.isBoolean()) return value.booleanValue() ? "True" : "False";
        if (value.isIntegralNumber()) return value.bigIntegerValue().toString();
        if (value.isNumber()) return PythonFloat.repr(value.doubleValue());
        StringBuilder out = new StringBuilder();
        if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) out.append(", ");
                out.append(repr(value.get(i)));
            }
            return out.append(']').toString();
        }
        if (value.isObject()) {
            out.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!first) out.append(", ");
                first = false;
                out.append(reprString(field.getKey())).append(": ").append(repr(field.getValue()));
            }
            return out.append('}').toString();
        }
        // Binary or POJO nodes never come out of JSON text; fall back to their JSON spelling.
        return value.toString();
    }

    /** Python's {@code repr(str)}: single quotes unless the text contains ' and no ", escapes for the rest. */
    public static String reprString(String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder(text.length() + 2).append(quote);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (cp == quote) {
                        out.append('\\').append((char) cp);
                    } else if (isPrintable(cp)) {
                        out.appendCodePoint(cp);
                    } else if (cp <= 0xff) {
                        out.append(String.format("\\x%02x", cp));
                    } else if (cp <= 0xffff) {
                        out.append(String.format("\\u%04x", cp));
                    } else {
                        out.append(String.format("\\U%08x", cp));
                    }
                }
            }
        }
        return out.append(quote).toString();
    }

    /** Python's {@code str.isprintable()} for one code point: everything but controls, format, separators (except space), unassigned. */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') return true;
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's {@code str.strip()} with no argument (Jinja's {@code |trim}). */
    public static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isWhitespace(text.charAt(start))) start++;
        while (end > start && isWhitespace(text.charAt(end - 1))) end--;
        return text.substring(start, end);
    }

    /** Whether the text is empty after {@link #strip}. */
    public static boolean isBlank(String text) {
        return strip(text).isEmpty();
    }

    /** Python's {@code str.isspace()} for one character (all Python whitespace lies in the BMP). */
    public static boolean isWhitespace(char c) {
        return switch (c) {
            case '\t', '\n', '\u000b', '\f', '\r', '\u001c', '\u001d', '\u001e', '\u001f', ' ', '\u0085', '\u00a0',
                 '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000' -> true;
            default -> c >= '\u2000' && c <= '\u200a';
        };
    }
}

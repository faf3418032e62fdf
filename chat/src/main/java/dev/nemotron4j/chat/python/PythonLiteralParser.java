package dev.nemotron4j.chat.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The JSON-representable part of Python's {@code ast.literal_eval}: strings (single, double and triple quoted, with
 * escapes, adjacent literals concatenated), ints (with {@code _}, {@code 0x}/{@code 0o}/{@code 0b}), floats,
 * {@code True}/{@code False}/{@code None}, lists, tuples and dicts, with unary signs on numbers. Models sometimes
 * write tool arguments in Python syntax ({@code {'a': True}}); vLLM falls back to {@code literal_eval} for them.
 * Dict keys become JSON keys the way {@code json.dumps} converts them.
 */
public final class PythonLiteralParser {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String text;
    private int pos;

    private PythonLiteralParser(String text) {
        this.text = text;
    }

    /** The value of a Python literal, or empty when the text is not one (or has no JSON form, like a set). */
    public static Optional<JsonNode> parse(String text) {
        PythonLiteralParser parser = new PythonLiteralParser(text);
        try {
            JsonNode value = parser.value();
            parser.skipWhitespace();
            return parser.pos == text.length() ? Optional.of(value) : Optional.empty();
        } catch (NotALiteral | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static final class NotALiteral extends RuntimeException {
        NotALiteral() {
            super(null, null, false, false);
        }
    }

    private JsonNode value() {
        skipWhitespace();
        if (pos >= text.length()) throw new NotALiteral();
        char c = text.charAt(pos);
        return switch (c) {
            case '[' -> sequence(']');
            case '(' -> tuple();
            case '{' -> dict();
            case '\'', '"' -> NODES.textNode(strings());
            case '+', '-' -> signedNumber();
            default -> {
                if (Character.isDigit(c) || c == '.') yield number();
                if (word("True")) yield NODES.booleanNode(true);
                if (word("False")) yield NODES.booleanNode(false);
                if (word("None")) yield NODES.nullNode();
                throw new NotALiteral();
            }
        };
    }

    private ArrayNode sequence(char close) {
        pos++;
        ArrayNode items = NODES.arrayNode();
        while (true) {
            skipWhitespace();
            if (peek() == close) {
                pos++;
                return items;
            }
            items.add(value());
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != close) {
                throw new NotALiteral();
            }
        }
    }

    /** {@code (x)} is just x; {@code (x,)} and {@code (x, y)} are tuples (JSON arrays). */
    private JsonNode tuple() {
        int start = pos;
        pos++;
        skipWhitespace();
        if (peek() == ')') {
            pos++;
            return NODES.arrayNode();
        }
        JsonNode first = value();
        skipWhitespace();
        if (peek() == ')') {
            pos++;
            return first;
        }
        pos = start;
        return sequence(')');
    }

    private ObjectNode dict() {
        pos++;
        ObjectNode object = NODES.objectNode();
        while (true) {
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return object;
            }
            JsonNode key = value();
            skipWhitespace();
            // A set literal ({1, 2}) has no JSON form.
            if (peek() != ':') throw new NotALiteral();
            pos++;
            object.set(jsonKey(key), value());
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
                throw new NotALiteral();
            }
        }
    }

    /** json.dumps turns str/int/float/bool/None keys into strings and rejects the rest. */
    private static String jsonKey(JsonNode key) {
        if (key.isTextual()) return key.textValue();
        if (key.isBoolean()) return key.booleanValue() ? "true" : "false";
        if (key.isNull()) return "null";
        if (key.isIntegralNumber()) return key.bigIntegerValue().toString();
        if (key.isNumber()) return PythonFloat.repr(key.doubleValue());
        throw new NotALiteral();
    }

    private JsonNode signedNumber() {
        boolean negative = text.charAt(pos) == '-';
        pos++;
        skipWhitespace();
        if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
            JsonNode inner = signedNumber();
            return negative ? negate(inner) : inner;
        }
        if (pos >= text.length() || !(Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            throw new NotALiteral();
        }
        JsonNode magnitude = number();
        return negative ? negate(magnitude) : magnitude;
    }

    private static JsonNode negate(JsonNode number) {
        if (number.isIntegralNumber()) return NODES.numberNode(number.bigIntegerValue().negate());
        return NODES.numberNode(-number.doubleValue());
    }

    private JsonNode number() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                || text.charAt(pos) == '.'
                || ((text.charAt(pos) == '+' || text.charAt(pos) == '-')
                && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')))) {
            pos++;
        }
        String token = text.substring(start, pos);
        if (token.contains("__") || token.endsWith("_")) throw new NotALiteral();
        String digits = token.replace("_", "");
        String lower = digits.toLowerCase();
        if (lower.matches("0x[0-9a-f]+")) return NODES.numberNode(new BigInteger(digits.substring(2), 16));
        if (lower.matches("0o[0-7]+")) return NODES.numberNode(new BigInteger(digits.substring(2), 8));
        if (lower.matches("0b[01]+")) return NODES.numberNode(new BigInteger(digits.substring(2), 2));
        // Python 3 rejects leading zeros on non-zero decimal ints ("007").
        if (digits.matches("0+|[1-9][0-9]*")) return NODES.numberNode(new BigInteger(digits));
        // A float needs a point or an exponent (then leading zeros are fine: "007.5").
        if (digits.matches("([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+")) {
            return NODES.numberNode(new BigDecimal(digits).doubleValue());
        }
        throw new NotALiteral();
    }

    /** One or more adjacent string literals, concatenated as Python does. */
    private String strings() {
        StringBuilder out = new StringBuilder();
        do {
            out.append(string());
            skipWhitespace();
        } while (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"'));
        return out.toString();
    }

    private String string() {
        char quote = text.charAt(pos);
        boolean triple = text.startsWith(String.valueOf(quote).repeat(3), pos);
        pos += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw new NotALiteral();
            char c = text.charAt(pos);
            if (c == quote && (!triple || text.startsWith(String.valueOf(quote).repeat(3), pos))) {
                pos += triple ? 3 : 1;
                return out.toString();
            }
            if (c == '\n' && !triple) throw new NotALiteral();
            if (c == '\\') {
                escape(out);
            } else {
                out.append(c);
                pos++;
            }
        }
    }

    private void escape(StringBuilder out) {
        pos++;
        if (pos >= text.length()) throw new NotALiteral();
        char c = text.charAt(pos++);
        switch (c) {
            case '\n' -> { }
            case '\\', '\'', '"' -> out.append(c);
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'v' -> out.append('\u000b');
            case 'x' -> out.appendCodePoint(hex(2));
            case 'u' -> out.appendCodePoint(hex(4));
            case 'U' -> out.appendCodePoint(hex(8));
            default -> {
                if (c >= '0' && c <= '7') {
                    int value = c - '0';
                    for (int i = 0; i < 2 && pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '7'; i++) {
                        value = value * 8 + (text.charAt(pos++) - '0');
                    }
                    out.append((char) value);
                } else {
                    // Unknown escapes stay as written, backslash included.
                    out.append('\\').append(c);
                }
            }
        }
    }

    private int hex(int length) {
        if (pos + length > text.length()) throw new NotALiteral();
        String digits = text.substring(pos, pos + length);
        if (!digits.matches("[0-9a-fA-F]+")) throw new NotALiteral();
        pos += length;
        int value = Integer.parseUnsignedInt(digits, 16);
        if (value > Character.MAX_CODE_POINT) throw new NotALiteral();
        return value;
    }

    private boolean word(String keyword) {
        if (!text.startsWith(keyword, pos)) return false;
        int end = pos + keyword.length();
        if (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) return false;
        pos = end;
        return true;
    }

    private char peek() {
        if (pos >= text.length()) throw new NotALiteral();
        return text.charAt(pos);
    }

    private void skipWhitespace() {
        while (pos < text.length() && PythonText.isWhitespace(text.charAt(pos))) pos++;
    }
}

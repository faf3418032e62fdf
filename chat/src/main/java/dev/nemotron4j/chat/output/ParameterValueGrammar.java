package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Any;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.AnyOf;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Arr;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Expect;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Frame;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.InLit;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.InStr;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Literals;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Node;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Num;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Obj;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.OpenObj;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.RawStr;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Ref;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.Str;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.UnsupportedSchemaException;
import dev.nemotron4j.chat.output.JsonSchemaGrammar.ValueClose;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The value of one declared parameter of a call that {@code tool_choice} forces (issue #17): what the model may write
 * between {@code <parameter=P>\n} and {@code \n</parameter>} so that the argument the parser reads back
 * ({@link ToolArgumentCoercion}) validates against the parameter's JSON schema. The schema is compiled by
 * {@link JsonSchemaGrammar} (the same subset; an unsupported keyword is refused the same way) and decoded by its
 * frames.
 *
 * <p>How a value is written follows how it is read back. The coercion keeps the text of a parameter whose declared
 * type is a string, so such a value is raw text (no quotes or escapes; its length in code points; an enum: one of its
 * strings). Every other value is JSON text (an integer, a number, true or false, an object, ...) with no blanks around
 * it. Only the parts of a schema that read back as themselves are offered (an {@code anyOf} of an integer and a string
 * declares an integer, so its value is an integer), and every enum or const value is kept only if the coercion reads
 * its text back as that value. The value ends with exactly one newline before {@code </parameter>}, which the parser
 * strips (with the one after {@code <parameter=P>}).
 */
final class ParameterValueGrammar {
    /** What ends a value: the newline the parser strips, then the closing tag. */
    static final byte[] CLOSE = "\n</parameter>".getBytes(StandardCharsets.US_ASCII);
    /** Tags that end a value wherever they appear in it (as {@link NemotronOutputParser} reads it). */
    private static final List<String> VALUE_TAGS = List.of("</parameter>", "<parameter=", "</function>", "</tool_call>");
    private static final Set<String> ROOT_KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "$defs",
            "definitions", "title", "description", "$schema", "$id", "$comment", "default", "examples");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Frame END = new ValueClose(0);

    /** How the coercion reads a value of the declared type. */
    private enum Kind { RAW_TEXT, INTEGER, NUMBER, BOOLEAN, NULL, JSON }

    private final List<Frame> start;

    private ParameterValueGrammar(List<Frame> start) {
        this.start = List.copyOf(start);
    }

    /**
     * The value grammars of a function's declared parameters, in {@code names} order.
     *
     * @param function   the function's name (for messages)
     * @param parameters the function's {@code parameters} schema
     * @throws UnsupportedSchemaException naming the first keyword that is not supported, or a parameter whose values
     *                                    cannot be written so that they read back valid
     */
    static ParameterValueGrammar[] forFunction(String function, JsonNode parameters, List<String> names) {
        for (var it = parameters.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ROOT_KEYWORDS.contains(k)) {
                throw new UnsupportedSchemaException(k, function + ": the keyword '" + k + "' is not supported in 'parameters'");
            }
        }
        JsonNode type = parameters.get("type");
        if (type != null && !(type.isTextual() && type.textValue().equals("object"))) {
            throw new UnsupportedSchemaException("type", function + ": 'parameters' must have the type \"object\"");
        }
        ParameterValueGrammar[] out = new ParameterValueGrammar[names.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode schema = parameters.path("properties").get(names.get(i));
            out[i] = compile(function + ": #/properties/" + names.get(i), parameters, schema);
        }
        return out;
    }

    private static ParameterValueGrammar compile(String path, JsonNode parameters, JsonNode schema) {
        Node full = JsonSchemaGrammar.compileProperty(parameters, schema, path);
        String declared = ToolArgumentCoercion.declaredType(schema);
        Kind kind = switch (declared) {
            case "string" -> Kind.RAW_TEXT;
            case "integer" -> Kind.INTEGER;
            case "number" -> Kind.NUMBER;
            case "boolean" -> Kind.BOOLEAN;
            case "object", "array" -> Kind.JSON;
            default -> Kind.NULL; // "null": the compiled schema allows no other type name
        };
        List<Node> alternatives = new ArrayList<>();
        project(full, kind, schema, 0, alternatives);
        if (alternatives.isEmpty()) {
            throw new UnsupportedSchemaException("type", path + ": its type reads as " + declared
                    + " (as the argument parser takes it), which none of the values the schema allows is");
        }
        List<Frame> start = new ArrayList<>();
        if (kind == Kind.RAW_TEXT) {
            boolean text = false;
            for (Node n : alternatives) {
                switch (n) {
                    case Str s -> {
                        start.add(new RawStr(s, 0, 0, END, 0));
                        text = true;
                    }
                    case Literals l -> start.add(new InLit(l, indices(l.texts().length), 0, END, 0));
                    default -> throw new IllegalStateException("raw text alternative " + n);
                }
            }
            if (text && ToolArgumentCoercion.allowsNull(schema) && !JsonSchemaGrammar.admits(full, "null")) {
                throw new UnsupportedSchemaException("type", path + ": a text value spelled null would read as null, which the schema "
                        + "does not allow");
            }
        } else {
            Node node = alternatives.size() == 1 ? alternatives.getFirst() : new AnyOf(alternatives.toArray(Node[]::new));
            // blanks already at the limit: none may lead the value (the coercion reads a spaced " null" as text)
            start.add(new Expect(node, JsonSchemaGrammar.MAX_BLANKS, END, 0));
        }
        return new ParameterValueGrammar(start);
    }

    /** The alternatives of {@code node} whose values the coercion of {@code kind} reads back as themselves. */
    private static void project(Node node, Kind kind, JsonNode schema, int depth, List<Node> out) {
        switch (node) {
            case AnyOf a -> {
                for (Node alt : a.alternatives()) project(alt, kind, schema, depth, out);
            }
            case Ref r -> {
                if (depth < JsonSchemaGrammar.MAX_DEPTH) project(r.target, kind, schema, depth + 1, out);
            }
            case Literals l -> {
                List<byte[]> kept = new ArrayList<>();
                for (byte[] text : l.texts()) {
                    String raw = rawText(text, kind);
                    if (raw != null && readsBackAs(schema, raw, text) && VALUE_TAGS.stream().noneMatch(raw::contains)) {
                        kept.add(raw.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!kept.isEmpty()) out.add(new Literals(kept.toArray(byte[][]::new)));
            }
            case Str s -> {
                if (kind == Kind.RAW_TEXT || kind == Kind.JSON) out.add(s);
            }
            case Num n -> {
                switch (kind) {
                    case INTEGER -> out.add(n.integer() ? n : new Num(true, Long.MIN_VALUE / 10, Long.MAX_VALUE / 10));
                    case NUMBER, JSON -> out.add(n);
                    default -> { }
                }
            }
            case Obj o -> {
                if (kind == Kind.JSON) out.add(o);
            }
            case OpenObj o -> {
                if (kind == Kind.JSON) out.add(o);
            }
            case Arr a -> {
                if (kind == Kind.JSON) out.add(a);
            }
            case Any any -> out.add(switch (kind) {
                case RAW_TEXT -> new Str(0, -1);
                case INTEGER -> new Num(true, Long.MIN_VALUE / 10, Long.MAX_VALUE / 10);
                case NUMBER -> new Num(false, Long.MIN_VALUE, Long.MAX_VALUE);
                case BOOLEAN -> new Literals(new byte[][] {bytes("true"), bytes("false")});
                case NULL -> new Literals(new byte[][] {bytes("null")});
                case JSON -> any;
            });
        }
    }

    /** The text a literal is written as: a string's characters for raw text (other literals: none), else its JSON. */
    private static String rawText(byte[] json, Kind kind) {
        String text = new String(json, StandardCharsets.UTF_8);
        if (kind != Kind.RAW_TEXT) return text;
        JsonNode value = parse(json);
        return value.isTextual() ? value.textValue() : value.isNull() ? "null" : null;
    }

    /** Whether the coercion reads {@code raw} back as the literal whose JSON is {@code json}. */
    private static boolean readsBackAs(JsonNode schema, String raw, byte[] json) {
        JsonNode expected = parse(json), got = ToolArgumentCoercion.coerce(schema, raw);
        if (expected.isNumber() && got.isNumber()) return expected.decimalValue().compareTo(got.decimalValue()) == 0;
        return expected.equals(got);
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] indices(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = i;
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Where a value starts (right after the newline that follows {@code <parameter=P>}). */
    List<Frame> start() {
        return start;
    }

    /** The positions after {@code b}; empty once the value has left its grammar. */
    static List<Frame> step(List<Frame> threads, byte b) {
        List<Frame> out = new ArrayList<>(threads.size() + 2);
        for (Frame f : threads) JsonSchemaGrammar.step(f, b, out);
        return out.size() <= 1 ? out : List.copyOf(new LinkedHashSet<>(out));
    }

    /** Whether the value and its {@link #CLOSE} are complete. */
    static boolean closed(List<Frame> threads) {
        for (Frame f : threads) if (f instanceof ValueClose c && c.closed()) return true;
        return false;
    }

    /** What the value takes without simulation, with no tag begun (see {@link OutputGrammar.FreeText}). */
    static OutputGrammar.FreeText freeText(List<Frame> threads) {
        OutputGrammar.FreeText best = OutputGrammar.FreeText.NONE;
        for (Frame f : threads) {
            if (f instanceof RawStr r && r.unchecked()) return OutputGrammar.FreeText.NO_TAG_START;
            if (f instanceof InStr s && s.escape() == 0 && s.cont() == 0 && (s.node() == null || s.node().max() < 0)) {
                best = OutputGrammar.FreeText.NO_STRING_BREAK_OR_TAG_START;
            }
        }
        return best;
    }
}

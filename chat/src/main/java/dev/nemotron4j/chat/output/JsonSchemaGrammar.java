package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer {@code response_format: {"type": "json_schema", "json_schema": {"schema": ...}}} allows: one JSON value
 * that validates against the schema, after any reasoning (free, up to {@code </think>}) and at most two leading blanks.
 *
 * <p>Supported: {@code type} (object, array, string, number, integer, boolean, null, or a list of them),
 * {@code properties}, {@code required}, {@code additionalProperties} (true or false), {@code enum}, {@code const},
 * {@code items}, {@code minItems}/{@code maxItems}, {@code minLength}/{@code maxLength}, {@code minimum}/{@code maximum}
 * for integers, {@code anyOf}, {@code $ref} into the root's {@code $defs} (or {@code definitions}), and the annotations
 * {@code title}, {@code description}, {@code default}, {@code examples}, {@code $schema}, {@code $id},
 * {@code $comment}. Any other keyword (and any {@code format}) is refused with {@link UnsupportedSchemaException}
 * naming it: a schema is never silently enforced in part.
 *
 * <p>What the grammar writes always validates: an object's properties come in their declared order, each at most once,
 * every required one present, no others (so {@code additionalProperties} needs no enforcement), except that an object
 * schema declaring no properties (and not forbidding others) takes any object; strings count characters as code points
 * (escapes of UTF-16 surrogates are refused so the count is exact); integers are kept within their bounds digit by
 * digit; exponents have at most {@value #MAX_EXPONENT_DIGITS} digits. Whitespace runs are capped at
 * {@value #MAX_BLANKS} bytes and nesting at {@value #MAX_DEPTH} levels so that a model cannot stall in them.
 *
 * <p>The matcher follows every alternative of an {@code anyOf} at once: its state is a set of immutable stacks.
 */
public final class JsonSchemaGrammar implements OutputGrammar {

    static final int MAX_BLANKS = 16;
    static final int MAX_DEPTH = 32;
    /**
     * Digits of an exponent: with at most 18 integer digits every number written stays within a double's range (a
     * value that overflows reads as infinity in JavaScript and as text to the tool-argument coercion).
     */
    static final int MAX_EXPONENT_DIGITS = 2;
    /** Parallel alternatives followed at once; beyond this an alternative is dropped (never an invalid output). */
    private static final int MAX_THREADS = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema", "$id", "$comment");
    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "enum", "const",
            "items", "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "anyOf", "$ref", "$defs", "definitions");

    /** A schema keyword (or value) this grammar does not enforce. */
    public static final class UnsupportedSchemaException extends IllegalArgumentException {
        private final String keyword;

        UnsupportedSchemaException(String keyword, String message) {
            super(message);
            this.keyword = keyword;
        }

        /** The keyword refused. */
        public String keyword() {
            return keyword;
        }
    }

    private final boolean startsInReasoning;
    private final Node root;

    /**
     * Compiles {@code schema}.
     *
     * @throws UnsupportedSchemaException naming the first keyword that is not supported
     * @throws IllegalArgumentException   for a schema that is malformed (a wrong type for a keyword, a dangling $ref)
     */
    public JsonSchemaGrammar(JsonNode schema, boolean startsInReasoning) {
        this.startsInReasoning = startsInReasoning;
        this.root = new Compiler(schema).compile(schema, "#");
    }

    @Override
    public Matcher start() {
        return new Matcher();
    }

    /**
     * Compiles the schema {@code property} of one property of a function's {@code parameters} object, whose
     * {@code $defs} its {@code $ref}s point into; {@code path} names it in errors.
     *
     * @throws UnsupportedSchemaException naming the first keyword that is not supported
     */
    static Node compileProperty(JsonNode parameters, JsonNode property, String path) {
        return new Compiler(parameters).compile(property, path);
    }

    // ---- the compiled schema ----

    sealed interface Node permits Any, OpenObj, Literals, Str, Num, Obj, Arr, AnyOf, Ref {
    }

    /** Any JSON value ({@code {}} or {@code true}). */
    record Any() implements Node {
    }

    /** Any object ({@code {"type": "object"}} with no properties declared and additional ones allowed). */
    record OpenObj() implements Node {
    }

    /** Exactly one of these JSON texts (enum, const, true/false, null). */
    record Literals(byte[][] texts) implements Node {
    }

    /** A string of {@code min}..{@code max} code points (max -1: unbounded). */
    record Str(int min, int max) implements Node {
    }

    /** A number; an integer within [min, max] when {@code integer}. */
    record Num(boolean integer, long min, long max) implements Node {
    }

    /** An object: the declared properties in order, each optional unless required. */
    record Obj(byte[][] names, Node[] values, boolean[] required) implements Node {
    }

    /** An array of {@code min}..{@code max} items (max -1: unbounded). */
    record Arr(Node items, int min, int max) implements Node {
    }

    record AnyOf(Node[] alternatives) implements Node {
    }

    /** A {@code $ref}, resolved after compiling (recursive schemas). */
    static final class Ref implements Node {
        Node target;
    }

    private static final class Compiler {
        private final JsonNode rootSchema;
        private final Map<String, Ref> refs = new HashMap<>();
        private final Map<String, JsonNode> defs = new HashMap<>();

        Compiler(JsonNode rootSchema) {
            this.rootSchema = rootSchema;
            for (String container : List.of("$defs", "definitions")) {
                JsonNode d = rootSchema == null ? null : rootSchema.get(container);
                if (d == null) continue;
                if (!d.isObject()) throw new IllegalArgumentException(container + " must be an object");
                d.fields().forEachRemaining(e -> defs.put("#/" + container + "/" + e.getKey(), e.getValue()));
            }
        }

        Node compile(JsonNode s, String path) {
            Node n = node(s, path);
            for (Map.Entry<String, Ref> e : refs.entrySet()) {
                if (e.getValue().target == null) throw new IllegalStateException("unresolved " + e.getKey());
            }
            return n;
        }

        private Node node(JsonNode s, String path) {
            if (s == null || s.isBoolean() && s.booleanValue()) return new Any();
            if (s.isBoolean()) throw new UnsupportedSchemaException("false", path + ": the schema false admits no value");
            if (!s.isObject()) throw new IllegalArgumentException(path + ": a schema must be an object or a boolean");
            for (var it = s.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (ANNOTATIONS.contains(k)) continue;
                if (!KEYWORDS.contains(k)) {
                    String what = k.equals("format") ? "the keyword 'format' (\"" + s.get(k).asText() + "\") is not supported"
                            : "the keyword '" + k + "' is not supported";
                    throw new UnsupportedSchemaException(k, path + ": " + what);
                }
                if ((k.equals("$defs") || k.equals("definitions")) && s != rootSchema) {
                    throw new UnsupportedSchemaException(k, path + ": '" + k + "' is supported only at the root");
                }
            }
            if (s.has("$ref")) {
                if (s.size() > 1 + annotations(s)) throw new UnsupportedSchemaException("$ref", path + ": '$ref' with sibling keywords is not supported");
                String ref = s.get("$ref").asText();
                Ref r = refs.get(ref);
                if (r == null) {
                    JsonNode target = defs.get(ref);
                    if (target == null) throw new IllegalArgumentException(path + ": '$ref' " + ref + " does not name an entry of the root's $defs");
                    r = new Ref();
                    refs.put(ref, r);
                    r.target = node(target, ref);
                }
                return r;
            }
            if (s.has("anyOf")) {
                JsonNode alts = s.get("anyOf");
                if (!alts.isArray() || alts.isEmpty()) throw new IllegalArgumentException(path + ": anyOf must be a non-empty array");
                List<Node> nodes = new ArrayList<>();
                for (int i = 0; i < alts.size(); i++) nodes.add(node(alts.get(i), path + "/anyOf/" + i));
                for (var it = s.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!k.equals("anyOf") && !ANNOTATIONS.contains(k) && !k.equals("$defs") && !k.equals("definitions")) {
                        throw new UnsupportedSchemaException(k, path + ": '" + k + "' beside 'anyOf' is not supported");
                    }
                }
                return nodes.size() == 1 ? nodes.getFirst() : new AnyOf(nodes.toArray(Node[]::new));
            }
            List<String> types = types(s, path);
            if (s.has("const") || s.has("enum")) return literals(s, types, path);
            if (types.isEmpty()) {
                if (s.has("properties") || s.has("required") || s.has("additionalProperties")) types = List.of("object");
                else if (s.has("items") || s.has("minItems") || s.has("maxItems")) types = List.of("array");
                else if (s.has("minLength") || s.has("maxLength")) types = List.of("string");
                else if (s.has("minimum") || s.has("maximum")) types = List.of("integer");
                else return new Any();
            }
            List<Node> alternatives = new ArrayList<>();
            for (String t : types) alternatives.add(typed(s, t, path));
            return alternatives.size() == 1 ? alternatives.getFirst() : new AnyOf(alternatives.toArray(Node[]::new));
        }

        private static int annotations(JsonNode s) {
            int n = 0;
            for (var it = s.fieldNames(); it.hasNext(); ) if (ANNOTATIONS.contains(it.next())) n++;
            return n;
        }

        private static List<String> types(JsonNode s, String path) {
            JsonNode t = s.get("type");
            if (t == null) return List.of();
            List<String> out = new ArrayList<>();
            if (t.isTextual()) out.add(t.textValue());
            else if (t.isArray()) t.forEach(x -> out.add(x.asText()));
            else throw new IllegalArgumentException(path + ": type must be a string or an array of strings");
            for (String x : out) {
                if (!Set.of("object", "array", "string", "number", "integer", "boolean", "null").contains(x)) {
                    throw new IllegalArgumentException(path + ": unknown type '" + x + "'");
                }
            }
            return List.copyOf(new LinkedHashSet<>(out));
        }

        private Node literals(JsonNode s, List<String> types, String path) {
            List<JsonNode> values = new ArrayList<>();
            if (s.has("const")) values.add(s.get("const"));
            if (s.has("enum")) {
                if (!s.get("enum").isArray() || s.get("enum").isEmpty()) throw new IllegalArgumentException(path + ": enum must be a non-empty array");
                s.get("enum").forEach(values::add);
            }
            if (s.has("const") && s.has("enum")) values.removeIf(v -> !v.equals(s.get("const")));
            if (!types.isEmpty()) values.removeIf(v -> !types.contains(typeOf(v)) && !(types.contains("number") && v.isNumber()));
            if (values.isEmpty()) throw new UnsupportedSchemaException("enum", path + ": no enum/const value matches the type");
            List<byte[]> texts = new ArrayList<>();
            for (JsonNode v : values) {
                try {
                    byte[] b = JSON.writeValueAsBytes(v);
                    if (texts.stream().noneMatch(x -> java.util.Arrays.equals(x, b))) texts.add(b);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(e);
                }
            }
            return new Literals(texts.toArray(byte[][]::new));
        }

        private static String typeOf(JsonNode v) {
            if (v.isObject()) return "object";
            if (v.isArray()) return "array";
            if (v.isTextual()) return "string";
            if (v.isIntegralNumber()) return "integer";
            if (v.isNumber()) return v.doubleValue() == Math.rint(v.doubleValue()) ? "integer" : "number";
            if (v.isBoolean()) return "boolean";
            return "null";
        }

        private Node typed(JsonNode s, String type, String path) {
            for (String k : List.of("minimum", "maximum")) {
                if (s.has(k) && !type.equals("integer")) {
                    throw new UnsupportedSchemaException(k, path + ": '" + k + "' is supported for integers only");
                }
            }
            return switch (type) {
                case "null" -> new Literals(new byte[][] {bytes("null")});
                case "boolean" -> new Literals(new byte[][] {bytes("true"), bytes("false")});
                case "string" -> new Str(count(s, "minLength", 0, path), count(s, "maxLength", -1, path));
                case "number" -> new Num(false, Long.MIN_VALUE, Long.MAX_VALUE);
                case "integer" -> {
                    long min = bound(s, "minimum", Long.MIN_VALUE / 10, path), max = bound(s, "maximum", Long.MAX_VALUE / 10, path);
                    if (min > max) throw new IllegalArgumentException(path + ": minimum > maximum");
                    yield new Num(true, min, max);
                }
                case "array" -> {
                    JsonNode items = s.get("items");
                    if (items != null && items.isArray()) throw new UnsupportedSchemaException("items", path + ": 'items' as an array (tuple) is not supported");
                    int min = count(s, "minItems", 0, path), max = count(s, "maxItems", -1, path);
                    if (max >= 0 && min > max) throw new IllegalArgumentException(path + ": minItems > maxItems");
                    yield new Arr(node(items, path + "/items"), min, max);
                }
                default -> object(s, path);
            };
        }

        private Node object(JsonNode s, String path) {
            JsonNode additional = s.get("additionalProperties");
            if (additional != null && !additional.isBoolean()) {
                throw new UnsupportedSchemaException("additionalProperties", path + ": 'additionalProperties' as a schema is not supported (use true or false)");
            }
            JsonNode props = s.get("properties");
            if (props != null && !props.isObject()) throw new IllegalArgumentException(path + ": properties must be an object");
            List<String> names = new ArrayList<>();
            if (props != null) props.fieldNames().forEachRemaining(names::add);
            if (names.size() > 64) throw new UnsupportedSchemaException("properties", path + ": more than 64 properties are not supported");
            Set<String> required = new LinkedHashSet<>();
            JsonNode req = s.get("required");
            if (req != null) {
                if (!req.isArray()) throw new IllegalArgumentException(path + ": required must be an array");
                for (JsonNode r : req) {
                    if (!names.contains(r.asText())) {
                        throw new UnsupportedSchemaException("required", path + ": 'required' names '" + r.asText()
                                + "', which is not among its properties (no other property can be written)");
                    }
                    required.add(r.asText());
                }
            }
            if (names.isEmpty() && (additional == null || additional.booleanValue())) return new OpenObj();
            byte[][] keys = new byte[names.size()][];
            Node[] values = new Node[names.size()];
            boolean[] isRequired = new boolean[names.size()];
            for (int i = 0; i < names.size(); i++) {
                try {
                    String quoted = JSON.writeValueAsString(names.get(i));
                    keys[i] = bytes(quoted.substring(1, quoted.length() - 1)); // the escaped name, without its quotes
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(e);
                }
                values[i] = node(props.get(names.get(i)), path + "/properties/" + names.get(i));
                isRequired[i] = required.contains(names.get(i));
            }
            return new Obj(keys, values, isRequired);
        }

        private static int count(JsonNode s, String key, int absent, String path) {
            JsonNode v = s.get(key);
            if (v == null) return absent;
            if (!v.canConvertToInt() || !(v.isIntegralNumber() || v.asDouble() == Math.rint(v.asDouble())) || v.asInt() < 0) {
                throw new IllegalArgumentException(path + ": " + key + " must be a non-negative integer");
            }
            return v.asInt();
        }

        private static long bound(JsonNode s, String key, long absent, String path) {
            JsonNode v = s.get(key);
            if (v == null) return absent;
            if (!v.isNumber()) throw new IllegalArgumentException(path + ": " + key + " must be a number");
            double d = v.asDouble();
            if (Math.abs(d) > 1e17) throw new UnsupportedSchemaException(key, path + ": '" + key + "' beyond ±1e17 is not supported");
            return key.equals("minimum") ? (long) Math.ceil(d) : (long) Math.floor(d);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- the matcher: a set of immutable stacks of frames ----

    /** One position in the output, with what follows once the value in progress is complete ({@link #next}). */
    sealed interface Frame permits Expect, InObj, InArr, InStr, InNum, InLit, End, RawStr, ValueClose {
    }

    /** A value of {@code node} is expected ({@code blanks} so far). */
    record Expect(Node node, int blanks, Frame next, int depth) implements Frame {
    }

    /** Object phases: after '{' or ',' (a key or '}'), in a key, after a key, after a value. */
    static final int OBJ_OPEN = 0, OBJ_KEY = 1, OBJ_COLON = 2, OBJ_AFTER_VALUE = 3, OBJ_AFTER_COMMA = 4;

    /**
     * Inside an object. {@code last}: the last property written (-1: none); in a key, {@code candidates} has a bit per
     * property still matching and {@code pos} bytes of it matched; {@code chosen} the property whose key was read.
     */
    record InObj(Obj node, int phase, int last, long candidates, int pos, int chosen, int blanks, Frame next, int depth) implements Frame {
    }

    static final int ARR_OPEN = 0, ARR_AFTER_VALUE = 1;

    record InArr(Arr node, int phase, int count, int blanks, Frame next, int depth) implements Frame {
    }

    /**
     * Inside a string: {@code chars} code points so far; {@code escape}: 0 none, 1 after '\', 2..5 reading the
     * hex digits of {@code \}u ({@code hex} the value so far); {@code cont} UTF-8 continuation bytes still due (the
     * text stays valid UTF-8, so that code points count as a validator counts them). For an object key of
     * {@link Any}, {@code key} is set.
     */
    record InStr(Str node, int chars, int escape, int hex, int cont, boolean key, Frame next, int depth) implements Frame {
    }

    /** Number phases, as in RFC 8259. */
    static final int MINUS = 0, ZERO = 1, INT = 2, DOT = 3, FRAC = 4, E = 5, E_SIGN = 6, EXP = 7;

    /**
     * Inside a number: {@code value} the integer digits' magnitude so far, {@code negative}, {@code digits} (in the
     * exponent: the exponent's digits).
     */
    record InNum(Num node, int phase, boolean negative, long value, int digits, Frame next, int depth) implements Frame {
    }

    /** Inside a literal: the texts still matching ({@code alive}, indices into node.texts), {@code pos} bytes matched. */
    record InLit(Literals node, int[] alive, int pos, Frame next, int depth) implements Frame {
    }

    /** After the top-level value: blanks only. */
    record End(int blanks) implements Frame {
    }

    /**
     * Inside a tool-call parameter value written as raw text (a string parameter: {@link ParameterValueGrammar}):
     * {@code chars} code points so far, {@code cont} UTF-8 continuation bytes still due. Once the text is as long
     * as it must be and has no upper bound, bytes are no longer checked (the frame stays the same).
     */
    record RawStr(Str node, int chars, int cont, Frame next, int depth) implements Frame {
        boolean unchecked() {
            return node.max() < 0 && chars >= node.min() && cont == 0;
        }
    }

    /** The end of a tool-call parameter value: {@code pos} bytes of {@link ParameterValueGrammar#CLOSE} matched. */
    record ValueClose(int pos) implements Frame {
        boolean closed() {
            return pos == ParameterValueGrammar.CLOSE.length;
        }
    }

    /** The set of positions the output may be in. */
    static final class State implements AutomatonMatcher.GrammarState<State> {
        List<Frame> threads;

        @Override
        public void copyFrom(State o) {
            threads = o.threads; // frames are immutable, thread lists are never changed after creation
        }

        @Override
        public boolean dead() {
            return threads.isEmpty();
        }
    }

    /** Where one output stands in the grammar. Not thread-safe. */
    public final class Matcher extends AutomatonMatcher<State> {
        private Matcher() {
            super(new State(), new State(), startsInReasoning);
            state.threads = List.of(new Expect(root, 0, new End(0), 0));
        }

        @Override
        public boolean inText() {
            for (Frame f : state.threads) if (!(f instanceof InStr)) return false;
            return !state.threads.isEmpty();
        }

        @Override
        public FreeText freeText() {
            for (Frame f : state.threads) {
                if (!(f instanceof InStr s) || s.escape != 0 || s.cont != 0 || (s.node != null && s.node.max >= 0)) return FreeText.NONE;
            }
            return state.threads.isEmpty() ? FreeText.NONE : FreeText.NO_STRING_BREAK;
        }

        @Override
        public boolean complete() {
            for (Frame f : state.threads) if (completes(f)) return true;
            return false;
        }

        @Override
        void step(State s, byte b) {
            List<Frame> out = new ArrayList<>(Math.min(s.threads.size() + 2, MAX_THREADS));
            for (Frame f : s.threads) {
                JsonSchemaGrammar.step(f, b, out);
                if (out.size() >= MAX_THREADS) break;
            }
            s.threads = out.size() <= 1 ? out : List.copyOf(new LinkedHashSet<>(out));
        }
    }

    /** Whether {@code text} is a whole value of {@code node} (blanks around it allowed). */
    static boolean admits(Node node, String text) {
        List<Frame> threads = List.of(new Expect(node, 0, new End(0), 0));
        for (byte b : bytes(text)) {
            List<Frame> out = new ArrayList<>();
            for (Frame f : threads) step(f, b, out);
            threads = out;
        }
        for (Frame f : threads) if (completes(f)) return true;
        return false;
    }

    /** Whether the output may end with {@code f} as its position. */
    private static boolean completes(Frame f) {
        return switch (f) {
            case End e -> true;
            case InNum n -> n.next instanceof End && numberEnds(n);
            case InLit l -> l.next instanceof End && anyComplete(l);
            default -> false;
        };
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Adds the positions after {@code b} from {@code f} to {@code out}. */
    static void step(Frame f, byte b, List<Frame> out) {
        switch (f) {
            case End e -> {
                if (blank(b) && e.blanks < MAX_BLANKS) out.add(new End(e.blanks + 1));
            }
            case Expect x -> {
                if (blank(b)) {
                    if (x.blanks < MAX_BLANKS) out.add(new Expect(x.node, x.blanks + 1, x.next, x.depth));
                    return;
                }
                begin(x.node, b, x.next, x.depth, out);
            }
            case InObj o -> object(o, b, out);
            case InArr a -> array(a, b, out);
            case InStr s -> string(s, b, out);
            case InNum n -> number(n, b, out);
            case InLit l -> literal(l, b, out);
            case RawStr r -> rawString(r, b, out);
            case ValueClose c -> {
                if (!c.closed() && ParameterValueGrammar.CLOSE[c.pos] == b) out.add(new ValueClose(c.pos + 1));
            }
        }
    }

    /** A raw text byte, or the end of the text before it. */
    private static void rawString(RawStr r, byte b, List<Frame> out) {
        if (r.cont == 0 && r.chars >= r.node.min()) step(r.next, b, out); // the text may end before b
        if (r.unchecked()) {
            out.add(r);
            return;
        }
        int v = b & 0xFF;
        boolean room = r.node.max() < 0 || r.chars < r.node.max();
        if (r.cont > 0) {
            if ((v & 0xC0) == 0x80) out.add(new RawStr(r.node, r.chars, r.cont - 1, r.next, r.depth));
        } else if (v < 0x80) {
            if (room) out.add(new RawStr(r.node, r.chars + 1, 0, r.next, r.depth));
        } else if (v >= 0xC2 && v <= 0xF4 && room) {
            out.add(new RawStr(r.node, r.chars + 1, v < 0xE0 ? 1 : v < 0xF0 ? 2 : 3, r.next, r.depth));
        }
    }

    /** The first byte {@code b} of a value of {@code node}. */
    private static void begin(Node node, byte b, Frame next, int depth, List<Frame> out) {
        switch (node) {
            case AnyOf a -> {
                for (Node alt : a.alternatives) begin(alt, b, next, depth, out);
            }
            case Ref r -> {
                if (depth < MAX_DEPTH) begin(r.target, b, next, depth + 1, out);
            }
            case Literals l -> {
                int n = 0;
                int[] alive = new int[l.texts.length];
                for (int i = 0; i < l.texts.length; i++) if (l.texts[i][0] == b) alive[n++] = i;
                if (n > 0) out.add(new InLit(l, java.util.Arrays.copyOf(alive, n), 1, next, depth));
            }
            case Str s -> {
                if (b == '"') out.add(new InStr(s, 0, 0, 0, 0, false, next, depth));
            }
            case Num n -> {
                if (b == '-') {
                    if (!n.integer || n.min < 0) out.add(new InNum(n, MINUS, true, 0, 0, next, depth));
                } else if (digit(b)) {
                    InNum start = new InNum(n, b == '0' ? ZERO : INT, false, b - '0', 1, next, depth);
                    if (!n.integer || feasible(start)) out.add(start);
                }
            }
            case Obj o -> {
                if (b == '{' && depth < MAX_DEPTH) out.add(new InObj(o, OBJ_OPEN, -1, 0, 0, -1, 0, next, depth + 1));
            }
            case Arr a -> {
                if (b == '[' && depth < MAX_DEPTH) out.add(new InArr(a, ARR_OPEN, 0, 0, next, depth + 1));
            }
            case OpenObj open -> {
                if (b == '{' && depth < MAX_DEPTH) out.add(new InObj(null, OBJ_OPEN, -1, 0, 0, -1, 0, next, depth + 1));
            }
            case Any any -> {
                if (b == '{' && depth < MAX_DEPTH) out.add(new InObj(null, OBJ_OPEN, -1, 0, 0, -1, 0, next, depth + 1));
                else if (b == '[' && depth < MAX_DEPTH) out.add(new InArr(new Arr(any, 0, -1), ARR_OPEN, 0, 0, next, depth + 1));
                else if (b == '"') out.add(new InStr(null, 0, 0, 0, 0, false, next, depth));
                else if (b == '-' || digit(b)) begin(ANY_NUMBER, b, next, depth, out);
                else if (b == 't' || b == 'f' || b == 'n') begin(ANY_LITERALS, b, next, depth, out);
            }
        }
    }

    private static final Literals ANY_LITERALS = new Literals(new byte[][] {bytes("true"), bytes("false"), bytes("null")});
    private static final Str ANY_STRING = new Str(0, -1);
    private static final Num ANY_NUMBER = new Num(false, Long.MIN_VALUE, Long.MAX_VALUE);

    // ---- objects ----

    /** Properties that may come after {@code last}: up to and including the first required one. */
    private static long candidatesAfter(Obj o, int last) {
        long m = 0;
        for (int i = last + 1; i < o.names.length; i++) {
            m |= 1L << i;
            if (o.required[i]) break;
        }
        return m;
    }

    private static boolean requiredAfter(Obj o, int last) {
        for (int i = last + 1; i < o.names.length; i++) if (o.required[i]) return true;
        return false;
    }

    private static void object(InObj o, byte b, List<Frame> out) {
        if (o.node == null) {
            anyObject(o, b, out);
            return;
        }
        switch (o.phase) {
            case OBJ_OPEN, OBJ_AFTER_COMMA -> {
                if (blank(b)) {
                    if (o.blanks < MAX_BLANKS) out.add(withBlanks(o, o.blanks + 1));
                } else if (b == '"') {
                    long c = candidatesAfter(o.node, o.last);
                    if (c != 0) out.add(new InObj(o.node, OBJ_KEY, o.last, c, 0, -1, 0, o.next, o.depth));
                } else if (b == '}' && o.phase == OBJ_OPEN && !requiredAfter(o.node, o.last)) {
                    out.add(o.next);
                }
            }
            case OBJ_KEY -> {
                if (b == '"') {
                    for (int i = 0; i < o.node.names.length; i++) {
                        if ((o.candidates & (1L << i)) != 0 && o.node.names[i].length == o.pos) {
                            out.add(new InObj(o.node, OBJ_COLON, o.last, 0, 0, i, 0, o.next, o.depth));
                        }
                    }
                    return;
                }
                long c = 0;
                for (int i = 0; i < o.node.names.length; i++) {
                    if ((o.candidates & (1L << i)) != 0 && o.node.names[i].length > o.pos && o.node.names[i][o.pos] == b) c |= 1L << i;
                }
                if (c != 0) out.add(new InObj(o.node, OBJ_KEY, o.last, c, o.pos + 1, -1, 0, o.next, o.depth));
            }
            case OBJ_COLON -> {
                if (blank(b)) {
                    if (o.blanks < MAX_BLANKS) out.add(withBlanks(o, o.blanks + 1));
                } else if (b == ':') {
                    InObj after = new InObj(o.node, OBJ_AFTER_VALUE, o.chosen, 0, 0, -1, 0, o.next, o.depth);
                    out.add(new Expect(o.node.values[o.chosen], 0, after, o.depth));
                }
            }
            case OBJ_AFTER_VALUE -> {
                if (blank(b)) {
                    if (o.blanks < MAX_BLANKS) out.add(withBlanks(o, o.blanks + 1));
                } else if (b == ',') {
                    if (candidatesAfter(o.node, o.last) != 0) out.add(new InObj(o.node, OBJ_AFTER_COMMA, o.last, 0, 0, -1, 0, o.next, o.depth));
                } else if (b == '}' && !requiredAfter(o.node, o.last)) {
                    out.add(o.next);
                }
            }
            default -> { }
        }
    }

    private static InObj withBlanks(InObj o, int blanks) {
        return new InObj(o.node, o.phase, o.last, o.candidates, o.pos, o.chosen, blanks, o.next, o.depth);
    }

    /** An object of {@link Any}: any keys (strings), any values. */
    private static void anyObject(InObj o, byte b, List<Frame> out) {
        switch (o.phase) {
            case OBJ_OPEN, OBJ_AFTER_COMMA -> {
                if (blank(b)) {
                    if (o.blanks < MAX_BLANKS) out.add(withBlanks(o, o.blanks + 1));
                } else if (b == '"') {
                    out.add(new InStr(ANY_STRING, 0, 0, 0, 0, true, new InObj(null, OBJ_COLON, 0, 0, 0, -1, 0, o.next, o.depth), o.depth));
                } else if (b == '}' && o.phase == OBJ_OPEN) {
                    out.add(o.next);
                }
            }
            case OBJ_COLON -> {
                if (blank(b)) {
                    if (o.blanks < MAX_BLANKS) out.add(withBlanks(o, o.blanks + 1));
                } else if (b == ':') {
                    out.add(new Expect(new Any(), 0, new InObj(null, OBJ_AFTER_VALUE, 0, 0, 0, -1, 0, o.next, o.depth), o.depth));
                }
            }
            case OBJ_AFTER_VALUE -> {
                if (blank(b)) {
                    if (o.blanks < MAX_BLANKS) out.add(withBlanks(o, o.blanks + 1));
                } else if (b == ',') {
                    out.add(new InObj(null, OBJ_AFTER_COMMA, 0, 0, 0, -1, 0, o.next, o.depth));
                } else if (b == '}') {
                    out.add(o.next);
                }
            }
            default -> { }
        }
    }

    // ---- arrays ----

    private static void array(InArr a, byte b, List<Frame> out) {
        if (blank(b)) {
            if (a.blanks < MAX_BLANKS) out.add(new InArr(a.node, a.phase, a.count, a.blanks + 1, a.next, a.depth));
            return;
        }
        boolean roomForOne = a.node.max < 0 || a.count < a.node.max;
        if (a.phase == ARR_OPEN) {
            if (b == ']') {
                if (a.node.min == 0) out.add(a.next);
            } else if (roomForOne) {
                begin(a.node.items, b, new InArr(a.node, ARR_AFTER_VALUE, a.count + 1, 0, a.next, a.depth), a.depth, out);
            }
        } else if (b == ',') {
            if (roomForOne) out.add(new Expect(a.node.items, 0, new InArr(a.node, ARR_AFTER_VALUE, a.count + 1, 0, a.next, a.depth), a.depth));
        } else if (b == ']' && a.count >= a.node.min) {
            out.add(a.next);
        }
    }

    // ---- strings ----

    private static void string(InStr s, byte b, List<Frame> out) {
        Str node = s.node == null ? ANY_STRING : s.node;
        int v = b & 0xFF;
        boolean room = node.max < 0 || s.chars < node.max;
        switch (s.escape) {
            case 0 -> {
                if (s.cont > 0) { // inside a multi-byte character: continuation bytes only
                    if ((v & 0xC0) == 0x80) out.add(new InStr(s.node, s.chars, 0, 0, s.cont - 1, s.key, s.next, s.depth));
                } else if (b == '"') {
                    if (s.chars >= node.min) out.add(s.next);
                } else if (b == '\\') {
                    if (room) out.add(new InStr(s.node, s.chars + 1, 1, 0, 0, s.key, s.next, s.depth));
                } else if (v >= 0x20 && v < 0x80) {
                    if (room) out.add(new InStr(s.node, s.chars + 1, 0, 0, 0, s.key, s.next, s.depth));
                } else if (v >= 0xC2 && v <= 0xF4 && room) { // a UTF-8 lead byte (no overlong 0xC0/0xC1, nothing past U+10FFFF)
                    int cont = v < 0xE0 ? 1 : v < 0xF0 ? 2 : 3;
                    out.add(new InStr(s.node, s.chars + 1, 0, 0, cont, s.key, s.next, s.depth));
                }
            }
            case 1 -> {
                if (b == 'u') out.add(new InStr(s.node, s.chars, 2, 0, 0, s.key, s.next, s.depth));
                else if (b == '"' || b == '\\' || b == '/' || b == 'b' || b == 'f' || b == 'n' || b == 'r' || b == 't') {
                    out.add(new InStr(s.node, s.chars, 0, 0, 0, s.key, s.next, s.depth));
                }
            }
            default -> { // the four hex digits after backslash-u: escape 2..5
                int h = Character.digit(v, 16);
                if (h < 0) return;
                int hex = s.hex * 16 + h;
                // a UTF-16 surrogate would count as two characters here but one for a validator: refused
                if (s.escape == 3 && hex >= 0xD8 && hex <= 0xDF) return;
                out.add(new InStr(s.node, s.chars, s.escape == 5 ? 0 : s.escape + 1, s.escape == 5 ? 0 : hex, 0, s.key, s.next, s.depth));
            }
        }
    }

    // ---- numbers ----

    /** Whether the number so far may end here (and, for an integer, lies within its bounds). */
    private static boolean numberEnds(InNum n) {
        boolean shape = n.phase == ZERO || n.phase == INT || n.phase == FRAC || n.phase == EXP;
        if (!shape) return false;
        if (!n.node.integer) return true;
        long x = n.negative ? -n.value : n.value;
        return x >= n.node.min && x <= n.node.max;
    }

    /**
     * For an integer: whether stopping now, or some continuation of the digits so far, lies within the bounds (with k
     * more digits the magnitude is in [v·10^k, v·10^k + 10^k − 1]; a leading 0 takes no more digits).
     */
    private static boolean feasible(InNum n) {
        long lo = n.node.min, hi = n.node.max;
        if (n.phase == ZERO) return lo <= 0 && 0 <= hi;
        long from = n.value, to = n.value;
        for (int k = 0; n.digits + k <= 18; k++) {
            long a = n.negative ? -to : from, z = n.negative ? -from : to;
            if (a <= hi && z >= lo) return true;
            if (from > Long.MAX_VALUE / 100) break;
            from = from * 10;
            to = to * 10 + 9;
        }
        return false;
    }

    private static void number(InNum n, byte b, List<Frame> out) {
        switch (n.phase) {
            case MINUS -> {
                if (digit(b)) {
                    InNum next = new InNum(n.node, b == '0' ? ZERO : INT, true, b - '0', 1, n.next, n.depth);
                    if (!n.node.integer || feasible(next)) out.add(next);
                }
                return;
            }
            case INT -> {
                if (digit(b)) {
                    if (n.digits >= 18) return;
                    InNum next = new InNum(n.node, INT, n.negative, n.value * 10 + (b - '0'), n.digits + 1, n.next, n.depth);
                    if (!n.node.integer || feasible(next)) out.add(next);
                    return;
                }
            }
            case DOT -> {
                if (digit(b)) out.add(new InNum(n.node, FRAC, n.negative, n.value, n.digits, n.next, n.depth));
                return;
            }
            case FRAC -> {
                if (digit(b)) {
                    out.add(n);
                    return;
                }
            }
            case E -> {
                if (b == '+' || b == '-') out.add(new InNum(n.node, E_SIGN, n.negative, n.value, 0, n.next, n.depth));
                else if (digit(b)) out.add(new InNum(n.node, EXP, n.negative, n.value, 1, n.next, n.depth));
                return;
            }
            case E_SIGN -> {
                if (digit(b)) out.add(new InNum(n.node, EXP, n.negative, n.value, 1, n.next, n.depth));
                return;
            }
            case EXP -> {
                if (digit(b)) {
                    if (n.digits < MAX_EXPONENT_DIGITS) out.add(new InNum(n.node, EXP, n.negative, n.value, n.digits + 1, n.next, n.depth));
                    return;
                }
            }
            default -> { }
        }
        // ZERO, INT, FRAC, EXP: a fraction or exponent may start (not for integers), or the number ends before b
        if (!n.node.integer && (n.phase == ZERO || n.phase == INT)) {
            if (b == '.') {
                out.add(new InNum(n.node, DOT, n.negative, n.value, n.digits, n.next, n.depth));
                return;
            }
            if (b == 'e' || b == 'E') {
                out.add(new InNum(n.node, E, n.negative, n.value, n.digits, n.next, n.depth));
                return;
            }
        }
        if (!n.node.integer && n.phase == FRAC && (b == 'e' || b == 'E')) {
            out.add(new InNum(n.node, E, n.negative, n.value, n.digits, n.next, n.depth));
            return;
        }
        if (numberEnds(n)) step(n.next, b, out);
    }

    // ---- literals ----

    private static boolean anyComplete(InLit l) {
        for (int i : l.alive) if (l.node.texts[i].length == l.pos) return true;
        return false;
    }

    private static void literal(InLit l, byte b, List<Frame> out) {
        int n = 0;
        int[] alive = new int[l.alive.length];
        for (int i : l.alive) {
            byte[] t = l.node.texts[i];
            if (t.length > l.pos && t[l.pos] == b) alive[n++] = i;
        }
        if (n > 0) out.add(new InLit(l.node, java.util.Arrays.copyOf(alive, n), l.pos + 1, l.next, l.depth));
        // a text that ended here: the value is complete and b belongs to what follows
        if (anyComplete(l)) step(l.next, b, out);
    }
}

package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.chat.ToolDefinition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The answer a {@code tool_choice} of {@code required} or a named function allows (PROTOCOL.md §6: those choices
 * need constrained decoding), as a byte-level automaton over the model's own tool-call format (the one the chat
 * template teaches and {@link NemotronOutputParser} reads):
 * <pre>
 * [reasoning ... &lt;/think&gt;]  (if the prompt opened a think block; unconstrained; a &lt;tool_call&gt; in it ends
 *                              it and is the start of the first call)
 * at most two blanks, then one or more (named: exactly one) calls:
 * &lt;tool_call&gt;\n&lt;function=NAME&gt;\n
 * (&lt;parameter=P&gt;\nVALUE&lt;/parameter&gt;\n)*      P a declared parameter (any identifier if the schema declares no
 *                                                properties), each at most once, every required one present
 * &lt;/function&gt;\n&lt;/tool_call&gt;\n
 * </pre>
 * NAME is an offered function (or the named one). VALUE does not contain a tag the parser would take as the end of
 * the value ({@code <parameter=}, {@code </function>}, {@code </tool_call>}); for a declared parameter it is what
 * its JSON schema allows, written so that the parser reads it back valid ({@link ParameterValueGrammar}: raw text
 * for a string, JSON otherwise, then a newline), else free text. A schema keyword the grammar cannot enforce is
 * refused ({@link JsonSchemaGrammar.UnsupportedSchemaException}). A generator asks a
 * {@link Matcher} which tokens may come next ({@link Matcher#accepts}), feeds it the chosen one
 * ({@link Matcher#advance}) and may end the turn only where {@link Matcher#complete} holds ({@link OutputGrammar}).
 */
public final class ToolCallGrammar implements OutputGrammar {

    private static final byte[] CALL_OPEN = bytes("<tool_call>\n<function=");
    /** A call opened inside reasoning ends it (as {@link NemotronOutputParser} reads it): the call is the answer. */
    private static final byte[] REASONING_EXIT = bytes("<tool_call>");
    private static final byte[] NEWLINE = bytes("\n");
    private static final String PARAMETER_OPEN = "<parameter=";
    private static final String CALL_CLOSE = "</function>\n</tool_call>\n";
    /** Parameter names when a function declares none: these bytes, at most this long. */
    private static final int MAX_FREE_NAME = 64;

    private final boolean startsInReasoning;
    private final boolean single;
    private final ByteTrie functionNames;
    private final ByteTrie[] parameterNames; // per function; null: any identifier
    private final long[] requiredMasks;      // per function: bits of parameterNames terminals that must appear
    private final ParameterValueGrammar[][] values; // per function and declared parameter; null: free values
    private final ByteTrie body;             // "<parameter=" (terminal 0) or the call close (terminal 1)
    private final ByteTrie valueTags;        // tags that end a value: </parameter> (0), others (1, 2, 3)
    private final int bodyAfterOpen;         // the body trie's node after '<', where the two branches part

    private ToolCallGrammar(boolean startsInReasoning, boolean single, List<ToolDefinition> tools) {
        if (tools.isEmpty()) throw new IllegalArgumentException("a tool call grammar needs at least one tool");
        this.startsInReasoning = startsInReasoning;
        this.single = single;
        List<String> names = new ArrayList<>();
        this.parameterNames = new ByteTrie[tools.size()];
        this.requiredMasks = new long[tools.size()];
        this.values = new ParameterValueGrammar[tools.size()][];
        for (int f = 0; f < tools.size(); f++) {
            ToolDefinition tool = tools.get(f);
            String name = tool.name().orElseThrow(() -> new IllegalArgumentException("a tool without a function name"));
            if (name.isEmpty() || name.contains(">") || name.contains("\n") || name.contains("<")) {
                throw new IllegalArgumentException("function name '" + name + "' cannot appear in a <function=...> tag");
            }
            names.add(name);
            JsonNode parameters = tool.function().path("parameters");
            JsonNode properties = parameters.path("properties");
            if (properties.isObject()) { // declared parameters only (none, for an empty properties object)
                List<String> params = new ArrayList<>();
                properties.fieldNames().forEachRemaining(params::add);
                parameterNames[f] = new ByteTrie(params);
                values[f] = ParameterValueGrammar.forFunction(name, parameters, params);
                for (JsonNode r : parameters.path("required")) {
                    int i = params.indexOf(r.asText());
                    if (i >= 0 && i < 64) requiredMasks[f] |= 1L << i;
                }
            }
        }
        this.functionNames = new ByteTrie(names);
        this.body = new ByteTrie(List.of(PARAMETER_OPEN, CALL_CLOSE));
        this.valueTags = new ByteTrie(List.of("</parameter>", PARAMETER_OPEN, "</function>", "</tool_call>"));
        this.bodyAfterOpen = body.next(0, (byte) '<');
    }

    /** {@code tool_choice: "required"}: one or more calls, each to one of {@code tools}. */
    public static ToolCallGrammar anyOf(List<ToolDefinition> tools, boolean startsInReasoning) {
        return new ToolCallGrammar(startsInReasoning, false, List.copyOf(new LinkedHashSet<>(tools)));
    }

    /** A named {@code tool_choice}: exactly one call, to {@code tool}. */
    public static ToolCallGrammar named(ToolDefinition tool, boolean startsInReasoning) {
        return new ToolCallGrammar(startsInReasoning, true, List.of(tool));
    }

    @Override
    public Matcher start() {
        return new Matcher();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // Phases of the automaton; the other fields of State say where inside the phase it is.
    private static final int LEAD = 1, LITERAL = 2, FUNCTION_NAME = 3, BODY = 4, PARAMETER_NAME = 5,
            VALUE = 6, AFTER_CALL = 7, DEAD = 8;
    // What follows each literal.
    private static final int AFTER_CALL_OPEN = 0, AFTER_FUNCTION_NAME = 1, AFTER_PARAMETER_NAME = 2, AFTER_VALUE = 3;

    /** The whole state in a few ints, so a probe can copy it without allocating. */
    private static final class State implements AutomatonMatcher.GrammarState<State> {
        int phase, node, count; // node: trie node or literal position; count: length of a free parameter name
        int literal, function;
        long used;              // parameters of the current call already given (bit per declared name)
        List<JsonSchemaGrammar.Frame> value; // in a constrained value: where it stands (immutable); else null

        @Override
        public boolean dead() {
            return phase == DEAD;
        }

        @Override
        public void copyFrom(State o) {
            phase = o.phase;
            node = o.node;
            count = o.count;
            literal = o.literal;
            function = o.function;
            used = o.used;
            value = o.value;
        }
    }

    /** Where one output stands in the grammar. Not thread-safe. */
    public final class Matcher extends AutomatonMatcher<State> {
        private Matcher() {
            super(new State(), new State(), startsInReasoning, REASONING_EXIT);
            state.phase = LEAD;
        }

        /** Whether the output is inside a parameter value (free text, where special tokens do not belong). */
        @Override
        public boolean inText() {
            return state.phase == VALUE;
        }

        /**
         * Inside a free parameter value with no tag begun, any text without {@code <} is accepted (and keeps it so);
         * inside a constrained one, what its grammar says.
         */
        @Override
        public FreeText freeText() {
            if (state.phase != VALUE || state.node != 0) return FreeText.NONE;
            return state.value == null ? FreeText.NO_TAG_START : ParameterValueGrammar.freeText(state.value);
        }

        /** Whether the output may end here: at least one whole call, and nothing after it. */
        @Override
        public boolean complete() {
            return state.phase == AFTER_CALL;
        }

        @Override
        void step(State s, byte b) {
            ToolCallGrammar.this.step(s, b);
        }
    }

    private void step(State s, byte b) {
        switch (s.phase) {
            case LEAD -> { // the answer's first byte (blanks before it are the matcher's)
                if (b == CALL_OPEN[0]) literal(s, AFTER_CALL_OPEN, 1);
                else s.phase = DEAD;
            }
            case AFTER_CALL -> {
                if (!single && b == CALL_OPEN[0]) literal(s, AFTER_CALL_OPEN, 1);
                else s.phase = DEAD;
            }
            case LITERAL -> {
                byte[] lit = s.literal == AFTER_CALL_OPEN ? CALL_OPEN : NEWLINE;
                if (lit[s.node] != b) {
                    s.phase = DEAD;
                } else if (++s.node == lit.length) {
                    switch (s.literal) {
                        case AFTER_CALL_OPEN -> enter(s, FUNCTION_NAME);
                        case AFTER_PARAMETER_NAME -> enter(s, VALUE);
                        default -> enter(s, BODY); // after the function name's newline, or after a value's
                    }
                }
            }
            case FUNCTION_NAME -> {
                int t = functionNames.terminal(s.node);
                if (b == '>' && t >= 0) {
                    s.function = t;
                    s.used = 0;
                    literal(s, AFTER_FUNCTION_NAME, 0);
                } else {
                    s.node = functionNames.next(s.node, b);
                    if (s.node < 0) s.phase = DEAD;
                }
            }
            case BODY -> {
                if (s.node == bodyAfterOpen && (b == '/' ? missingRequired(s) : noParameterLeft(s))) {
                    // refused where the branches part, so that no accepted prefix leads into a dead end: the close
                    // before every required parameter is given, or a parameter when every declared one was given
                    s.phase = DEAD;
                    return;
                }
                int next = body.next(s.node, b);
                if (next < 0) {
                    s.phase = DEAD;
                } else if (body.terminal(next) == 0) {
                    enter(s, PARAMETER_NAME);
                } else if (body.terminal(next) == 1) {
                    s.phase = AFTER_CALL;
                } else {
                    s.node = next;
                }
            }
            case PARAMETER_NAME -> parameterName(s, b);
            case VALUE -> {
                // every value tag starts with '<' and has no other '<', so a '<' always restarts the match
                int next = b == '<' ? valueTags.next(0, b) : s.node > 0 ? valueTags.next(s.node, b) : -1;
                s.node = Math.max(next, 0);
                if (s.value != null) {
                    s.value = ParameterValueGrammar.step(s.value, b);
                    if (s.value.isEmpty()) {
                        s.phase = DEAD;
                        return;
                    }
                }
                if (next > 0) {
                    int tag = valueTags.terminal(next);
                    // a constrained value has read its closing newline and tag by now (else it ended too early)
                    if (tag == 0 && (s.value == null || ParameterValueGrammar.closed(s.value))) {
                        s.value = null;
                        literal(s, AFTER_VALUE, 0);
                    } else if (tag >= 0) {
                        s.phase = DEAD;
                    }
                }
            }
            default -> s.phase = DEAD;
        }
    }

    private void parameterName(State s, byte b) {
        ByteTrie names = parameterNames[s.function];
        if (names == null) { // no declared parameters: any identifier, duplicates not tracked
            boolean identifier = b == '_' || b == '-' || b == '.' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
            if (b == '>' && s.count > 0) literal(s, AFTER_PARAMETER_NAME, 0);
            else if (identifier && s.count < MAX_FREE_NAME) s.count++;
            else s.phase = DEAD;
            return;
        }
        int t = names.terminal(s.node);
        if (b == '>' && t >= 0 && (t >= 64 || (s.used & (1L << t)) == 0)) {
            if (t < 64) s.used |= 1L << t;
            s.value = values[s.function][t].start();
            literal(s, AFTER_PARAMETER_NAME, 0);
        } else {
            s.node = names.next(s.node, b);
            // a path that only leads to names already given is a dead end: refuse it now
            if (s.node < 0 || (names.below(s.node) & ~s.used) == 0) s.phase = DEAD;
        }
    }

    private boolean noParameterLeft(State s) {
        ByteTrie names = parameterNames[s.function];
        return names != null && (names.below(0) & ~s.used) == 0;
    }

    private boolean missingRequired(State s) {
        return (s.used & requiredMasks[s.function]) != requiredMasks[s.function];
    }

    private static void literal(State s, int which, int position) {
        s.phase = LITERAL;
        s.literal = which;
        s.node = position;
    }

    private static void enter(State s, int phase) {
        s.phase = phase;
        s.node = 0;
        s.count = 0;
    }

    /**
     * A byte trie over a few strings: {@code terminal(node)} is the index of the string ending there (or -1),
     * {@code below(node)} has bit i set when string i (i &lt; 64; all later ones share bit 63) ends at or below it.
     */
    private static final class ByteTrie {
        private final int[][] children;  // per node: 256 child indices (0 = none)
        private final int[] terminals;
        private final long[] below;

        ByteTrie(List<String> words) {
            List<int[]> kids = new ArrayList<>();
            List<Integer> ends = new ArrayList<>();
            List<Long> masks = new ArrayList<>();
            kids.add(new int[256]);
            ends.add(-1);
            masks.add(0L);
            Map<String, Integer> seen = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                if (seen.putIfAbsent(words.get(w), w) != null) continue;
                long bit = 1L << Math.min(w, 63);
                int n = 0;
                masks.set(0, masks.get(0) | bit);
                for (byte b : bytes(words.get(w))) {
                    int c = kids.get(n)[b & 0xFF];
                    if (c == 0) {
                        c = kids.size();
                        kids.add(new int[256]);
                        ends.add(-1);
                        masks.add(0L);
                        kids.get(n)[b & 0xFF] = c;
                    }
                    n = c;
                    masks.set(n, masks.get(n) | bit);
                }
                ends.set(n, w);
            }
            children = kids.toArray(new int[0][]);
            terminals = ends.stream().mapToInt(Integer::intValue).toArray();
            below = masks.stream().mapToLong(Long::longValue).toArray();
        }

        int next(int node, byte b) {
            int c = children[node][b & 0xFF];
            return c == 0 ? -1 : c;
        }

        int terminal(int node) {
            return terminals[node];
        }

        long below(int node) {
            return below[node];
        }
    }
}

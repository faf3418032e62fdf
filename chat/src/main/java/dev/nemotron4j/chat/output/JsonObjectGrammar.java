package dev.nemotron4j.chat.output;

import java.nio.charset.StandardCharsets;

/**
 * The answer {@code response_format: {"type": "json_object"}} allows: one JSON object (RFC 8259: nested objects
 * and arrays, strings with escapes, numbers, {@code true}/{@code false}/{@code null}), after any reasoning (free, up
 * to {@code </think>}) and at most two leading blanks, with nothing after it. Runs of whitespace inside are capped
 * at {@value #MAX_BLANKS} bytes and nesting at {@value #MAX_DEPTH} levels, so that a model cannot stall in them.
 */
public final class JsonObjectGrammar implements OutputGrammar {

    private static final int MAX_BLANKS = 16;
    private static final int MAX_DEPTH = 63;
    private static final byte[][] LITERALS = {
        "true".getBytes(StandardCharsets.US_ASCII), "false".getBytes(StandardCharsets.US_ASCII), "null".getBytes(StandardCharsets.US_ASCII)};

    private final boolean startsInReasoning;

    /** @param startsInReasoning the prompt opened a think block: the output is free until {@code </think>} */
    public JsonObjectGrammar(boolean startsInReasoning) {
        this.startsInReasoning = startsInReasoning;
    }

    @Override
    public Matcher start() {
        return new Matcher();
    }

    // Phases; State.sub and State.pos say where inside them.
    private static final int LEAD = 1, VALUE = 2, FIRST_KEY_OR_END = 3, KEY = 4, COLON = 5,
            AFTER_VALUE = 6, FIRST_VALUE_OR_END = 7, STRING = 8, ESCAPE = 9, UNICODE = 10, NUMBER = 11, LITERAL = 12,
            DONE = 13, DEAD = 14;
    // Number sub-states: after '-', after a leading 0, in the integer digits, after '.', in the fraction, after
    // 'e', after the exponent's sign, in the exponent digits.
    private static final int MINUS = 0, ZERO = 1, INT = 2, DOT = 3, FRAC = 4, E = 5, E_SIGN = 6, EXP = 7;

    private static final class State implements AutomatonMatcher.GrammarState<State> {
        int phase, sub, pos, depth, blanks;
        long objects; // bit d set: the container at depth d is an object (else an array)
        boolean key;  // the string being read is an object key

        @Override
        public boolean dead() {
            return phase == DEAD;
        }

        @Override
        public void copyFrom(State o) {
            phase = o.phase;
            sub = o.sub;
            pos = o.pos;
            depth = o.depth;
            blanks = o.blanks;
            objects = o.objects;
            key = o.key;
        }
    }

    /** Where one output stands in the grammar. Not thread-safe. */
    public final class Matcher extends AutomatonMatcher<State> {
        private Matcher() {
            super(new State(), new State(), startsInReasoning);
            state.phase = LEAD;
        }

        @Override
        public boolean inText() {
            return state.phase == STRING || state.phase == ESCAPE || state.phase == UNICODE;
        }

        @Override
        public FreeText freeText() {
            return state.phase == STRING ? FreeText.NO_STRING_BREAK : FreeText.NONE;
        }

        /** The top-level object is closed. */
        @Override
        public boolean complete() {
            return state.phase == DONE;
        }

        @Override
        void step(State s, byte b) {
            JsonObjectGrammar.step(s, b);
        }
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static void step(State s, byte b) {
        switch (s.phase) {
            case LEAD -> { // the answer's first byte (blanks before it are the matcher's)
                if (b == '{') open(s, true);
                else s.phase = DEAD;
            }
            case VALUE, FIRST_VALUE_OR_END -> {
                if (whitespace(s, b)) return;
                if (b == ']' && s.phase == FIRST_VALUE_OR_END) close(s, false);
                else value(s, b);
            }
            case FIRST_KEY_OR_END, KEY -> {
                if (whitespace(s, b)) return;
                if (b == '"') {
                    s.phase = STRING;
                    s.key = true;
                } else if (b == '}' && s.phase == FIRST_KEY_OR_END) {
                    close(s, true);
                } else {
                    s.phase = DEAD;
                }
            }
            case COLON -> {
                if (whitespace(s, b)) return;
                if (b == ':') toPhase(s, VALUE);
                else s.phase = DEAD;
            }
            case AFTER_VALUE -> afterValue(s, b);
            case STRING -> {
                if (b == '"') {
                    if (s.key) toPhase(s, COLON);
                    else endValue(s);
                } else if (b == '\\') {
                    s.phase = ESCAPE;
                } else if ((b & 0xFF) < 0x20) {
                    s.phase = DEAD; // control characters must be escaped
                }
            }
            case ESCAPE -> {
                if (b == 'u') {
                    s.phase = UNICODE;
                    s.pos = 0;
                } else if (b == '"' || b == '\\' || b == '/' || b == 'b' || b == 'f' || b == 'n' || b == 'r' || b == 't') {
                    s.phase = STRING;
                } else {
                    s.phase = DEAD;
                }
            }
            case UNICODE -> {
                boolean hex = digit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
                if (!hex) s.phase = DEAD;
                else if (++s.pos == 4) s.phase = STRING;
            }
            case NUMBER -> number(s, b);
            case LITERAL -> {
                byte[] lit = LITERALS[s.sub];
                if (b != lit[s.pos]) s.phase = DEAD;
                else if (++s.pos == lit.length) endValue(s);
            }
            default -> s.phase = DEAD; // DONE: nothing may follow the object
        }
    }

    /** Counts a blank where the grammar allows whitespace; false (and no change) for other bytes. */
    private static boolean whitespace(State s, byte b) {
        if (!blank(b)) return false;
        if (++s.blanks > MAX_BLANKS) s.phase = DEAD;
        return true;
    }

    private static void toPhase(State s, int phase) {
        s.phase = phase;
        s.blanks = 0;
    }

    /** The first byte of a value. */
    private static void value(State s, byte b) {
        s.blanks = 0;
        switch (b) {
            case '{' -> open(s, true);
            case '[' -> open(s, false);
            case '"' -> {
                s.phase = STRING;
                s.key = false;
            }
            case '-' -> startNumber(s, MINUS);
            case '0' -> startNumber(s, ZERO);
            case 't' -> literal(s, 0);
            case 'f' -> literal(s, 1);
            case 'n' -> literal(s, 2);
            default -> {
                if (b >= '1' && b <= '9') startNumber(s, INT);
                else s.phase = DEAD;
            }
        }
    }

    private static void startNumber(State s, int sub) {
        s.phase = NUMBER;
        s.sub = sub;
    }

    private static void literal(State s, int which) {
        s.phase = LITERAL;
        s.sub = which;
        s.pos = 1;
    }

    private static void number(State s, byte b) {
        int next = switch (s.sub) {
            case MINUS -> b == '0' ? ZERO : b >= '1' && b <= '9' ? INT : -1;
            case ZERO -> b == '.' ? DOT : b == 'e' || b == 'E' ? E : -2;
            case INT -> digit(b) ? INT : b == '.' ? DOT : b == 'e' || b == 'E' ? E : -2;
            case DOT -> digit(b) ? FRAC : -1;
            case FRAC -> digit(b) ? FRAC : b == 'e' || b == 'E' ? E : -2;
            case E -> b == '+' || b == '-' ? E_SIGN : digit(b) ? EXP : -1;
            case E_SIGN -> digit(b) ? EXP : -1;
            default -> digit(b) ? EXP : -2; // EXP
        };
        if (next >= 0) {
            s.sub = next;
        } else if (next == -1) {
            s.phase = DEAD; // a number may not end here
        } else {
            endValue(s);       // the number is complete; this byte belongs to what follows it
            afterValue(s, b);
        }
    }

    private static void open(State s, boolean object) {
        if (s.depth == MAX_DEPTH) {
            s.phase = DEAD;
            return;
        }
        s.depth++;
        if (object) s.objects |= 1L << s.depth;
        else s.objects &= ~(1L << s.depth);
        toPhase(s, object ? FIRST_KEY_OR_END : FIRST_VALUE_OR_END);
    }

    private static void close(State s, boolean object) {
        boolean isObject = (s.objects & (1L << s.depth)) != 0;
        if (isObject != object) {
            s.phase = DEAD;
            return;
        }
        s.depth--;
        endValue(s);
    }

    /** A value (or a closed container) is complete. */
    private static void endValue(State s) {
        toPhase(s, s.depth == 0 ? DONE : AFTER_VALUE);
    }

    private static void afterValue(State s, byte b) {
        if (whitespace(s, b)) return;
        boolean inObject = (s.objects & (1L << s.depth)) != 0;
        if (b == ',') toPhase(s, inObject ? KEY : VALUE);
        else if (b == '}' && inObject) close(s, true);
        else if (b == ']' && !inObject) close(s, false);
        else s.phase = DEAD;
    }
}

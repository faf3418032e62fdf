package dev.nemotron4j.chat.output;

import java.nio.charset.StandardCharsets;

/**
 * An {@link OutputGrammar.Matcher} over a small mutable state. It owns what every grammar here shares: the output
 * is free until {@code </think>} when the prompt opened a think block, then at most two blanks of layout may
 * precede the answer, which the grammar's own automaton ({@link #step}) reads from its first byte on.
 * {@link #accepts} runs a token's bytes on copies (the probe), so checking a whole vocabulary allocates nothing.
 *
 * @param <S> the grammar's state
 */
abstract class AutomatonMatcher<S extends AutomatonMatcher.GrammarState<S>> implements OutputGrammar.Matcher {

    /** A grammar's automaton state. */
    interface GrammarState<S> {
        void copyFrom(S other);

        /** The output has left the grammar: nothing more is accepted. */
        boolean dead();
    }

    private static final byte[] THINK_END = "</think>".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LEADING_BLANKS = 2;
    /** {@link Prefix#lead} once a third blank came: the output has left the grammar. */
    private static final int TOO_MANY_BLANKS = -2;

    /** Where the output stands before the grammar proper. */
    private static final class Prefix {
        int think; // ≥ 0 while reasoning: bytes of </think> matched so far; -1 after
        int lead;  // leading blanks of the answer so far; -1 once the grammar has its first byte

        void copyFrom(Prefix o) {
            think = o.think;
            lead = o.lead;
        }

        /** Takes {@code b} if it belongs to the reasoning or the leading layout; false if the grammar takes it. */
        boolean take(byte b) {
            if (think >= 0) {
                // no byte of </think> but the first is '<', so a '<' always restarts the match
                think = b == '<' ? 1 : think > 0 && b == THINK_END[think] ? think + 1 : 0;
                if (think == THINK_END.length) think = -1;
                return true;
            }
            if (lead < 0) return false;
            if (b == ' ' || b == '\n') { // the layout after </think> (tabs and returns are not)
                lead = lead < MAX_LEADING_BLANKS ? lead + 1 : TOO_MANY_BLANKS;
                return true;
            }
            lead = -1;
            return false;
        }
    }

    final S state, probe;
    private final Prefix prefix = new Prefix(), probePrefix = new Prefix();

    AutomatonMatcher(S state, S probe, boolean startsInReasoning) {
        this.state = state;
        this.probe = probe;
        prefix.think = startsInReasoning ? 0 : -1;
    }

    /** Moves {@code s} past one byte of the answer. */
    abstract void step(S s, byte b);

    /** Whether the output is in the reasoning, which the grammar does not constrain. */
    @Override
    public final boolean free() {
        return prefix.think >= 0;
    }

    @Override
    public final boolean accepts(byte[] text) {
        probe.copyFrom(state);
        probePrefix.copyFrom(prefix);
        for (byte b : text) {
            if (!probePrefix.take(b)) step(probe, b);
            if (probePrefix.lead == TOO_MANY_BLANKS || probe.dead()) return false;
        }
        return true;
    }

    @Override
    public final void advance(byte[] text) {
        for (byte b : text) {
            if (!prefix.take(b)) step(state, b);
        }
    }
}

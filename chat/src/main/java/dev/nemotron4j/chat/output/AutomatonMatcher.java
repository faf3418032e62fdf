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
    /** What {@link Prefix#take} did with a byte. */
    private static final int TAKEN = 0, TO_GRAMMAR = 1, EXITED = 2;

    /** Where the output stands before the grammar proper. */
    private final class Prefix {
        int think; // ≥ 0 while reasoning: bytes of </think> matched so far; -1 after
        int exit;  // while reasoning: bytes of the reasoning exit matched so far
        int lead;  // leading blanks of the answer so far; -1 once the grammar has its first byte

        void copyFrom(Prefix o) {
            think = o.think;
            exit = o.exit;
            lead = o.lead;
        }

        /**
         * {@link #TAKEN} if {@code b} belongs to the reasoning or the leading layout; {@link #TO_GRAMMAR} if the
         * grammar takes it; {@link #EXITED} if it completed the reasoning exit, whose bytes the grammar then reads.
         */
        int take(byte b) {
            if (think >= 0) {
                // neither marker has a '<' but its first, so a '<' always restarts a match
                think = b == '<' ? 1 : think > 0 && b == THINK_END[think] ? think + 1 : 0;
                if (think == THINK_END.length) think = -1;
                if (reasoningExit != null) {
                    exit = b == '<' ? 1 : exit > 0 && b == reasoningExit[exit] ? exit + 1 : 0;
                    if (exit == reasoningExit.length) {
                        think = -1;
                        lead = -1;
                        return EXITED;
                    }
                }
                return TAKEN;
            }
            if (lead < 0) return TO_GRAMMAR;
            if (b == ' ' || b == '\n') { // the layout after </think> (tabs and returns are not)
                lead = lead < MAX_LEADING_BLANKS ? lead + 1 : TOO_MANY_BLANKS;
                return TAKEN;
            }
            lead = -1;
            return TO_GRAMMAR;
        }
    }

    final S state, probe;
    private final byte[] reasoningExit;
    private final Prefix prefix = new Prefix(), probePrefix = new Prefix();

    AutomatonMatcher(S state, S probe, boolean startsInReasoning) {
        this(state, probe, startsInReasoning, null);
    }

    /**
     * @param reasoningExit bytes that, written inside the reasoning, end it and start the answer with themselves
     *                      ({@code <tool_call>}: the model sometimes opens a call without {@code </think>}); a single
     *                      '{@code <}' first, none after; or null
     */
    AutomatonMatcher(S state, S probe, boolean startsInReasoning, byte[] reasoningExit) {
        this.state = state;
        this.probe = probe;
        this.reasoningExit = reasoningExit;
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
            switch (probePrefix.take(b)) {
                case TO_GRAMMAR -> step(probe, b);
                case EXITED -> {
                    for (byte e : reasoningExit) step(probe, e);
                }
                default -> { }
            }
            if (probePrefix.lead == TOO_MANY_BLANKS || probe.dead()) return false;
        }
        return true;
    }

    @Override
    public final void advance(byte[] text) {
        for (byte b : text) {
            switch (prefix.take(b)) {
                case TO_GRAMMAR -> step(state, b);
                case EXITED -> {
                    for (byte e : reasoningExit) step(state, e);
                }
                default -> { }
            }
        }
    }
}

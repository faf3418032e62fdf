package dev.nemotron4j.chat.output;

/**
 * An {@link OutputGrammar.Matcher} over a small mutable state: {@link #accepts} runs a token's bytes on a copy of the
 * state (the probe), so checking a whole vocabulary allocates nothing.
 *
 * @param <S> the grammar's state
 */
abstract class AutomatonMatcher<S> implements OutputGrammar.Matcher {
    final S state, probe;

    AutomatonMatcher(S state, S probe) {
        this.state = state;
        this.probe = probe;
    }

    /** Copies {@code from} into {@code to}. */
    abstract void copy(S from, S to);

    /** Moves {@code s} past one byte. */
    abstract void step(S s, byte b);

    /** Whether {@code s} has left the grammar (nothing more is accepted). */
    abstract boolean dead(S s);

    @Override
    public final boolean accepts(byte[] text) {
        copy(state, probe);
        for (byte b : text) {
            step(probe, b);
            if (dead(probe)) return false;
        }
        return true;
    }

    @Override
    public final void advance(byte[] text) {
        for (byte b : text) step(state, b);
    }
}

package dev.nemotron4j.runtime;

import dev.nemotron4j.engine.generation.GenerationStats;
import dev.nemotron4j.engine.generation.TokenLogprobs;

import java.util.concurrent.locks.LockSupport;

/**
 * Hands one generation's tokens from the scheduler thread to its {@link TextDecoding}, which runs on a virtual thread
 * of its own, in order: the scheduler thread does no decoding, stop-string matching or parsing. The hand-over is a
 * ring written by the scheduler thread only and read by the text thread only (no allocation per token); the
 * scheduler waits only when the ring is full or when it must see the text side caught up ({@link #awaitCaughtUp}).
 * The text thread starts with the first token (or the end) and ends after telling the sink the end.
 *
 * <p>{@link #cancel} (any thread) makes the text side take no further token: the tokens still in the ring are passed
 * over unheard, so the answer stops at once even when the model finished long before the text side got there.
 *
 * <p>{@link #inline} runs the same text work at once on the caller's thread instead (the behaviour before the text
 * moved off the scheduler thread, kept to check that outputs are the same).
 */
final class TextWorker {
    private static final int CAPACITY = 256; // a power of two
    private static final int SPINS = 200;

    private final TextDecoding text;
    private final boolean inline;
    private final int[] tokens;
    private final TokenLogprobs[] logprobs;
    private volatile long published; // tokens written by the scheduler thread
    private volatile long taken;     // tokens the text thread has finished with
    private volatile GenerationStats done;
    private volatile Throwable failed;
    private volatile boolean stopped;       // a stop string completed, or the text work failed
    private volatile boolean leftReasoning;
    private volatile boolean parked;
    private volatile boolean cancelled;
    private boolean cut;                    // a token was passed over because of a cancel (text thread only)
    private Thread thread;                  // started by the scheduler thread
    private Throwable broken;               // the text thread's own failure

    private TextWorker(TextDecoding text, boolean inline) {
        this.text = text;
        this.inline = inline;
        this.tokens = inline ? null : new int[CAPACITY];
        this.logprobs = inline ? null : new TokenLogprobs[CAPACITY];
    }

    /** Text work on a virtual thread of its own. */
    static TextWorker offScheduler(TextDecoding text) {
        return new TextWorker(text, false);
    }

    /** Text work on the calling (scheduler) thread. */
    static TextWorker inline(TextDecoding text) {
        return new TextWorker(text, true);
    }

    // ---- the scheduler thread ----

    /** Hands over a generated token. */
    void submit(int token, TokenLogprobs lp) {
        if (inline) {
            take(token, lp);
            return;
        }
        long p = published;
        for (int i = 1; p - taken >= CAPACITY; i++) pause(i);
        int slot = (int) (p & (CAPACITY - 1));
        tokens[slot] = token;
        logprobs[slot] = lp;
        published = p + 1;
        wake();
    }

    /** The generation ended; the text side finishes after the tokens before it. */
    void complete(GenerationStats stats) {
        if (inline) {
            end(stats, null);
            return;
        }
        done = stats;
        wake();
    }

    /** The generation failed. */
    void fail(Throwable error) {
        if (inline) {
            end(null, error);
            return;
        }
        failed = error;
        wake();
    }

    /** Whether the generation should stop: a stop string completed in the text taken so far (or the text work failed). */
    boolean stopRequested() {
        return stopped;
    }

    /** Waits until the text side has taken every token handed over. */
    void awaitCaughtUp() {
        if (inline) return;
        long p = published;
        for (int i = 1; taken < p && thread != null && thread.isAlive(); i++) pause(i);
    }

    /** Whether the output parser has left the reasoning in the text taken so far. */
    boolean leftReasoning() {
        return leftReasoning;
    }

    /** The {@code i}-th wait for the text side, which is fast and runs alongside: spins first, then short sleeps. */
    private static void pause(int i) {
        if (i < SPINS) Thread.onSpinWait();
        else LockSupport.parkNanos(20_000);
    }

    private void wake() {
        if (thread == null) {
            thread = Thread.ofVirtual().name("nemotron4j-text").start(this::run);
        } else if (parked) {
            LockSupport.unpark(thread);
        }
    }

    // ---- any thread ----

    /** Takes no further token (the text side ends when the generation does, with what it has taken). */
    void cancel() {
        cancelled = true;
    }

    // ---- the text thread (or the caller, inline) ----

    private void run() {
        while (true) {
            long t = taken;
            if (t < published) {
                int slot = (int) (t & (CAPACITY - 1));
                TokenLogprobs lp = logprobs[slot];
                logprobs[slot] = null;
                take(tokens[slot], lp);
                taken = t + 1;
                continue;
            }
            GenerationStats stats = done;
            Throwable error = failed;
            if (stats != null || error != null) {
                // the end is written after the last token: with it seen, every token handed over is seen too
                if (taken < published) continue;
                end(stats, error);
                return;
            }
            parked = true;
            // re-checked after announcing the park: a hand-over that missed the flag is seen here
            if (taken < published || done != null || failed != null) {
                parked = false;
                continue;
            }
            LockSupport.park(this);
            parked = false;
        }
    }

    private void take(int token, TokenLogprobs lp) {
        if (broken != null || stopped) return;
        if (cancelled) {
            cut = true; // still taken from the ring, so the scheduler never waits on a cancelled job
            return;
        }
        try {
            if (!text.accept(token, lp)) stopped = true;
            if (text.leftReasoning()) leftReasoning = true;
        } catch (RuntimeException | Error e) {
            broken = e;
            stopped = true;
        }
    }

    private void end(GenerationStats stats, Throwable error) {
        Throwable cause = broken != null ? broken : error;
        if (cause != null) text.fail(cause);
        else text.finish(stats, cut);
    }
}

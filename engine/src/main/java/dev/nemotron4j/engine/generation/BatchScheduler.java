package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.model.BatchLayout;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.Sampler;
import dev.nemotron4j.engine.sampling.SamplingParams;
import dev.nemotron4j.engine.state.ContextOverflowException;
import dev.nemotron4j.engine.state.PrefixStateCache;
import dev.nemotron4j.engine.state.SequenceState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Continuous batching: all running sequences advance together in one batched forward per step (each weight
 * is read once per step for the whole batch). New requests join between steps; their prompts are fed in
 * chunks within a per-step token budget so running streams keep flowing. A cancelled request, or one whose
 * listener says stop, frees its slot at the next step. The waiting queue is bounded.
 *
 * <p>With a {@link PrefixStateCache}, a prompt's state is saved at the last exact resume point
 * ({@link PrefillSchedule}) before its end and before its {@linkplain GenerationRequest#sharedPrefix shared prefix}
 * ends (and every {@link #SAVE_INTERVAL} tokens inside long prompts), and a new prompt resumes from the longest saved
 * prefix: its outputs are bit for bit those of a full prefill. Generated tokens are not saved: a decoded state differs
 * in its last bits from the prefilled state that a full prefill of the same tokens computes, so the next turn
 * prefills the answer again (with the few prompt tokens after the last exact point).
 *
 * <p>Prompt scoring ({@link #score}: every token's log-probability given its prefix) is a request kind of its own: its
 * pieces of {@link PromptScorer#PIECE} tokens share steps with the decoding sequences (taking turns with other prompts'
 * pieces), so scoring never stalls the streams and never runs the model outside this thread.
 */
public final class BatchScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

    /**
     * @param maxBatch        sequences advancing together
     * @param maxQueue        requests waiting for a slot before {@link QueueFullException}
     * @param prefillChunk    most prompt tokens one sequence feeds per step
     * @param stepTokenBudget most rows per step (decode rows always fit; prefill pieces fill the rest)
     * @param contextLimit    most tokens per sequence (prompt + generated)
     */
    public record Options(int maxBatch, int maxQueue, int prefillChunk, int stepTokenBudget, int contextLimit) {
        public Options {
            if (maxBatch < 1 || maxQueue < 1 || prefillChunk < 1 || stepTokenBudget < 1 || contextLimit < 1) {
                throw new IllegalArgumentException("invalid scheduler options " + this);
            }
        }
    }

    /** Prompt piece length used unless configured otherwise (also {@link TokenGenerator}'s, so both agree bit for bit). */
    public static final int DEFAULT_PREFILL_CHUNK = 256;

    /** Inside long prompts, a state is saved every this many tokens (rounded up to whole pieces). */
    public static final int SAVE_INTERVAL = 1024;

    private final NemotronHModel model;
    private final Options options;
    private final PrefixStateCache stateCache; // null: every prompt is prefilled in full
    private final PrefillSchedule schedule;
    private final int saveInterval;
    private final ArrayBlockingQueue<Active> waiting;
    private final List<Active> running = new ArrayList<>();
    private final ArrayDeque<SequenceState> freeStates = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int runningCount;
    private volatile long stateBytes;
    private final float[] logits;
    private float[] allRowLogits = new float[0]; // a scoring step's logits, every row (allocated on first use)
    private boolean scoredLastStep;
    private final int vocab;
    // one step's layout, reused (no per-step allocation beyond the small BatchLayout record)
    private final Active[] stepping;
    private final SequenceState[] stepStates;
    private final int[] stepStarts, stepLengths;
    private int[] stepTokens = new int[0];

    public BatchScheduler(NemotronHModel model, Options options) {
        this(model, options, null);
    }

    /** A scheduler that saves and resumes prompt states in {@code stateCache} (null: none). */
    public BatchScheduler(NemotronHModel model, Options options, PrefixStateCache stateCache) {
        this.model = model;
        this.options = options;
        this.stateCache = stateCache;
        this.schedule = new PrefillSchedule(options.prefillChunk(), model.mambaChunkSize());
        this.saveInterval = (SAVE_INTERVAL + options.prefillChunk() - 1) / options.prefillChunk() * options.prefillChunk();
        this.vocab = model.vocabSize();
        this.waiting = new ArrayBlockingQueue<>(options.maxQueue());
        this.logits = new float[options.maxBatch() * vocab];
        this.stepping = new Active[options.maxBatch()];
        this.stepStates = new SequenceState[options.maxBatch()];
        this.stepStarts = new int[options.maxBatch()];
        this.stepLengths = new int[options.maxBatch()];
        this.thread = Thread.ofPlatform().daemon().name("nemotron4j-scheduler").unstarted(this::loop);
        thread.start();
    }

    public Options options() {
        return options;
    }

    public NemotronHModel model() {
        return model;
    }

    /** The saved prompt states, or null when none are kept. */
    public PrefixStateCache stateCache() {
        return stateCache;
    }

    /** Queues a request. @throws QueueFullException when the queue is full */
    public GenerationHandle submit(GenerationRequest request) {
        if (closed) throw new IllegalStateException("scheduler is closed");
        if (request.prompt().length >= options.contextLimit()) {
            throw new ContextOverflowException("prompt of " + request.prompt().length + " tokens leaves no room in the context of "
                    + options.contextLimit() + " tokens");
        }
        for (int t : request.prompt()) {
            if (t < 0 || t >= vocab) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary [0, " + vocab + ")");
        }
        Active a = new Active(request, new GenerationHandle(), System.nanoTime());
        if (!waiting.offer(a)) {
            throw new QueueFullException("queue full (" + waiting.size() + " waiting, " + runningCount + " running)");
        }
        return a.handle;
    }

    /**
     * Queues the scoring of {@code ids}: the log-probability of every token given the tokens before it, with the
     * {@code top} most likely alternatives (0: none). Completes with one entry per token (entry 0 null, it has no
     * prefix), exactly as {@link PromptScorer#score} computes them.
     *
     * @throws QueueFullException when the queue is full
     */
    public CompletableFuture<TokenLogprobs[]> score(int[] ids, int top) {
        if (closed) throw new IllegalStateException("scheduler is closed");
        if (ids == null || ids.length == 0) throw new IllegalArgumentException("nothing to score");
        if (top < 0) throw new IllegalArgumentException("top must be >= 0");
        if (ids.length > options.contextLimit()) {
            throw new ContextOverflowException("a prompt of " + ids.length + " tokens exceeds the context of " + options.contextLimit() + " tokens");
        }
        for (int t : ids) {
            if (t < 0 || t >= vocab) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary [0, " + vocab + ")");
        }
        ScoreCollector collector = new ScoreCollector(ids.length);
        Active a = new Active(new GenerationRequest(ids, SamplingParams.GREEDY, 0, Set.of(), -1, 0, collector), new GenerationHandle(), System.nanoTime());
        a.scoreTop = top;
        if (!waiting.offer(a)) {
            throw new QueueFullException("queue full (" + waiting.size() + " waiting, " + runningCount + " running)");
        }
        return collector.result;
    }

    /** Gathers a scoring request's log-probabilities; the scheduler's finish and fail reach it as for any request. */
    private static final class ScoreCollector implements GenerationListener {
        final TokenLogprobs[] out;
        final CompletableFuture<TokenLogprobs[]> result = new CompletableFuture<>();

        ScoreCollector(int n) {
            out = new TokenLogprobs[n];
        }

        @Override
        public boolean onToken(int token, TokenLogprobs logprobs) {
            return false; // never called: a scoring request generates nothing
        }

        @Override
        public void onComplete(GenerationStats stats) {
            if (stats.reason() == FinishReason.CANCELLED || stats.reason() == FinishReason.TIMEOUT) {
                result.completeExceptionally(new CancellationException("scoring " + stats.reason().name().toLowerCase()));
            } else {
                result.complete(out);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }
    }

    /** Requests waiting for a slot. */
    public int queueDepth() {
        return waiting.size();
    }

    /** Sequences currently advancing. */
    public int runningCount() {
        return runningCount;
    }

    /** Bytes held by the running sequences' states. */
    public long stateBytes() {
        return stateBytes;
    }

    private static final class Active {
        final GenerationRequest request;
        final GenerationHandle handle;
        final long submitted;
        long admitted, firstToken;
        SequenceState state;
        Sampler sampler;
        int prefilled;
        int cached;      // prompt tokens resumed from a saved state
        int saveAt;      // where the state before the shared prefix's end is saved (0: nowhere)
        int saveLastAt;  // where the state before the prompt's end is saved (0: nowhere)
        int generated;
        int lastToken;
        int stepRows; // rows in the current step
        int scoreTop = -1; // ≥ 0: a scoring request (alternatives per position)

        Active(GenerationRequest request, GenerationHandle handle, long submitted) {
            this.request = request;
            this.handle = handle;
            this.submitted = submitted;
        }

        boolean inPrefill() {
            return prefilled < request.prompt().length;
        }

        boolean scoring() {
            return scoreTop >= 0;
        }
    }

    private void loop() {
        while (!closed) {
            try {
                if (running.isEmpty()) {
                    Active a = waiting.poll(50, TimeUnit.MILLISECONDS);
                    if (a == null) continue;
                    admit(a);
                }
                while (running.size() < options.maxBatch()) {
                    Active a = waiting.poll();
                    if (a == null) break;
                    admit(a);
                }
                step();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable t) {
                LOG.error("scheduler step failed; failing {} running request(s)", running.size(), t);
                for (Active a : List.copyOf(running)) fail(a, t);
            }
        }
        for (Active a : List.copyOf(running)) finish(a, FinishReason.CANCELLED);
        Active a;
        while ((a = waiting.poll()) != null) fail(a, new IllegalStateException("scheduler closed"));
    }

    private void admit(Active a) {
        a.admitted = System.nanoTime();
        a.state = freeStates.isEmpty() ? model.newState(options.contextLimit()) : freeStates.pop();
        if (a.scoring()) {
            running.add(a);
            updateGauges();
            return;
        }
        try {
            a.sampler = new Sampler(a.request.sampling(), vocab);
        } catch (IllegalArgumentException e) {
            a.state.reset();
            freeStates.push(a.state);
            a.state = null;
            notifyError(a, e);
            return;
        }
        a.sampler.acceptPrompt(a.request.prompt());
        if (stateCache != null) {
            int[] prompt = a.request.prompt();
            a.cached = stateCache.resume(prompt, at -> schedule.resumesExactly(at, prompt.length), a.state);
            a.prefilled = a.cached;
            int shared = schedule.savePoint(a.request.sharedPrefix(), prompt.length);
            int last = schedule.savePoint(prompt.length - 1, prompt.length);
            a.saveAt = shared > a.cached ? shared : 0;
            a.saveLastAt = last > a.cached ? last : 0;
        }
        running.add(a);
        updateGauges();
    }

    private void step() {
        long now = System.nanoTime();
        for (int i = running.size() - 1; i >= 0; i--) { // backwards: finish() removes from running
            Active a = running.get(i);
            if (a.handle.isCancelled()) finish(a, FinishReason.CANCELLED);
            else if (a.request.deadlineNanos() != 0 && now - a.request.deadlineNanos() > 0) finish(a, FinishReason.TIMEOUT);
        }
        if (running.isEmpty()) return;

        // Rows: one per decoding sequence first, then prompt pieces within the remaining budget.
        int budget = options.stepTokenBudget();
        Active scorer = null;
        boolean promptsWaiting = false;
        for (Active a : running) {
            a.stepRows = 0;
            if (a.scoring()) {
                if (scorer == null) scorer = a;
            } else if (!a.inPrefill()) {
                a.stepRows = 1;
                budget--;
            } else {
                promptsWaiting = true;
            }
        }
        // A scoring piece takes the prompt rows of a step, every other step while other prompts wait: its rows all
        // need logits, so it does not share a step with other prompts' pieces.
        if (scorer != null && (!scoredLastStep || !promptsWaiting)) {
            scorer.stepRows = Math.min(PromptScorer.PIECE, scorer.request.prompt().length - scorer.prefilled);
        } else {
            scorer = null;
        }
        scoredLastStep = scorer != null;
        // Prompts are fed in fixed pieces [k·prefillChunk, (k+1)·prefillChunk): a sequence's pieces never depend on
        // what else is running, so its numerics (the chunked scan) and thus its output are the same in any batch.
        // A piece that does not fit the remaining budget waits for the next step; the first one always goes.
        boolean anyPrefill = scorer != null;
        for (Active a : running) {
            if (!a.inPrefill() || a.scoring() || scorer != null) continue;
            int end = schedule.pieceEnd(a.prefilled, a.request.prompt().length);
            // exact splits, to save the state there
            if (a.saveAt > a.prefilled && a.saveAt < end) end = a.saveAt;
            if (a.saveLastAt > a.prefilled && a.saveLastAt < end) end = a.saveLastAt;
            int piece = end - a.prefilled;
            if (anyPrefill && piece > budget) continue;
            a.stepRows = piece;
            budget -= piece;
            anyPrefill = true;
        }
        // The step's layout lives in arrays reused from step to step.
        int segs = 0, rows = 0;
        for (Active a : running) {
            if (a.stepRows == 0) continue;
            stepping[segs] = a;
            stepStates[segs] = a.state;
            stepStarts[segs] = rows;
            stepLengths[segs] = a.stepRows;
            rows += a.stepRows;
            segs++;
        }
        if (stepTokens.length < rows) stepTokens = new int[Math.max(rows, options.stepTokenBudget() + options.maxBatch())];
        for (int s = 0; s < segs; s++) {
            Active a = stepping[s];
            if (a.inPrefill()) System.arraycopy(a.request.prompt(), a.prefilled, stepTokens, stepStarts[s], a.stepRows);
            else stepTokens[stepStarts[s]] = a.lastToken;
        }
        float[] out = logits;
        if (scorer != null) {
            if (allRowLogits.length < (long) rows * vocab) allRowLogits = new float[(options.maxBatch() + PromptScorer.PIECE) * vocab];
            out = allRowLogits;
        }
        model.forward(new BatchLayout(stepStates, stepStarts, stepLengths, segs, rows), stepTokens,
                scorer != null ? NemotronHModel.LogitRows.ALL : NemotronHModel.LogitRows.LAST_OF_EACH_SEGMENT, out, null);

        for (int s = 0; s < segs; s++) {
            Active a = stepping[s];
            stepping[s] = null;
            stepStates[s] = null;
            if (a.scoring()) {
                collectScores(a, stepStarts[s]);
                continue;
            }
            if (a.inPrefill()) {
                a.prefilled += a.stepRows;
                if (stateCache != null && shouldSave(a)) stateCache.save(a.request.prompt(), a.prefilled, a.state);
                if (a.inPrefill()) continue; // more prompt to feed
                if (a.request.maxTokens() == 0) {
                    finish(a, FinishReason.LENGTH);
                    continue;
                }
            }
            emit(a, out, scorer != null ? (stepStarts[s] + stepLengths[s] - 1) * vocab : s * vocab);
        }
    }

    /** A scoring piece's rows: row r (from {@code row0}) predicts the token after it. */
    private void collectScores(Active a, int row0) {
        int[] ids = a.request.prompt();
        TokenLogprobs[] out = ((ScoreCollector) a.request.listener()).out;
        for (int r = 0; r < a.stepRows; r++) {
            int next = a.prefilled + r + 1;
            if (next < ids.length) out[next] = TokenLogprobs.of(allRowLogits, (row0 + r) * vocab, vocab, ids[next], a.scoreTop);
        }
        a.prefilled += a.stepRows;
        if (!a.inPrefill()) finish(a, FinishReason.STOP);
    }

    /** At one of the prompt's save points, or at a whole piece every {@link #saveInterval} tokens inside it. */
    private boolean shouldSave(Active a) {
        int at = a.prefilled;
        return at == a.saveAt || at == a.saveLastAt || (at % saveInterval == 0 && at < a.request.prompt().length);
    }

    private void emit(Active a, float[] logits, int off) {
        GenerationListener l = a.request.listener();
        try {
            int forced = l.forcedNextToken();
            boolean force = forced >= 0 && forced < vocab;
            if (!force) l.constrain(logits, off, vocab);
            int token = force ? forced : a.sampler.sample(logits, off);
            a.sampler.accept(token);
            a.generated++;
            if (a.firstToken == 0) a.firstToken = System.nanoTime();
            TokenLogprobs lp = a.request.topLogprobs() >= 0 ? TokenLogprobs.of(logits, off, vocab, token, a.request.topLogprobs()) : null;
            boolean more = l.onToken(token, lp);
            if (!more) finish(a, FinishReason.STOPPED_BY_LISTENER);
            else if (a.request.stopTokens().contains(token)) finish(a, FinishReason.STOP);
            else if (a.generated >= a.request.maxTokens()) finish(a, FinishReason.LENGTH);
            else if (a.state.position() + 1 >= options.contextLimit()) finish(a, FinishReason.LENGTH);
            else a.lastToken = token;
        } catch (RuntimeException e) {
            fail(a, e);
        }
    }

    private void finish(Active a, FinishReason reason) {
        release(a);
        long now = System.nanoTime();
        GenerationStats stats = new GenerationStats(reason, a.request.prompt().length, a.generated,
                a.admitted == 0 ? now - a.submitted : a.admitted - a.submitted,
                a.firstToken == 0 ? now - a.submitted : a.firstToken - a.submitted, now - a.submitted, a.cached);
        try {
            a.request.listener().onComplete(stats);
        } catch (RuntimeException e) {
            LOG.warn("listener onComplete failed", e);
        }
        a.handle.complete(stats);
    }

    private void fail(Active a, Throwable t) {
        release(a);
        notifyError(a, t);
    }

    private void notifyError(Active a, Throwable t) {
        try {
            a.request.listener().onError(t);
        } catch (RuntimeException e) {
            LOG.warn("listener onError failed", e);
        }
        a.handle.fail(t);
    }

    private void release(Active a) {
        if (running.remove(a) && a.state != null) {
            a.state.reset();
            if (freeStates.size() < options.maxBatch()) freeStates.push(a.state);
            a.state = null;
        }
        updateGauges();
    }

    private void updateGauges() {
        runningCount = running.size();
        long b = 0;
        for (Active x : running) if (x.state != null) b += x.state.bytes();
        stateBytes = b;
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For diagnostics: running requests' ids are not tracked; exposes whether the loop thread is alive. */
    public boolean isAlive() {
        return thread.isAlive();
    }

}

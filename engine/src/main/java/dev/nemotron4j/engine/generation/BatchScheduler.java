package dev.nemotron4j.engine.generation;

import dev.nemotron4j.engine.model.BatchLayout;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.sampling.Sampler;
import dev.nemotron4j.engine.state.ContextOverflowException;
import dev.nemotron4j.engine.state.SequenceState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Continuous batching: all running sequences advance together in one batched forward per step (each weight
 * is read once per step for the whole batch). New requests join between steps; their prompts are fed in
 * chunks within a per-step token budget so running streams keep flowing. A cancelled request, or one whose
 * listener says stop, frees its slot at the next step. The waiting queue is bounded.
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

    private final NemotronHModel model;
    private final Options options;
    private final ArrayBlockingQueue<Active> waiting;
    private final List<Active> running = new ArrayList<>();
    private final ArrayDeque<SequenceState> freeStates = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int runningCount;
    private volatile long stateBytes;
    private final float[] logits;
    private final int vocab;
    // one step's layout, reused (no per-step allocation beyond the small BatchLayout record)
    private final Active[] stepping;
    private final SequenceState[] stepStates;
    private final int[] stepStarts, stepLengths;
    private int[] stepTokens = new int[0];

    public BatchScheduler(NemotronHModel model, Options options) {
        this.model = model;
        this.options = options;
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
        int generated;
        int lastToken;
        int stepRows; // rows in the current step

        Active(GenerationRequest request, GenerationHandle handle, long submitted) {
            this.request = request;
            this.handle = handle;
            this.submitted = submitted;
        }

        boolean inPrefill() {
            return prefilled < request.prompt().length;
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
        for (Active a : running) {
            a.stepRows = 0;
            if (!a.inPrefill()) {
                a.stepRows = 1;
                budget--;
            }
        }
        // Prompts are fed in fixed pieces [k·prefillChunk, (k+1)·prefillChunk): a sequence's pieces never depend on
        // what else is running, so its numerics (the chunked scan) and thus its output are the same in any batch.
        // A piece that does not fit the remaining budget waits for the next step; the first one always goes.
        boolean anyPrefill = false;
        for (Active a : running) {
            if (!a.inPrefill()) continue;
            int piece = Math.min(a.request.prompt().length - a.prefilled, options.prefillChunk());
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
        model.forward(new BatchLayout(stepStates, stepStarts, stepLengths, segs, rows), stepTokens,
                NemotronHModel.LogitRows.LAST_OF_EACH_SEGMENT, logits, null);

        for (int s = 0; s < segs; s++) {
            Active a = stepping[s];
            stepping[s] = null;
            stepStates[s] = null;
            if (a.inPrefill()) {
                a.prefilled += a.stepRows;
                if (a.inPrefill()) continue; // more prompt to feed
                if (a.request.maxTokens() == 0) {
                    finish(a, FinishReason.LENGTH);
                    continue;
                }
            }
            emit(a, s * vocab);
        }
    }

    private void emit(Active a, int off) {
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
                a.firstToken == 0 ? now - a.submitted : a.firstToken - a.submitted, now - a.submitted);
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

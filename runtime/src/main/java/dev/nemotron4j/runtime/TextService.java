package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.chat.output.OutputParserOptions;
import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.generation.GenerationRequest;
import dev.nemotron4j.engine.generation.QueueFullException;
import dev.nemotron4j.engine.generation.TokenLogprobs;
import dev.nemotron4j.engine.state.ContextOverflowException;
import dev.nemotron4j.engine.state.PrefixStateCache;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Text in, text out on top of the continuous-batching scheduler: chat requests are rendered with the model's
 * template, tokenized, generated (many at once), and their output parsed into reasoning, content and tool calls.
 * Used by the chat CLI, the server and the in-process evaluation target.
 */
public final class TextService implements AutoCloseable {
    private final ModelBundle bundle;
    private final BatchScheduler scheduler;
    private final int turnStart; // <|im_start|>, or -1
    private final boolean textOffScheduler;

    /**
     * How many jobs run and wait, and how their prompts are fed.
     *
     * @param maxBatch     jobs generating together
     * @param maxQueue     jobs waiting for a slot before {@link RejectedJobException.Reason#QUEUE_FULL}
     * @param prefillChunk most prompt tokens one job feeds per step
     * @param stepTokens   most tokens per step, all jobs together (each generating job's token always fits; prompt
     *                     pieces fill the rest)
     * @param contextLimit most tokens per job, prompt and output together
     */
    public record Options(int maxBatch, int maxQueue, int prefillChunk, int stepTokens, int contextLimit) {
        /** Prompt piece length unless configured otherwise (the one that gives the same bits as a single generator). */
        public static final int DEFAULT_PREFILL_CHUNK = BatchScheduler.DEFAULT_PREFILL_CHUNK;

        /** @throws IllegalArgumentException when a value is below 1 */
        public Options {
            if (maxBatch < 1 || maxQueue < 1 || prefillChunk < 1 || stepTokens < 1 || contextLimit < 1) {
                throw new IllegalArgumentException("invalid service options " + this);
            }
        }

        BatchScheduler.Options forScheduler() {
            return new BatchScheduler.Options(maxBatch, maxQueue, prefillChunk, stepTokens, contextLimit);
        }
    }

    /** A service without a state cache: every prompt is prefilled in full. */
    public TextService(ModelBundle bundle, Options options) {
        this(bundle, options, 0);
    }

    /**
     * A service that keeps up to {@code stateCacheBytes} of saved prompt states (0: none), so that a conversation's
     * next turn, or another prompt with the same beginning, prefills only what is new (outputs unchanged, bit for bit).
     */
    public TextService(ModelBundle bundle, Options options, long stateCacheBytes) {
        this(bundle, options, stateCacheBytes, true);
    }

    /**
     * @param textOffScheduler each generation's text work (decoding, stop strings, output parsing) on a thread of its
     *                         own (true), or on the scheduler thread (false: the twin that tests compare against)
     */
    TextService(ModelBundle bundle, Options options, long stateCacheBytes, boolean textOffScheduler) {
        if (stateCacheBytes < 0) throw new IllegalArgumentException("the state cache size must be >= 0");
        this.textOffScheduler = textOffScheduler;
        this.bundle = bundle;
        this.scheduler = new BatchScheduler(bundle.model(), options.forScheduler(), stateCacheBytes == 0 ? null : new PrefixStateCache(stateCacheBytes));
        this.turnStart = bundle.rawTokenizer().tokenToId("<|im_start|>").orElse(-1);
    }

    /** Defaults for one interactive user: a batch of 8, prompts fed 256 tokens at a time. */
    public static Options defaultOptions(ModelBundle bundle) {
        return new Options(8, 64, Options.DEFAULT_PREFILL_CHUNK, 512, bundle.model().defaultContextLimit());
    }

    /** The model's name (its directory, or its GGUF file without {@code .gguf}). */
    public String modelName() {
        return bundle.name();
    }

    /** Token ids run from 0 to this. */
    public int vocabSize() {
        return bundle.model().vocabSize();
    }

    /** Most tokens per sequence, prompt and output together. */
    public int contextLimit() {
        return scheduler.options().contextLimit();
    }

    /** Text to ids ({@code addSpecialTokens}: as the tokenizer's post-processor adds them, e.g. for raw completions). */
    public int[] tokenize(String text, boolean addSpecialTokens) {
        return bundle.encode(text, addSpecialTokens);
    }

    /** A chat request's prompt ids, as {@link #chatJob} renders and tokenizes it. */
    public int[] tokenizeChat(ChatRequest request) {
        return bundle.encodePrompt(bundle.renderPrompt(request));
    }

    /** Ids to text, special tokens included. */
    public String detokenize(int[] ids) {
        return bundle.rawTokenizer().decode(ids, false);
    }

    /** One token's text. */
    public String tokenText(int id) {
        return ScoredToken.text(bundle.rawTokenizer(), id);
    }

    /** Whether {@code id} is a special (control) token, such as the {@code <s>} a text prompt may get. */
    public boolean isSpecialToken(int id) {
        return bundle.rawTokenizer().isSpecial(id);
    }

    /** Whether {@code id} ends the model's turn (its end-of-turn / end-of-sequence ids). */
    public boolean isEndOfTurn(int id) {
        return bundle.stopTokenIds().contains(id);
    }

    /**
     * The log-probability of every token of {@code ids} given the tokens before it, with the {@code top} most likely
     * alternatives (entry 0 is null: no prefix). Runs on the scheduler with the other requests; blocks until done.
     *
     * @throws RejectedJobException when the queue is full or {@code ids} exceed the context
     * @throws java.util.concurrent.CancellationException when the scoring was stopped before its end
     */
    public ScoredToken[] score(int[] ids, int top) {
        CompletableFuture<TokenLogprobs[]> scoring;
        try {
            scoring = scheduler.score(ids, top);
        } catch (QueueFullException e) {
            throw new RejectedJobException(RejectedJobException.Reason.QUEUE_FULL, e.getMessage(), e);
        } catch (ContextOverflowException e) {
            throw new RejectedJobException(RejectedJobException.Reason.PROMPT_TOO_LONG, e.getMessage(), e);
        }
        try {
            TokenLogprobs[] lps = scoring.get();
            ScoredToken[] out = new ScoredToken[lps.length];
            for (int i = 0; i < lps.length; i++) out[i] = lps[i] == null ? null : ScoredToken.of(lps[i], bundle.rawTokenizer());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The scheduler's load and the state cache's use, for metrics.
     *
     * @param queueDepth jobs waiting for a slot
     * @param running    jobs generating (or scoring) now
     * @param stateBytes memory held by the running jobs' states
     */
    public record Status(int queueDepth, int running, int maxBatch, long stateBytes, long cacheBytes, long cacheHits,
                         long cacheMisses, int cacheEntries) {
    }

    /** The load and cache use now. */
    public Status status() {
        PrefixStateCache cache = scheduler.stateCache();
        PrefixStateCache.Stats c = cache == null ? null : cache.stats();
        return new Status(scheduler.queueDepth(), scheduler.runningCount(), scheduler.options().maxBatch(), scheduler.stateBytes(),
                c == null ? 0 : c.bytes(), c == null ? 0 : c.hits(), c == null ? 0 : c.misses(), c == null ? 0 : c.entries());
    }

    /**
     * Renders and tokenizes a chat request; the output will be parsed for reasoning and tool calls. The conversation
     * before the new assistant turn's header is what the next turn shares (its prompt renders the same messages first).
     */
    public TextJob chatJob(ChatRequest request, GenerationSettings settings) {
        String prompt = bundle.renderPrompt(request);
        int[] ids = bundle.encodePrompt(prompt);
        int shared = 0;
        for (int i = ids.length - 1; i >= 0 && turnStart >= 0; i--) {
            if (ids[i] == turnStart) {
                shared = i;
                break;
            }
        }
        return new TextJob(ids, OutputParserOptions.forPrompt(prompt, request.tools()), settings, null, shared);
    }

    /** A raw-text job (no chat template, no output parsing). */
    public TextJob rawJob(int[] promptIds, GenerationSettings settings) {
        return new TextJob(promptIds, null, settings);
    }

    /**
     * Starts a job; events stream to {@code sink} in order, from the job's text thread (not the scheduler's, which
     * only hands tokens over).
     *
     * @throws RejectedJobException when the queue is full or the prompt leaves no room in the context
     */
    public TextGeneration submit(TextJob job, TextSink sink) {
        GenerationSettings s = job.settings();
        Set<Integer> stops = new HashSet<>(s.extraStopTokens());
        if (!s.ignoreEos()) stops.addAll(bundle.stopTokenIds());
        GrammarConstraint grammar = job.grammar() == null ? null : new GrammarConstraint(job.grammar(), bundle.tokenTexts(), stops);
        TextDecoding decoding = new TextDecoding(bundle.rawTokenizer(), job, stops, sink);
        TextWorker text = textOffScheduler ? TextWorker.offScheduler(decoding) : TextWorker.inline(decoding);
        TextGenerationListener listener = new TextGenerationListener(job, bundle.thinkingTokens(), bundle.lineBreakTokens(), grammar, text);
        long deadline = s.timeout() == null ? 0 : System.nanoTime() + s.timeout().toNanos();
        if (deadline == 0 && s.timeout() != null) deadline = 1;
        GenerationRequest request = new GenerationRequest(job.promptIds(), s.sampling().engineParams(), s.maxTokens(), stops, s.topLogprobs(), deadline,
                listener, job.sharedPrefix());
        try {
            return new TextGeneration(scheduler.submit(request), text);
        } catch (QueueFullException e) {
            throw new RejectedJobException(RejectedJobException.Reason.QUEUE_FULL, e.getMessage(), e);
        } catch (ContextOverflowException e) {
            throw new RejectedJobException(RejectedJobException.Reason.PROMPT_TOO_LONG, e.getMessage(), e);
        }
    }

    /** Runs a job to the end and returns the result (blocking). */
    public TextResult run(TextJob job) {
        CompletableFuture<TextResult> f = new CompletableFuture<>();
        submit(job, new TextSink() {
            @Override
            public void onEvent(OutputEvent event) {
            }

            @Override
            public void onFinish(TextResult result) {
                f.complete(result);
            }

            @Override
            public void onError(Throwable error) {
                f.completeExceptionally(error);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        scheduler.close();
    }
}

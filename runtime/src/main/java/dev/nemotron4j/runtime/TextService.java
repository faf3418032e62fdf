package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.chat.output.OutputParserOptions;
import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.generation.GenerationHandle;
import dev.nemotron4j.engine.generation.GenerationRequest;

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

    public TextService(ModelBundle bundle, BatchScheduler.Options options) {
        this.bundle = bundle;
        this.scheduler = new BatchScheduler(bundle.model(), options);
    }

    /** Defaults for one interactive user: a batch of 8, prompts fed 256 tokens at a time. */
    public static BatchScheduler.Options defaultOptions(ModelBundle bundle) {
        return new BatchScheduler.Options(8, 64, BatchScheduler.DEFAULT_PREFILL_CHUNK, 512, bundle.model().defaultContextLimit());
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public BatchScheduler scheduler() {
        return scheduler;
    }

    /** Renders and tokenizes a chat request; the output will be parsed for reasoning and tool calls. */
    public TextJob chatJob(ChatRequest request, GenerationSettings settings) {
        String prompt = bundle.renderPrompt(request);
        return new TextJob(bundle.encodePrompt(prompt), OutputParserOptions.forPrompt(prompt, request.tools()), settings);
    }

    /** A raw-text job (no chat template, no output parsing). */
    public TextJob rawJob(int[] promptIds, GenerationSettings settings) {
        return new TextJob(promptIds, null, settings);
    }

    /** Starts a job; events stream to {@code sink} on the scheduler thread. */
    public GenerationHandle submit(TextJob job, TextSink sink) {
        GenerationSettings s = job.settings();
        Set<Integer> stops = new HashSet<>(s.extraStopTokens());
        if (!s.ignoreEos()) stops.addAll(bundle.stopTokenIds());
        GrammarConstraint grammar = job.grammar() == null ? null : new GrammarConstraint(job.grammar(), bundle.tokenTexts(), stops);
        TextGenerationListener listener = new TextGenerationListener(bundle.tokenizer(), job, stops, bundle.thinkingTokens(), bundle.lineBreakTokens(), grammar, sink);
        long deadline = s.timeout() == null ? 0 : System.nanoTime() + s.timeout().toNanos();
        if (deadline == 0 && s.timeout() != null) deadline = 1;
        return scheduler.submit(new GenerationRequest(job.promptIds(), s.sampling(), s.maxTokens(), stops, s.topLogprobs(), deadline, listener));
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

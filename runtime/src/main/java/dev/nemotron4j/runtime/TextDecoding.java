package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.NemotronOutputParser;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.engine.generation.FinishReason;
import dev.nemotron4j.engine.generation.GenerationStats;
import dev.nemotron4j.engine.generation.TokenLogprobs;
import dev.nemotron4j.tokenizer.StreamingDecoder;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The text side of one generation: its tokens, in order, become text and events — incremental UTF-8-safe decoding,
 * stop strings, the Nemotron output parser (reasoning / content / tool calls) — told to the sink, and at the end the
 * {@link TextResult}. It runs off the scheduler thread ({@link TextWorker}), so the scheduler may already have
 * generated tokens past a completed stop string: they are not taken, and the result counts and reports the generation
 * as if it had stopped right there (as it does when the text work runs inline). Not thread-safe: one thread at a time.
 */
final class TextDecoding {
    private final TextSink sink;
    private final Set<Integer> stopTokens;
    private final Tokenizer tokenizer;
    private final StreamingDecoder decoder;
    private final StopStringMatcher stops;
    private final NemotronOutputParser parser;
    private final List<OutputEvent> events = new ArrayList<>();
    private final StringBuilder raw = new StringBuilder();
    private int reasoningTokens;
    private int completionTokens;
    private boolean stopped;
    private boolean leftReasoning;

    TextDecoding(Tokenizer tokenizer, TextJob job, Set<Integer> stopTokens, TextSink sink) {
        this.sink = sink;
        this.stopTokens = stopTokens;
        this.tokenizer = tokenizer;
        this.decoder = tokenizer.streamingDecoder(false);
        this.stops = new StopStringMatcher(job.settings().stopStrings());
        this.parser = job.parse() == null ? null : new NemotronOutputParser(job.parse());
    }

    /** Takes the next generated token; false once a stop string has completed (then later tokens are not taken). */
    boolean accept(int token, TokenLogprobs logprobs) {
        if (stopped) return false;
        completionTokens++;
        if (parser != null && parser.inReasoning()) reasoningTokens++;
        ScoredToken scored = logprobs == null ? null : ScoredToken.of(logprobs, tokenizer);
        if (stopTokens.contains(token)) {
            sink.onToken(token, "", scored);
            return true; // the scheduler ends with STOP; the end-of-turn text is not part of the output
        }
        String text = decoder.accept(token);
        sink.onToken(token, text, scored);
        emit(stops.push(text));
        stopped = stops.stopped();
        return !stopped;
    }

    /** Whether the parser has left the reasoning (by {@code </think>} or a tool call opened inside it). */
    boolean leftReasoning() {
        return leftReasoning;
    }

    private void emit(String text) {
        if (text.isEmpty()) return;
        raw.append(text);
        if (parser == null) {
            deliver(List.of(new OutputEvent.ContentDelta(text)));
            return;
        }
        boolean wasReasoning = parser.inReasoning();
        deliver(parser.feed(text));
        if (wasReasoning && !parser.inReasoning()) leftReasoning = true;
    }

    private void deliver(List<OutputEvent> out) {
        for (OutputEvent e : out) {
            events.add(e);
            sink.onEvent(e);
        }
    }

    /**
     * The end: held-back text, the parser's last events, and the result to the sink.
     *
     * @param cancelled tokens the model generated were passed over because the job was cancelled
     */
    void finish(GenerationStats stats, boolean cancelled) {
        TextResult.Ending ending;
        if (cancelled) {
            // cancelled while tokens were still on their way here: the generation ended at the last token taken
            ending = TextResult.Ending.CANCELLED;
        } else if (stopped) {
            // the scheduler may have learned of the stop string late: the generation ended at it
            ending = TextResult.Ending.STOPPED;
        } else {
            ending = ending(stats.reason());
        }
        emit(stops.push(decoder.flush()));
        emit(stops.flush());
        boolean length = ending == TextResult.Ending.LENGTH;
        if (parser != null) deliver(parser.finish(length));
        ParsedOutput parsed = ParsedOutput.fromEvents(events);
        String finish = parser == null ? (length ? "length" : "stop") : parsed.finishReason(length);
        sink.onFinish(new TextResult(ending, finish, stats.promptTokens(), stats.cachedTokens(), completionTokens, reasoningTokens,
                raw.toString(), parsed, new TextResult.Timing(stats.queuedNanos(), stats.firstTokenNanos(), stats.totalNanos())));
    }

    private static TextResult.Ending ending(FinishReason reason) {
        return switch (reason) {
            case STOP -> TextResult.Ending.END_OF_TURN;
            case LENGTH -> TextResult.Ending.LENGTH;
            case STOPPED_BY_LISTENER -> TextResult.Ending.STOPPED;
            case CANCELLED -> TextResult.Ending.CANCELLED;
            case TIMEOUT -> TextResult.Ending.TIMEOUT;
        };
    }

    void fail(Throwable error) {
        sink.onError(error);
    }
}

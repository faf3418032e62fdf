package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.budget.ThinkingBudgetController;
import dev.nemotron4j.chat.budget.ThinkingControlTokens;
import dev.nemotron4j.chat.output.NemotronOutputParser;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.engine.generation.FinishReason;
import dev.nemotron4j.engine.generation.GenerationListener;
import dev.nemotron4j.engine.generation.GenerationStats;
import dev.nemotron4j.engine.generation.TokenLogprobs;
import dev.nemotron4j.tokenizer.StreamingDecoder;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Turns a token stream into text events: incremental UTF-8-safe decoding, stop strings, the reasoning budget
 * (forced end-of-thinking tokens), an output grammar (tool_choice required / named, response_format json_object), the
 * Nemotron output parser (reasoning / content / tool calls).
 */
final class TextGenerationListener implements GenerationListener {
    private final TextJob job;
    private final Set<Integer> stopTokens;
    private final TextSink sink;
    private final StreamingDecoder decoder;
    private final StopStringMatcher stops;
    private final NemotronOutputParser parser;
    private final ThinkingBudgetController budget;
    private final LineBreakTokens lineBreaks;
    private final GrammarConstraint grammar;
    private final List<OutputEvent> events = new ArrayList<>();
    private final StringBuilder raw = new StringBuilder();
    private int reasoningTokens;
    private int completionTokens;

    TextGenerationListener(Tokenizer tokenizer, TextJob job, Set<Integer> stopTokens, ThinkingControlTokens thinking,
                           LineBreakTokens lineBreaks, GrammarConstraint grammar, TextSink sink) {
        this.lineBreaks = lineBreaks;
        this.grammar = grammar;
        this.job = job;
        this.stopTokens = stopTokens;
        this.sink = sink;
        this.decoder = tokenizer.streamingDecoder(false);
        this.stops = new StopStringMatcher(job.settings().stopStrings());
        this.parser = job.parse() == null ? null : new NemotronOutputParser(job.parse());
        if (job.settings().budget() != null) {
            ThinkingControlTokens t = job.settings().budgetEndingIds() == null ? thinking : thinking.withForcedEnding(job.settings().budgetEndingIds());
            this.budget = ThinkingBudgetController.forPrompt(job.settings().budget(), t, Arrays.stream(job.promptIds()).boxed().toList());
        } else {
            this.budget = null;
        }
    }

    @Override
    public int forcedNextToken() {
        return budget == null ? -1 : budget.forcedNextToken().orElse(-1);
    }

    @Override
    public void constrain(float[] logits, int offset, int vocab) {
        if (grammar != null) grammar.mask(logits, offset, vocab);
    }

    @Override
    public boolean onToken(int token, TokenLogprobs logprobs) {
        if (grammar != null) grammar.accept(token);
        completionTokens++;
        if (parser != null && parser.inReasoning()) reasoningTokens++;
        if (budget != null) budget.accept(token, lineBreaks.contains(token));
        if (stopTokens.contains(token)) {
            sink.onToken(token, "", logprobs);
            return true; // the scheduler ends with STOP; the end-of-turn text is not part of the output
        }
        String text = decoder.accept(token);
        sink.onToken(token, text, logprobs);
        emit(stops.push(text));
        return !stops.stopped();
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
        // Reasoning ended without </think> (a <tool_call> opened inside it): the budget must not force an ending now.
        if (wasReasoning && !parser.inReasoning() && budget != null) budget.reasoningEnded();
    }

    private void deliver(List<OutputEvent> out) {
        for (OutputEvent e : out) {
            events.add(e);
            sink.onEvent(e);
        }
    }

    @Override
    public void onComplete(GenerationStats stats) {
        emit(stops.push(decoder.flush()));
        emit(stops.flush());
        boolean length = stats.reason() == FinishReason.LENGTH;
        if (parser != null) deliver(parser.finish(length));
        ParsedOutput parsed = ParsedOutput.fromEvents(events);
        String finish = parser == null ? (length ? "length" : "stop") : parsed.finishReason(length);
        sink.onFinish(new TextResult(stats.reason(), finish, stats.promptTokens(), completionTokens, reasoningTokens,
                raw.toString(), parsed, stats));
    }

    @Override
    public void onError(Throwable error) {
        sink.onError(error);
    }
}

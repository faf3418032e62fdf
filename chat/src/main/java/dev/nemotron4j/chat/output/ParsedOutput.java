package dev.nemotron4j.chat.output;

import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.output.OutputEvent.ContentDelta;
import dev.nemotron4j.chat.output.OutputEvent.MalformedToolCall;
import dev.nemotron4j.chat.output.OutputEvent.ReasoningDelta;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallArgumentsDelta;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallCompleted;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallStarted;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole generation split into its API fields.
 *
 * @param reasoning the reasoning text, {@code null} when there was none
 * @param content   the answer text, {@code null} when empty
 * @param toolCalls the complete tool calls, in order
 * @param malformed the broken tool calls, in order
 */
public record ParsedOutput(String reasoning, String content, List<ToolCall> toolCalls,
                           List<MalformedToolCall> malformed) {

    public ParsedOutput {
        toolCalls = List.copyOf(toolCalls);
        malformed = List.copyOf(malformed);
    }

    /** Folds a parser's events (from any feeding pattern) into the fields. */
    public static ParsedOutput fromEvents(List<? extends OutputEvent> events) {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<MalformedToolCall> malformed = new ArrayList<>();
        for (OutputEvent event : events) {
            switch (event) {
                case ReasoningDelta(String text) -> reasoning.append(text);
                case ContentDelta(String text) -> content.append(text);
                case ToolCallCompleted(int index, ToolCall call) -> calls.add(call);
                case MalformedToolCall broken -> malformed.add(broken);
                case ToolCallStarted started -> { }
                case ToolCallArgumentsDelta fragment -> { }
            }
        }
        return new ParsedOutput(reasoning.isEmpty() ? null : reasoning.toString(),
                content.isEmpty() ? null : content.toString(), calls, malformed);
    }

    /**
     * The OpenAI {@code finish_reason}: {@code length} whenever a token limit cut the output (even after or inside a
     * call: the answer is incomplete), else {@code tool_calls} when a call was parsed, else {@code stop}.
     */
    public String finishReason(boolean stoppedAtTokenLimit) {
        if (stoppedAtTokenLimit) return "length";
        return toolCalls.isEmpty() ? "stop" : "tool_calls";
    }
}

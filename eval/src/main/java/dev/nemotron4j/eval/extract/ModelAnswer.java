package dev.nemotron4j.eval.extract;

import dev.nemotron4j.eval.target.ToolCall;

import java.util.List;

/**
 * The parts of a response extractors may read: the answer text (thinking already separated),
 * the thinking text, and structured tool calls.
 */
public record ModelAnswer(String answerText, String reasoningText, List<ToolCall> toolCalls) {
    public ModelAnswer {
        answerText = answerText == null ? "" : answerText;
        reasoningText = reasoningText == null ? "" : reasoningText;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ModelAnswer ofText(String text) { return new ModelAnswer(text, "", List.of()); }
}

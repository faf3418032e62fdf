package dev.nemotron4j.eval.target;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One chat turn as sent to a target.
 *
 * @param role             {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content          the text of the turn
 * @param toolCalls        calls an assistant turn made (empty otherwise)
 * @param toolCallId       for {@code tool} turns, the call being answered (null otherwise)
 * @param reasoningContent an earlier assistant turn's reasoning, sent back as {@code reasoning_content} (null: none;
 *                         left out of stored prompts and cache keys then, so turns without it hash as before it existed)
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String reasoningContent) {
    public ChatMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A turn without reasoning. */
    public ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId) {
        this(role, content, toolCalls, toolCallId, null);
    }

    public static ChatMessage system(String content) { return new ChatMessage("system", content, List.of(), null); }

    public static ChatMessage user(String content) { return new ChatMessage("user", content, List.of(), null); }

    public static ChatMessage of(String role, String content) { return new ChatMessage(role, content, List.of(), null); }
}

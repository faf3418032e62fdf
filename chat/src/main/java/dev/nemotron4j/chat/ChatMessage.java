package dev.nemotron4j.chat;

import java.util.List;

/**
 * One OpenAI-style chat message as the chat template sees it.
 *
 * @param role             {@code system}, {@code user}, {@code assistant}, {@code tool} (other roles render as
 *                         plain turns)
 * @param content          the text (content-part arrays already flattened, see {@link #joinTextParts}); {@code null}
 *                         when absent or JSON null, rendered as empty text
 * @param reasoningContent the assistant's reasoning ({@code reasoning_content}); {@code null} when absent
 * @param toolCalls        the assistant's tool calls, never {@code null}
 * @param toolCallId       {@code tool_call_id} of a tool response (not rendered by the template, kept for the API)
 */
public record ChatMessage(String role, String content, String reasoningContent, List<ToolCall> toolCalls,
                          String toolCallId) {

    public static final String SYSTEM = "system";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    public static final String TOOL = "tool";

    public ChatMessage {
        if (role == null) throw new IllegalArgumentException("a chat message needs a role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A system message. */
    public static ChatMessage system(String content) {
        return new ChatMessage(SYSTEM, content, null, List.of(), null);
    }

    /** A user message. */
    public static ChatMessage user(String content) {
        return new ChatMessage(USER, content, null, List.of(), null);
    }

    /** An assistant answer without reasoning or tool calls. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(ASSISTANT, content, null, List.of(), null);
    }

    /** An assistant turn with optional reasoning and tool calls. */
    public static ChatMessage assistant(String content, String reasoningContent, List<ToolCall> toolCalls) {
        return new ChatMessage(ASSISTANT, content, reasoningContent, toolCalls, null);
    }

    /** A tool response. */
    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(TOOL, content, null, List.of(), toolCallId);
    }

    /** Whether the message has the given role. */
    public boolean is(String expectedRole) {
        return role.equals(expectedRole);
    }

    /**
     * Flattens OpenAI text content parts into one string the way vLLM does before rendering: texts joined with
     * {@code "\n"}.
     */
    public static String joinTextParts(List<String> texts) {
        return String.join("\n", texts);
    }
}

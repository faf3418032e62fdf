package dev.nemotron4j.chat;

import java.util.List;

/**
 * Everything the chat template renders: the conversation, the offered tools and the switches.
 *
 * @param messages the conversation, never empty
 * @param tools    the offered tools (empty: no tools block)
 * @param options  the template switches
 */
public record ChatRequest(List<ChatMessage> messages, List<ToolDefinition> tools, ChatRequestOptions options) {

    public ChatRequest {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        if (options == null) options = ChatRequestOptions.DEFAULTS;
    }
}

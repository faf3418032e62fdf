package dev.nemotron4j.chat.output;

import dev.nemotron4j.chat.ToolDefinition;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * How to read one generation.
 *
 * @param startsInReasoning the prompt ended inside an open think block ({@code <think>\n}): the output starts as
 *                          reasoning and the answer begins after {@code </think>}
 * @param parseToolCalls    recognise {@code <tool_call>} blocks in the answer (normally: the request offered tools)
 * @param tools             the offered tools, for coercing argument types
 * @param toolCallIds       source of call ids ({@code call_} + 24 hex digits by default)
 */
public record OutputParserOptions(boolean startsInReasoning, boolean parseToolCalls, List<ToolDefinition> tools,
                                  Supplier<String> toolCallIds) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public OutputParserOptions {
        tools = tools == null ? List.of() : List.copyOf(tools);
        if (toolCallIds == null) toolCallIds = OutputParserOptions::randomToolCallId;
    }

    /**
     * Options read from the rendered prompt: reasoning when it ends with {@code <think>\n}, tool calls when tools
     * were offered.
     */
    public static OutputParserOptions forPrompt(String renderedPrompt, List<ToolDefinition> tools) {
        boolean reasoning = renderedPrompt.endsWith("<think>\n");
        return new OutputParserOptions(reasoning, tools != null && !tools.isEmpty(), tools, null);
    }

    /** The same options with another id source (tests use a counter). */
    public OutputParserOptions withToolCallIds(Supplier<String> ids) {
        return new OutputParserOptions(startsInReasoning, parseToolCalls, tools, ids);
    }

    /** A fresh id as current vLLM writes them: {@code call_} + 24 lower-case hex digits. */
    public static String randomToolCallId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "call_" + HexFormat.of().formatHex(bytes);
    }
}

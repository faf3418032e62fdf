package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.output.ToolCallGrammar;

import java.util.List;

/**
 * The request's {@code tool_choice}: {@code none} renders the prompt without tools (and no calls are parsed),
 * {@code auto} and {@code required} render all tools, a named function renders only that tool. For {@code required}
 * and a named function the answer is decoded under a {@link ToolCallGrammar} (PROTOCOL.md §6): after any
 * reasoning it can only be well-formed calls (one or more; exactly one of the named function). A reply can still
 * lack a call when it runs out of tokens first; the server counts those ({@link #unsatisfiedBy}).
 *
 * @param mode     auto, none, required or named
 * @param function the function name when named
 */
public record ToolChoice(Mode mode, String function) {
    public enum Mode { AUTO, NONE, REQUIRED, NAMED }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);

    /** Reads {@code tool_choice} (absent: auto) and checks it against the offered tools. */
    public static ToolChoice read(JsonNode node, List<ToolDefinition> tools) {
        ToolChoice choice;
        if (node == null) {
            choice = AUTO;
        } else if (node.isTextual()) {
            choice = switch (node.textValue()) {
                case "auto" -> AUTO;
                case "none" -> new ToolChoice(Mode.NONE, null);
                case "required" -> new ToolChoice(Mode.REQUIRED, null);
                default -> throw ApiError.badRequest("'tool_choice' must be \"auto\", \"none\", \"required\" or a function, got \""
                        + node.textValue() + "\"", "tool_choice");
            };
        } else if (node.isObject() && node.path("function").path("name").isTextual()) {
            choice = new ToolChoice(Mode.NAMED, node.path("function").path("name").textValue());
        } else {
            throw ApiError.badRequest("'tool_choice' must be a string or {\"type\":\"function\",\"function\":{\"name\":...}}", "tool_choice");
        }
        if ((choice.mode == Mode.REQUIRED || choice.mode == Mode.NAMED) && tools.isEmpty()) {
            throw ApiError.badRequest("'tool_choice' " + choice.describe() + " needs 'tools'", "tool_choice");
        }
        if (choice.mode == Mode.NAMED && tools.stream().noneMatch(t -> t.name().orElse("").equals(choice.function))) {
            throw ApiError.badRequest("'tool_choice' names the function '" + choice.function + "', which is not among 'tools'", "tool_choice");
        }
        return choice;
    }

    /** The tools to render for this choice. */
    public List<ToolDefinition> visibleTools(List<ToolDefinition> tools) {
        return switch (mode) {
            case NONE -> List.of();
            case AUTO, REQUIRED -> tools;
            case NAMED -> tools.stream().filter(t -> t.name().orElse("").equals(function)).toList();
        };
    }

    /** The grammar the answer must follow (required / named), or null; {@code tools} as rendered ({@link #visibleTools}). */
    public ToolCallGrammar grammar(List<ToolDefinition> tools, boolean startsInReasoning) {
        return switch (mode) {
            case REQUIRED -> ToolCallGrammar.anyOf(tools, startsInReasoning);
            case NAMED -> ToolCallGrammar.named(tools.getFirst(), startsInReasoning);
            case AUTO, NONE -> null;
        };
    }

    /** Whether a finished reply with {@code calls} tool calls fails this choice (required/named but no call). */
    public boolean unsatisfiedBy(int calls) {
        return (mode == Mode.REQUIRED || mode == Mode.NAMED) && calls == 0;
    }

    private String describe() {
        return mode == Mode.NAMED ? "naming '" + function + "'" : "\"" + mode.name().toLowerCase() + "\"";
    }
}

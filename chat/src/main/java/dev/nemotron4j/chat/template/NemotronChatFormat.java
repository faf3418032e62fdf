package dev.nemotron4j.chat.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.python.PythonJsonWriter;
import dev.nemotron4j.chat.python.PythonText;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Nemotron 3 Nano chat template ({@code nemotron-3-nano.jinja}) written out in Java. Each step follows the Jinja
 * source in order, with Jinja's value semantics: {@code ~}/{@code |string} are Python {@code str()},
 * {@code |trim} is Python {@code strip()}, {@code |tojson} is {@code json.dumps(ensure_ascii=False)}, and an
 * attribute that a value lacks is "undefined" (prints as empty text, fails {@code is defined}).
 * The whitespace control of the template ({@code trim_blocks}, {@code lstrip_blocks}, {@code -} markers) leaves
 * exactly the literal strings below; the fixtures in {@code testdata/chat} pin that down byte for byte.
 */
public final class NemotronChatFormat {

    static final String TOOLS_HEADER = "# Tools\n\nYou have access to the following functions:\n\n<tools>";

    /** The instruction paragraph after {@code </tools>}, verbatim from the template. */
    static final String TOOL_CALL_INSTRUCTIONS = "\n\nIf you choose to call a function ONLY reply in the following"
            + " format with NO suffix:\n\n<tool_call>\n<function=example_function_name>\n"
            + "<parameter=example_parameter_1>\nvalue_1\n</parameter>\n<parameter=example_parameter_2>\n"
            + "This is the value for the second parameter\nthat can span\nmultiple lines\n</parameter>\n"
            + "</function>\n</tool_call>\n\n<IMPORTANT>\nReminder:\n"
            + "- Function calls MUST follow the specified format: an inner <function=...></function> block must be"
            + " nested within <tool_call></tool_call> XML tags\n"
            + "- Required parameters MUST be specified\n"
            + "- You may provide optional reasoning for your function call in natural language BEFORE the function"
            + " call, but NOT after\n"
            + "- If there is no function call available, answer the question like normal with your current knowledge"
            + " and do not tell the user about function calls\n</IMPORTANT>";

    private static final String THINK_OPEN = "<think>";
    private static final String THINK_CLOSE = "</think>";
    private static final String EMPTY_THINK = "<think></think>";

    private static final Set<String> PROPERTY_KEYS_RENDERED_EXPLICITLY = Set.of("name", "type", "description", "enum");
    private static final Set<String> PARAMETERS_KEYS_RENDERED_EXPLICITLY = Set.of("type", "properties", "required");
    private static final Set<String> FUNCTION_KEYS_RENDERED_EXPLICITLY = Set.of("type", "name", "description", "parameters");

    private NemotronChatFormat() {
    }

    /** Renders a request to the prompt text. */
    public static String render(ChatRequest request) {
        return render(request.messages(), request.tools(), request.options());
    }

    /**
     * Renders the prompt text exactly as the template does.
     *
     * @param messages the conversation (at least one message)
     * @param tools    offered tools; empty or {@code null} for none
     * @param options  template switches
     */
    public static String render(List<ChatMessage> messages, List<ToolDefinition> tools, ChatRequestOptions options) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("the Nemotron chat template needs at least one message");
        }
        List<ToolDefinition> offeredTools = tools == null ? List.of() : tools;
        StringBuilder out = new StringBuilder(1024);

        // A leading system message becomes the system text; the turn itself is always emitted.
        boolean leadingSystem = messages.getFirst().is(ChatMessage.SYSTEM);
        String systemText = leadingSystem ? textOf(messages.getFirst()) : "";
        List<ChatMessage> turns = leadingSystem ? messages.subList(1, messages.size()) : messages;
        int lastUserIndex = lastUserIndex(turns);

        out.append("<|im_start|>system\n").append(systemText);
        if (!offeredTools.isEmpty()) {
            if (!systemText.isEmpty()) out.append("\n\n");
            appendToolsBlock(offeredTools, out);
        }
        out.append("<|im_end|>\n");

        for (int i = 0; i < turns.size(); i++) {
            ChatMessage message = turns.get(i);
            switch (message.role()) {
                case ChatMessage.ASSISTANT -> {
                    boolean historical = options.truncateHistoryThinking() && i < lastUserIndex;
                    appendAssistant(message, historical, out);
                }
                case ChatMessage.USER, ChatMessage.SYSTEM ->
                        out.append("<|im_start|>").append(message.role()).append('\n')
                                .append(textOf(message)).append("<|im_end|>\n");
                case ChatMessage.TOOL -> appendToolResponse(turns, i, out);
                default -> out.append("<|im_start|>").append(message.role()).append('\n')
                        .append(textOf(message)).append("<|im_end|>\n");
            }
        }

        if (options.addGenerationPrompt()) {
            out.append(options.enableThinking() ? "<|im_start|>assistant\n<think>\n" : "<|im_start|>assistant\n<think></think>");
        }
        return out.toString();
    }

    private static int lastUserIndex(List<ChatMessage> turns) {
        int last = -1;
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i).is(ChatMessage.USER)) last = i;
        }
        return last;
    }

    private static String textOf(ChatMessage message) {
        return message.content() == null ? "" : message.content();
    }

    // ---- assistant turns ----

    private static void appendAssistant(ChatMessage message, boolean historical, StringBuilder out) {
        String content = assistantContentWithThinking(message);
        if (!message.toolCalls().isEmpty()) {
            out.append("<|im_start|>assistant\n");
            if (!PythonText.isBlank(content)) {
                if (!historical) {
                    out.append(PythonText.strip(content)).append('\n');
                } else {
                    String answer = content;
                    if (answer.contains(THINK_CLOSE)) {
                        answer = textAfterLast(answer, THINK_CLOSE);
                    } else if (answer.contains(THINK_OPEN)) {
                        // An unclosed <think>: keep only what precedes it.
                        answer = answer.substring(0, answer.indexOf(THINK_OPEN));
                    }
                    out.append(EMPTY_THINK).append(PythonText.strip(answer)).append('\n');
                }
            } else {
                out.append(EMPTY_THINK);
            }
            for (ToolCall call : message.toolCalls()) appendToolCall(call, out);
            out.append("<|im_end|>\n");
            return;
        }
        String answer;
        if (!historical) {
            answer = PythonText.strip(content);
        } else {
            answer = content;
            if (answer.contains(THINK_OPEN) && answer.contains(THINK_CLOSE)) {
                answer = EMPTY_THINK + textAfterLast(answer, THINK_CLOSE);
            }
            answer = PythonText.strip(answer);
        }
        out.append("<|im_start|>assistant\n").append(answer).append("<|im_end|>\n");
    }

    /**
     * The template's unified assistant text: non-blank reasoning becomes {@code <think>\n..\n</think>\n} before the
     * answer; an answer without any think tag gets an empty {@code <think></think>} in front.
     */
    private static String assistantContentWithThinking(ChatMessage message) {
        String answer = textOf(message);
        String reasoning = message.reasoningContent();
        if (reasoning != null && !PythonText.isBlank(reasoning)) {
            return "<think>\n" + reasoning + "\n</think>\n" + answer;
        }
        if (!answer.contains(THINK_OPEN) && !answer.contains(THINK_CLOSE)) {
            return EMPTY_THINK + answer;
        }
        return answer;
    }

    private static String textAfterLast(String text, String separator) {
        return text.substring(text.lastIndexOf(separator) + separator.length());
    }

    private static void appendToolCall(ToolCall call, StringBuilder out) {
        out.append("<tool_call>\n<function=").append(call.name()).append(">\n");
        if (call.hasArguments()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = call.arguments().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> argument = it.next();
                out.append("<parameter=").append(argument.getKey()).append(">\n")
                        .append(containerAsJsonElseStr(argument.getValue()))
                        .append("\n</parameter>\n");
            }
        }
        out.append("</function>\n</tool_call>\n");
    }

    // ---- tool responses ----

    /** A run of tool messages shares one user turn; each response is wrapped in {@code <tool_response>}. */
    private static void appendToolResponse(List<ChatMessage> turns, int index, StringBuilder out) {
        // Jinja's loop.previtem is undefined (falsy) for the first message, so a leading tool message opens no turn.
        if (index > 0 && !turns.get(index - 1).is(ChatMessage.TOOL)) out.append("<|im_start|>user\n");
        out.append("<tool_response>\n").append(textOf(turns.get(index))).append("\n</tool_response>\n");
        boolean last = index == turns.size() - 1;
        if (last || !turns.get(index + 1).is(ChatMessage.TOOL)) out.append("<|im_end|>\n");
    }

    // ---- tools block ----

    private static void appendToolsBlock(List<ToolDefinition> tools, StringBuilder out) {
        out.append(TOOLS_HEADER);
        for (ToolDefinition definition : tools) {
            JsonNode tool = definition.function();
            out.append("\n<function>\n<name>").append(strOrEmpty(attribute(tool, "name"))).append("</name>");
            JsonNode description = attribute(tool, "description");
            if (description != null) {
                out.append("\n<description>").append(PythonText.strip(PythonText.str(description))).append("</description>");
            }
            out.append("\n<parameters>");
            JsonNode parameters = attribute(tool, "parameters");
            JsonNode properties = attribute(parameters, "properties");
            if (parameters != null && parameters.isObject() && properties != null && properties.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> property = it.next();
                    appendParameter(property.getKey(), property.getValue(), out);
                }
            }
            appendExtraKeys(parameters, PARAMETERS_KEYS_RENDERED_EXPLICITLY, out);
            JsonNode required = attribute(parameters, "required");
            if (required != null) {
                out.append("\n<required>").append(PythonJsonWriter.dumps(required)).append("</required>");
            }
            out.append("\n</parameters>");
            appendExtraKeys(tool, FUNCTION_KEYS_RENDERED_EXPLICITLY, out);
            out.append("\n</function>");
        }
        out.append("\n</tools>").append(TOOL_CALL_INSTRUCTIONS);
    }

    private static void appendParameter(String name, JsonNode fields, StringBuilder out) {
        out.append("\n<parameter>\n<name>").append(name).append("</name>");
        JsonNode type = attribute(fields, "type");
        if (type != null) out.append("\n<type>").append(PythonText.str(type)).append("</type>");
        JsonNode description = attribute(fields, "description");
        if (description != null) {
            out.append("\n<description>").append(PythonText.strip(PythonText.str(description))).append("</description>");
        }
        JsonNode enumeration = attribute(fields, "enum");
        if (enumeration != null) out.append("\n<enum>").append(PythonJsonWriter.dumps(enumeration)).append("</enum>");
        appendExtraKeys(fields, PROPERTY_KEYS_RENDERED_EXPLICITLY, out);
        out.append("\n</parameter>");
    }

    /** The template's {@code render_extra_keys} macro: every other key as {@code \n<key>value</key>}. */
    private static void appendExtraKeys(JsonNode object, Set<String> handledKeys, StringBuilder out) {
        if (object == null || !object.isObject()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (handledKeys.contains(field.getKey())) continue;
            out.append("\n<").append(field.getKey()).append('>')
                    .append(containerAsJsonElseStr(field.getValue()))
                    .append("</").append(field.getKey()).append('>');
        }
    }

    // ---- Jinja value semantics ----

    /** {@code value.key} in Jinja: the member of a mapping, or {@code null} for "undefined". */
    private static JsonNode attribute(JsonNode value, String key) {
        if (value == null || !value.isObject()) return null;
        return value.get(key);
    }

    /** {@code ~ value}: undefined prints as empty text, anything else as Python {@code str()}. */
    private static String strOrEmpty(JsonNode value) {
        return value == null ? "" : PythonText.str(value);
    }

    /** Mappings and lists via {@code tojson}, everything else via {@code |string} (the template's recurring rule). */
    private static String containerAsJsonElseStr(JsonNode value) {
        if (value != null && (value.isObject() || value.isArray())) return PythonJsonWriter.dumps(value);
        return PythonText.str(value);
    }
}

package dev.nemotron4j.chat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.python.PythonJsonWriter;

/**
 * One function call made by the assistant.
 *
 * @param id        the call id ({@code call_...}); may be {@code null} in history sent by a client
 * @param name      the function name
 * @param arguments the argument object, keys in call order; {@code null} when the call carried no
 *                  {@code arguments} at all (the template then renders no parameters)
 */
public record ToolCall(String id, String name, ObjectNode arguments) {

    public ToolCall {
        if (name == null) throw new IllegalArgumentException("a tool call needs a function name");
        // Defensive copy: JSON nodes are mutable and the record must not change under the renderer.
        arguments = arguments == null ? null : arguments.deepCopy();
    }

    /** A call with an argument object. */
    public static ToolCall of(String id, String name, ObjectNode arguments) {
        return new ToolCall(id, name, arguments);
    }

    /** The argument object as a copy ({@code {}} when the call carried none). */
    @Override
    public ObjectNode arguments() {
        return arguments == null ? JsonNodeFactory.instance.objectNode() : arguments.deepCopy();
    }

    /** Whether the call carried an {@code arguments} object. */
    public boolean hasArguments() {
        return arguments != null;
    }

    /**
     * The OpenAI {@code function.arguments} string: Python {@code json.dumps(arguments, ensure_ascii=False)}, e.g.
     * {@code {"location": "Paris", "unit": "celsius"}}.
     */
    public String argumentsJson() {
        return PythonJsonWriter.dumps(arguments());
    }
}

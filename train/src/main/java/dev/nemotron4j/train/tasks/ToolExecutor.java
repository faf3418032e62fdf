package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ToolCall;

/** Runs a tool call the model made, as the environment's tools answer it. */
@FunctionalInterface
public interface ToolExecutor {

    /** No tools: every call is answered with an error. */
    ToolExecutor NONE = call -> "{\"error\": \"no tools are available\"}";

    /** The tool message content (JSON text) for {@code call}; an unknown tool or bad arguments give an error object. */
    String execute(ToolCall call);
}

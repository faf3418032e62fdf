package dev.nemotron4j.eval.target;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A function call produced by a model.
 *
 * @param name          function name
 * @param arguments     parsed arguments (a JSON object), or null when they were not valid JSON
 * @param rawArguments  the arguments exactly as the target returned them
 */
public record ToolCall(String name, JsonNode arguments, String rawArguments) {}

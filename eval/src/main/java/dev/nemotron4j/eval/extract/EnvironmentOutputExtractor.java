package dev.nemotron4j.eval.extract;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.target.ToolCall;

/**
 * The whole answer, for the built-in environments' verifiers: canonical JSON
 * {@code {"content": ..., "reasoning": ..., "tool_calls": [{"name": ..., "arguments": {...}}]}} (the verifier decides
 * what counts, so nothing is dropped here). Never "not found": an empty answer is the verifier's to judge.
 */
public record EnvironmentOutputExtractor() implements AnswerExtractor {

    @Override
    public String name() { return "environment_output"; }

    @Override
    public int version() { return 1; }

    @Override
    public Extraction extract(ModelAnswer answer, int choiceCount) {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("content", answer.answerText());
        output.put("reasoning", answer.reasoningText());
        ArrayNode calls = output.putArray("tool_calls");
        for (ToolCall call : answer.toolCalls()) {
            ObjectNode entry = calls.addObject().put("name", call.name());
            if (call.arguments() != null) entry.set("arguments", call.arguments());
            else entry.put("raw_arguments", call.rawArguments());
        }
        return new Extraction(CanonicalJson.canonical(output), "output");
    }
}

package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores with the built-in environments' own exact verifiers ({@code dev.nemotron4j.train.tasks}): the reference is
 * {@code {"environment": NAME, "seed": N, "step": K}}, the task is sampled again from its seed, and the extracted
 * answer ({@link dev.nemotron4j.eval.extract.EnvironmentOutputExtractor}) is judged by turn K's verifier: 1 when
 * correct, else 0.
 */
public record EnvironmentVerdictScorer() implements Scorer {

    @Override
    public String name() { return "environment_verifier"; }

    @Override
    public int version() { return 1; }

    @Override
    public double score(Extraction extracted, JsonNode expected) {
        if (!extracted.found()) return 0;
        Task task = Environments.byName(expected.path("environment").asText()).sample(expected.path("seed").asLong());
        int step = expected.path("step").asInt(0);
        JsonNode output = CanonicalJson.parse(extracted.value());
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : output.path("tool_calls")) {
            JsonNode arguments = call.path("arguments");
            // Arguments that were not a JSON object cannot match an exact call: give the verifier an empty one.
            ObjectNode object = arguments.isObject() ? (ObjectNode) arguments : JsonNodeFactory.instance.objectNode();
            calls.add(new ToolCall(null, call.path("name").asText(), object));
        }
        String content = output.path("content").asText("");
        String reasoning = output.path("reasoning").asText("");
        ParsedOutput parsed = new ParsedOutput(reasoning.isEmpty() ? null : reasoning,
                content.isEmpty() ? null : content, calls, List.of());
        return task.steps().get(step).verifier().verify(parsed).correct() ? 1 : 0;
    }
}

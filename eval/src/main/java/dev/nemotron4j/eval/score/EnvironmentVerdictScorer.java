package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.InventedCity;
import dev.nemotron4j.train.tasks.Task;
import dev.nemotron4j.train.tasks.TaskVariant;
import dev.nemotron4j.train.tasks.Verdict;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores with the built-in environments' own exact verifiers ({@code dev.nemotron4j.train.tasks}): the reference is
 * {@code {"environment": NAME, "seed": N, "step": K}}, the task is sampled again from its seed, and the extracted
 * answer ({@link dev.nemotron4j.eval.extract.EnvironmentOutputExtractor}) is judged by turn K's verifier: 1 when
 * correct, else 0. With {@code "judged": "valid"} (tool calls) it scores instead whether the turn is exactly one
 * well-formed call that the environment's tools accept and run ({@code Task.toolExecutor()} answers without an
 * error: a known tool, arguments of the names and types it takes, units it converts), whatever its arguments' values.
 */
public record EnvironmentVerdictScorer() implements Scorer.Plain {

    /** {@code judged} value: the turn's verifier says correct (the default). */
    public static final String CORRECT = "correct";
    /** {@code judged} value: one well-formed call the environment's tools accept. */
    public static final String VALID = "valid";

    /** The expected field naming the environment's percent of invented cities (absent: 0, the built-in one). */
    public static final String INVENTED_CITY_PERCENT = "invented_city_percent";
    /** The expected field naming how invented names are built (absent: syllables). */
    public static final String INVENTED_CITY_STYLE = "invented_city_style";
    /** The expected field saying the environment's tool messages are in varied JSON spellings (absent: false). */
    public static final String VARIED_TOOL_RESULTS = "varied_tool_results";

    /** Writes {@code variant} into an item's expected answer (only what differs from the built-in environment). */
    public static void record(TaskVariant variant, ObjectNode expected) {
        if (variant.inventedCityPercent() > 0) expected.put(INVENTED_CITY_PERCENT, variant.inventedCityPercent());
        if (variant.cityStyle() != TaskVariant.BUILT_IN.cityStyle()) expected.put(INVENTED_CITY_STYLE, variant.cityStyle().name().toLowerCase());
        if (variant.variedToolResults()) expected.put(VARIED_TOOL_RESULTS, true);
    }

    /** The variant an item's expected answer records ({@link #record}). */
    static TaskVariant variant(JsonNode expected) {
        return new TaskVariant(expected.path(INVENTED_CITY_PERCENT).asInt(0),
                InventedCity.Style.valueOf(expected.path(INVENTED_CITY_STYLE).asText("syllables").toUpperCase()),
                expected.path(VARIED_TOOL_RESULTS).asBoolean(false));
    }

    @Override
    public String name() { return "environment_verifier"; }

    @Override
    public int version() { return 1; }

    @Override
    public double score(Extraction extracted, JsonNode expected) {
        if (!extracted.found()) return 0;
        Task task = variant(expected).of(Environments.byName(expected.path("environment").asText())).sample(expected.path("seed").asLong());
        int step = expected.path("step").asInt(0);
        String judged = expected.path("judged").asText(CORRECT);
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
        Verdict verdict = task.steps().get(step).verifier().verify(parsed);
        return switch (judged) {
            case CORRECT -> verdict.correct() ? 1 : 0;
            case VALID -> verdict.wellFormed() && calls.size() == 1 && accepted(task, calls.getFirst()) ? 1 : 0;
            default -> throw new IllegalArgumentException("environment_verifier: unknown judged value " + judged + " (correct or valid)");
        };
    }

    /** Whether the environment's tools run the call (they answer an unknown tool or bad arguments with an error object). */
    private static boolean accepted(Task task, ToolCall call) {
        JsonNode reply = CanonicalJson.parse(task.toolExecutor().execute(call));
        return reply.isObject() && !reply.has("error");
    }
}

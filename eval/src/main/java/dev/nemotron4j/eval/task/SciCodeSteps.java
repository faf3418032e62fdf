package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A SciCode problem asked step by step as SciCode's own generator asks it: step {@code k}'s prompt shows the earlier
 * steps' descriptions with the code the model wrote for them (or, for the steps SciCode fills in itself, the given
 * code), then step {@code k}'s description, function header and return line. The item's fields hold the problem
 * ({@link #FIELD}); the runner asks the steps in order, feeding each answer's code into the next prompt.
 */
public final class SciCodeSteps {
    /** The item field that holds the steps: {@code [{"step", "description", "next", "prefilled_code"?}, ...]}. */
    public static final String FIELD = "scicode_steps";
    static final String TEMPLATE_FIELD = "scicode_template";

    private SciCodeSteps() {}

    /** Whether the item is a whole problem to be asked step by step. */
    public static boolean isSequential(EvalItem item) {
        return item.fields().has(FIELD);
    }

    public static int count(EvalItem item) {
        return item.fields().get(FIELD).size();
    }

    /** The code SciCode itself puts in for step {@code s}, or null when the model writes it. */
    public static String prefilled(EvalItem item, int s) {
        JsonNode code = item.fields().get(FIELD).get(s).get("prefilled_code");
        return code == null || code.isNull() ? null : code.asText();
    }

    /**
     * The item to render for step {@code s}: the problem's fields with {@code prompt} set to the step's SciCode prompt.
     *
     * @param earlier the code of steps {@code 0..s-1}
     */
    public static EvalItem step(EvalItem item, int s, List<String> earlier) {
        JsonNode steps = item.fields().get(FIELD);
        List<String> shown = new ArrayList<>();
        for (int e = 0; e < s; e++) shown.add(steps.get(e).get("description").asText() + "\n\n" + earlier.get(e));
        String problemSteps = String.join("\n\n------\n\n", shown);
        String dependencies = item.fields().path("dependencies").asText();
        String prompt = item.fields().get(TEMPLATE_FIELD).asText().replace("{{problem_steps}}", problemSteps)
                .replace("{{next_step}}", steps.get(s).get("next").asText()).replace("{{dependencies}}", dependencies);
        ObjectNode fields = item.fields().deepCopy();
        fields.put("prompt", prompt);
        fields.put("step", steps.get(s).get("step").asText());
        return new EvalItem(item.id(), item.index(), fields, item.expected(), 0);
    }

    /** The fields of a problem item. */
    static ObjectNode fields(String problem, String dependencies, String template, ArrayNode steps) {
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.put("problem_id", problem);
        f.put("dependencies", dependencies);
        f.put(TEMPLATE_FIELD, template);
        f.set(FIELD, steps);
        // the first step's prompt stands for the problem where one prompt is asked for (estimates, the lock's digests)
        f.put("prompt", step(new EvalItem(problem, 0, f, null, 0), 0, List.of()).fields().get("prompt").asText());
        return f;
    }
}

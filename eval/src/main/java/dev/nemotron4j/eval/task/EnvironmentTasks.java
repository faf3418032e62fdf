package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.eval.config.EvalConfig.GenerationConfig;
import dev.nemotron4j.eval.config.EvalConfig.TaskConfig;
import dev.nemotron4j.eval.extract.EnvironmentOutputExtractor;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.score.EnvironmentVerdictScorer;
import dev.nemotron4j.eval.target.ReasoningMode;
import dev.nemotron4j.train.tasks.DataSplit;
import dev.nemotron4j.train.tasks.Environment;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.InventedCity;
import dev.nemotron4j.train.tasks.TaskVariant;
import dev.nemotron4j.train.tasks.Step;
import dev.nemotron4j.train.tasks.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The default model's environments as built-in tasks ({@code arithmetic}, {@code tool_use},
 * {@code instruction_following}): items are the held-out seeds {@code EVAL.seed(0..count-1)} (count: the task's
 * limit, else {@code params.count}, else {@value #DEFAULT_COUNT}), the prompt is the task's user question (and, for
 * tool use, its tools), and the environment's exact verifier scores the answer.
 *
 * <p>Tool use is a round trip, scored as three tasks named {@code NAME/METRIC} ({@link ToolUseMetric}):
 * {@code call_valid} and {@code call_exact} ask for the first turn, the call (valid: one call the environment's tools
 * accept; exact: the expected function with exactly the expected arguments); {@code answer_uses_result} asks for the
 * turn after the tool response — the prompt holds the question, the reference call (with its reasoning unless the
 * task's reasoning is off, as in training; {@code params.resend_reasoning: false} leaves it out, as a client that drops
 * {@code reasoning_content} does) and the tool's reply — and scores whether the answer uses the tool's value. The two call metrics judge the same request twice (one sample each).
 */
final class EnvironmentTasks {

    static final int DEFAULT_COUNT = 200;

    /** The families these tasks answer to: the environments' names. */
    static final Set<String> FAMILIES = Set.copyOf(Environments.ALL.stream().map(Environment::name).toList());

    /** The item field holding the turns between the question and the asked-for turn (tool use's second turn). */
    static final String EXCHANGE_FIELD = "exchange";

    /** The metrics the tool-use round trip is reported as: one task each, {@code NAME/METRIC}. */
    enum ToolUseMetric {
        /** Turn 1: exactly one call, which the environment's tools accept (a known tool, arguments they can run). */
        CALL_VALID("call_valid", 0, EnvironmentVerdictScorer.VALID),
        /** Turn 1: the expected function with exactly the expected arguments (the turn-1 verifier). */
        CALL_EXACT("call_exact", 0, EnvironmentVerdictScorer.CORRECT),
        /** Turn 2, after the reference call and the tool's reply: an answer that uses the tool's value. */
        ANSWER_USES_RESULT("answer_uses_result", 1, EnvironmentVerdictScorer.CORRECT);

        final String key;
        final int step;
        final String judged;

        ToolUseMetric(String key, int step, String judged) {
            this.key = key;
            this.step = step;
            this.judged = judged;
        }
    }

    private EnvironmentTasks() {
    }

    /** The task's definitions: one, or for tool use one per {@link ToolUseMetric}. */
    static List<TaskDefinition> definitions(TaskConfig task, String family, GenerationConfig generation, int repeats, Integer limit) {
        Environment environment = Environments.byName(family);
        TaskParams params = TaskParams.of(task);
        int count = limit != null ? limit : (int) params.integer("count", 1, DataSplit.EVAL.size(), DEFAULT_COUNT);
        if (count <= 0 || count > DataSplit.EVAL.size()) {
            throw new IllegalArgumentException("task " + task.name() + ": count must be 1.." + DataSplit.EVAL.size() + ", got " + count);
        }
        PromptTemplate prompt = task.prompt() != null && !task.prompt().isNull() && !task.prompt().isMissingNode()
                ? PromptTemplate.fromConfig(task.prompt()) : PromptTemplate.ofUser("{{question}}");
        // params.invented_city_percent: weather questions about invented cities (copying, not recall of the training list)
        int inventedPercent = params.intValue(EnvironmentVerdictScorer.INVENTED_CITY_PERCENT, 0, 100, 0);
        // params.varied_tool_results: tool messages in varied JSON spellings ({"temp_c":21}, pretty-printed…)
        boolean variedResults = params.bool(EnvironmentVerdictScorer.VARIED_TOOL_RESULTS, false);
        // params.invented_city_style: syllables (default) or varied (names closer to real ones)
        String style = params.string(EnvironmentVerdictScorer.INVENTED_CITY_STYLE, "syllables");
        if (!style.equals("syllables") && !style.equals("varied")) {
            throw new IllegalArgumentException("task " + task.name() + ": params.invented_city_style must be syllables or varied, got " + style);
        }
        TaskVariant variant = new TaskVariant(inventedPercent, InventedCity.Style.valueOf(style.toUpperCase()), variedResults);
        environment = variant.of(environment);
        List<Task> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) tasks.add(Environments.task(environment, DataSplit.EVAL, i));
        if (!family.equals("tool_use")) {
            return List.of(definition(task.name(), family, tasks, 0, EnvironmentVerdictScorer.CORRECT, false, prompt, generation, repeats,
                    Map.of("base_task", task.name()), variant));
        }
        // the call's reasoning goes back with it unless reasoning is off, or params.resend_reasoning is false (a client
        // that drops reasoning_content: the template then shows the call after an empty <think></think>)
        boolean reasoning = generation.reasoning() != ReasoningMode.OFF && params.bool("resend_reasoning", true);
        List<TaskDefinition> out = new ArrayList<>();
        for (ToolUseMetric metric : ToolUseMetric.values()) {
            out.add(definition(task.name() + "/" + metric.key, family, tasks, metric.step, metric.judged, reasoning,
                    metric.step == 0 ? prompt : prompt.withFollowUp(EXCHANGE_FIELD), generation, repeats,
                    Map.of("base_task", task.name(), "tool_use_metric", metric.key), variant));
        }
        return out;
    }

    private static TaskDefinition definition(String name, String family, List<Task> tasks, int step, String judged, boolean reasoning,
                                             PromptTemplate prompt, GenerationConfig generation, int repeats, Map<String, Object> axis,
                                             TaskVariant variant) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        List<EvalItem> items = new ArrayList<>(tasks.size());
        StringBuilder hashInput = new StringBuilder();
        boolean withTools = false;
        for (int i = 0; i < tasks.size(); i++) {
            Task sampled = tasks.get(i);
            ObjectNode row = nodes.objectNode().put("question", sampled.question());
            if (!sampled.tools().isEmpty()) {
                ArrayNode tools = row.putArray("tools");
                for (ToolDefinition tool : sampled.tools()) tools.add(tool.json());
                withTools = true;
            }
            if (step > 0) row.set(EXCHANGE_FIELD, exchange(sampled, step, reasoning));
            ObjectNode expected = nodes.objectNode().put("environment", sampled.environment()).put("seed", sampled.seed()).put("step", step);
            if (!judged.equals(EnvironmentVerdictScorer.CORRECT)) expected.put("judged", judged);
            EnvironmentVerdictScorer.record(variant, expected);
            row.set("expected", expected);
            items.add(new EvalItem(String.valueOf(sampled.seed()), i, row, expected, 0));
            hashInput.append(Sha256.ofCanonical(row)).append('\n');
        }
        return new TaskDefinition(name, family, items, prompt, null, withTools ? "tools" : null,
                new EnvironmentOutputExtractor(), new EnvironmentVerdictScorer(), generation, repeats, false,
                Sha256.hex(hashInput.toString()), null, axis, null);
    }

    /**
     * The turns between the question and assistant turn {@code step}, as the model was trained to see them
     * ({@code Task.prompt(step, reasoning)}): each earlier reference turn — its tool calls and, with reasoning on, its
     * reasoning, sent back as {@code reasoning_content} (the template keeps the reasoning of the turns after the last
     * user message) — and the tool replies to it. The calls' ids are those an OpenAI-compatible target numbers them
     * with ({@code call_0}, ...), so the replies point at them.
     */
    private static ArrayNode exchange(Task task, int step, boolean reasoning) {
        ArrayNode turns = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < step; i++) {
            Step earlier = task.steps().get(i);
            ChatMessage reference = earlier.reference(reasoning);
            ObjectNode assistant = turns.addObject().put("role", ChatMessage.ASSISTANT).put("content", reference.content());
            if (reference.reasoningContent() != null) assistant.put("reasoning_content", reference.reasoningContent());
            ArrayNode calls = assistant.putArray("tool_calls");
            List<String> ids = new ArrayList<>();
            for (ToolCall call : reference.toolCalls()) {
                calls.addObject().put("name", call.name()).set("arguments", call.arguments());
                ids.add(call.id());
            }
            for (ChatMessage reply : earlier.replies()) {
                int index = ids.indexOf(reply.toolCallId());
                turns.addObject().put("role", reply.role()).put("content", reply.content())
                        .put("tool_call_id", "call_" + Math.max(0, index));
            }
        }
        return turns;
    }
}

package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.eval.config.EvalConfig.GenerationConfig;
import dev.nemotron4j.eval.config.EvalConfig.TaskConfig;
import dev.nemotron4j.eval.extract.EnvironmentOutputExtractor;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.score.EnvironmentVerdictScorer;
import dev.nemotron4j.train.tasks.DataSplit;
import dev.nemotron4j.train.tasks.Environment;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The default model's environments as built-in tasks ({@code arithmetic}, {@code tool_use},
 * {@code instruction_following}): items are the held-out seeds {@code EVAL.seed(0..count-1)} (count: the task's
 * limit, else {@code params.count}, else {@value #DEFAULT_COUNT}), the prompt is the task's user question (and, for
 * tool use, its tools), and the environment's exact verifier scores the answer. Tool use is scored on its first turn
 * (one call with exact arguments); the turn after the tool response needs a multi-turn prompt, which task prompts do
 * not carry yet.
 */
final class EnvironmentTasks {

    static final int DEFAULT_COUNT = 200;

    /** The families these tasks answer to: the environments' names. */
    static final Set<String> FAMILIES = Set.copyOf(Environments.ALL.stream().map(Environment::name).toList());

    private EnvironmentTasks() {
    }

    static TaskDefinition definition(TaskConfig task, String family, GenerationConfig generation, int repeats, Integer limit) {
        Environment environment = Environments.byName(family);
        Object countParam = task.params() == null ? null : task.params().get("count");
        int count = limit != null ? limit : countParam instanceof Number n ? n.intValue() : DEFAULT_COUNT;
        if (count <= 0 || count > DataSplit.EVAL.size()) {
            throw new IllegalArgumentException("task " + task.name() + ": count must be 1.." + DataSplit.EVAL.size() + ", got " + count);
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        List<EvalItem> items = new ArrayList<>(count);
        StringBuilder hashInput = new StringBuilder();
        boolean withTools = false;
        for (int i = 0; i < count; i++) {
            Task sampled = Environments.task(environment, DataSplit.EVAL, i);
            ObjectNode row = nodes.objectNode().put("question", sampled.question());
            if (!sampled.tools().isEmpty()) {
                ArrayNode tools = row.putArray("tools");
                for (ToolDefinition tool : sampled.tools()) tools.add(tool.json());
                withTools = true;
            }
            ObjectNode expected = nodes.objectNode().put("environment", environment.name()).put("seed", sampled.seed()).put("step", 0);
            row.set("expected", expected);
            items.add(new EvalItem(String.valueOf(sampled.seed()), i, row, expected, 0));
            hashInput.append(Sha256.ofCanonical(row)).append('\n');
        }
        PromptTemplate prompt = task.prompt() != null && !task.prompt().isNull() && !task.prompt().isMissingNode()
                ? PromptTemplate.fromConfig(task.prompt()) : PromptTemplate.ofUser("{{question}}");
        return new TaskDefinition(task.name(), family, items, prompt, null, withTools ? "tools" : null,
                new EnvironmentOutputExtractor(), new EnvironmentVerdictScorer(), generation, repeats, false,
                Sha256.hex(hashInput.toString()), null, Map.of("base_task", task.name()), null);
    }
}

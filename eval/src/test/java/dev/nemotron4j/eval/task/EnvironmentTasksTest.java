package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.extract.AnswerExtractor;
import dev.nemotron4j.eval.extract.ModelAnswer;
import dev.nemotron4j.eval.score.Scorer;
import dev.nemotron4j.eval.target.TokenCounter;
import dev.nemotron4j.eval.target.ToolCall;
import dev.nemotron4j.train.tasks.DataSplit;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.Task;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default model's environments as built-in eval tasks, scored by their own verifiers. */
class EnvironmentTasksTest {

    private static List<TaskDefinition> build(Map<String, Object> task) {
        var tree = ConfigLoader.defaults();
        tree.put("tasks", List.of(task));
        return new TaskFactory(ConfigLoader.bind(tree), TokenCounter.approximate()).build();
    }

    @Test
    void itemsAreTheHeldOutSeedsWithTheTasksQuestionAndTools() {
        TaskDefinition arithmetic = build(Map.of("name", "arithmetic", "limit", 7)).getFirst();
        assertThat(arithmetic.family()).isEqualTo("arithmetic");
        assertThat(arithmetic.items()).hasSize(7);
        assertThat(arithmetic.toolsField()).isNull();
        for (EvalItem item : arithmetic.items()) {
            Task task = Environments.byName("arithmetic").sample(DataSplit.EVAL.seed(item.index()));
            assertThat(item.fields().get("question").asText()).isEqualTo(task.question());
            assertThat(item.expected().get("seed").asLong()).isEqualTo(task.seed());
        }
        TaskDefinition tools = build(Map.of("name", "tool_use", "params", Map.of("count", 3))).getFirst();
        assertThat(tools.items()).hasSize(3);
        assertThat(tools.toolsField()).isEqualTo("tools");
        assertThat(tools.items().getFirst().fields().get("tools")).hasSize(2);
        assertThat(build(Map.of("name", "instruction_following")).getFirst().items()).hasSize(EnvironmentTasks.DEFAULT_COUNT);
        assertThatThrownBy(() -> build(Map.of("name", "arithmetic", "limit", 0))).hasMessageContaining("count must be");
    }

    @Test
    void theReferenceAnswersScoreOneAndNearMissesZero() {
        for (String environment : List.of("arithmetic", "tool_use", "instruction_following")) {
            TaskDefinition definition = build(Map.of("name", environment, "limit", 40)).getFirst();
            // Looked up by name, as a rescoring run does from the lockfile.
            AnswerExtractor extractor = AnswerExtractor.named(definition.extractor().name(), null);
            Scorer scorer = Scorer.named(definition.scorer().name());
            for (EvalItem item : definition.items()) {
                Task task = Environments.byName(environment).sample(item.expected().get("seed").asLong());
                for (boolean reasoning : new boolean[] {true, false}) {
                    ChatMessage reference = task.steps().getFirst().reference(reasoning);
                    ModelAnswer answer = answer(reference, reference.content());
                    assertThat(scorer.score(extractor.extract(answer, 0), item.expected())).as(environment + " " + item.id()).isEqualTo(1.0);
                }
                ChatMessage reference = task.steps().getFirst().withoutReasoning();
                ModelAnswer wrong = switch (environment) {
                    case "arithmetic" -> ModelAnswer.ofText(reference.content().replace("is ", "is 1"));
                    case "tool_use" -> answer(new ChatMessage("assistant", "", null,
                            List.of(dev.nemotron4j.chat.ToolCall.of("c", reference.toolCalls().getFirst().name(),
                                    mutated(reference.toolCalls().getFirst().arguments()))), null), "");
                    default -> ModelAnswer.ofText("Nothing to say, really, at all, none whatsoever, I am afraid, sorry, truly, "
                            + "truly, truly, truly, truly, truly, truly, truly, truly, truly, truly, truly, truly.");
                };
                assertThat(scorer.score(extractor.extract(wrong, 0), item.expected())).as(environment + " " + item.id()).isZero();
            }
        }
    }

    private static ObjectNode mutated(ObjectNode arguments) {
        String first = arguments.fieldNames().next();
        if (arguments.get(first).isTextual()) arguments.put(first, arguments.get(first).asText().toLowerCase() + "x");
        else arguments.put(first, arguments.get(first).decimalValue().add(java.math.BigDecimal.ONE));
        return arguments;
    }

    private static ModelAnswer answer(ChatMessage reference, String content) {
        List<ToolCall> calls = reference.toolCalls().stream()
                .map(c -> new ToolCall(c.name(), c.arguments(), c.argumentsJson())).toList();
        return new ModelAnswer(content, reference.reasoningContent(), calls);
    }
}

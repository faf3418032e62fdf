package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.template.NemotronChatFormat;
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
        List<TaskDefinition> toolUse = build(Map.of("name", "tool_use", "params", Map.of("count", 3)));
        assertThat(toolUse).extracting(TaskDefinition::name)
                .containsExactly("tool_use/call_valid", "tool_use/call_exact", "tool_use/answer_uses_result");
        for (TaskDefinition tools : toolUse) {
            assertThat(tools.family()).isEqualTo("tool_use");
            assertThat(tools.items()).hasSize(3);
            assertThat(tools.toolsField()).isEqualTo("tools");
            assertThat(tools.items().getFirst().fields().get("tools")).hasSize(2);
            assertThat(tools.axis()).containsEntry("base_task", "tool_use");
        }
        assertThat(toolUse.get(2).items()).allSatisfy(item -> assertThat(item.expected().get("step").asInt()).isEqualTo(1));
        assertThat(build(Map.of("name", "instruction_following")).getFirst().items()).hasSize(EnvironmentTasks.DEFAULT_COUNT);
        assertThatThrownBy(() -> build(Map.of("name", "arithmetic", "limit", 0))).hasMessageContaining("count must be");
    }

    @Test
    void theReferenceAnswersScoreOneAndNearMissesZero() {
        for (String environment : List.of("arithmetic", "tool_use", "instruction_following")) {
            for (TaskDefinition definition : build(Map.of("name", environment, "limit", 40))) {
                // Looked up by name, as a rescoring run does from the lockfile.
                AnswerExtractor extractor = AnswerExtractor.named(definition.extractor().name(), null);
                Scorer scorer = Scorer.named(definition.scorer().name());
                for (EvalItem item : definition.items()) {
                    Task task = Environments.byName(environment).sample(item.expected().get("seed").asLong());
                    int step = item.expected().get("step").asInt();
                    String what = definition.name() + " " + item.id();
                    for (boolean reasoning : new boolean[] {true, false}) {
                        ChatMessage reference = task.steps().get(step).reference(reasoning);
                        ModelAnswer answer = answer(reference, reference.content());
                        assertThat(scorer.score(extractor.extract(answer, 0), item.expected())).as(what).isEqualTo(1.0);
                    }
                    ChatMessage reference = task.steps().get(step).withoutReasoning();
                    double nearMiss = scorer.score(extractor.extract(nearMiss(definition.name(), reference), 0), item.expected());
                    // a call with the wrong values is still a valid call; everything else is wrong
                    assertThat(nearMiss).as(what).isEqualTo(definition.name().endsWith("/call_valid") ? 1.0 : 0.0);
                    if (definition.name().endsWith("/call_valid")) {
                        ChatMessage call = task.steps().getFirst().withoutReasoning();
                        var args = call.toolCalls().getFirst().arguments().deepCopy();
                        args.put("unit", "km");
                        ToolCall right = answer(call, "").toolCalls().getFirst();
                        for (ModelAnswer invalid : List.of(
                                new ModelAnswer("", "", List.of(new ToolCall("get_time", right.arguments(), right.rawArguments()))),
                                new ModelAnswer("", "", List.of(new ToolCall(right.name(), args, args.toString()))),
                                new ModelAnswer("", "", List.of(new ToolCall(right.name(), null, "{oops"))),
                                new ModelAnswer("", "", List.of(right, right)),
                                ModelAnswer.ofText("It is sunny."))) {
                            assertThat(scorer.score(extractor.extract(invalid, 0), item.expected())).as(what + " " + invalid).isZero();
                        }
                    }
                }
            }
        }
    }

    /**
     * params.invented_city_percent: the weather questions are about invented cities, the expected answer says so, and
     * the scorer judges against that same environment (the built-in one's call for another city scores zero).
     */
    @Test
    void inventedCitiesAreAskedAndJudgedByTheSameEnvironment() {
        List<TaskDefinition> invented = build(Map.of("name", "tool_use", "limit", 30, "params", Map.of("invented_city_percent", 100)));
        TaskDefinition exact = invented.get(1);
        assertThat(exact.name()).isEqualTo("tool_use/call_exact");
        Scorer scorer = Scorer.named(exact.scorer().name());
        AnswerExtractor extractor = AnswerExtractor.named(exact.extractor().name(), null);
        int weather = 0;
        for (EvalItem item : exact.items()) {
            assertThat(item.expected().get("invented_city_percent").asInt()).isEqualTo(100);
            Task task = Environments.byName("tool_use").with(new dev.nemotron4j.train.tasks.TaskVariant(100, dev.nemotron4j.train.tasks.InventedCity.Style.SYLLABLES, false)).sample(item.expected().get("seed").asLong());
            Task builtIn = Environments.byName("tool_use").sample(item.expected().get("seed").asLong());
            assertThat(item.fields().get("question").asText()).isEqualTo(task.question());
            ChatMessage call = task.steps().getFirst().withoutReasoning();
            assertThat(scorer.score(extractor.extract(answer(call, ""), 0), item.expected())).isEqualTo(1.0);
            if (task.question().startsWith("What is the weather in ")) {
                weather++;
                String city = call.toolCalls().getFirst().arguments().get("city").asText();
                assertThat(dev.nemotron4j.train.tasks.ToolUseEnvironment.CITIES).doesNotContain(city);
                ChatMessage listCall = builtIn.steps().getFirst().withoutReasoning();
                assertThat(scorer.score(extractor.extract(answer(listCall, ""), 0), item.expected())).isZero();
            }
        }
        assertThat(weather).isGreaterThan(5);
        assertThatThrownBy(() -> build(Map.of("name", "tool_use", "params", Map.of("invented_city_percent", 101))))
                .hasMessageContaining("params.invented_city_percent must be an integer 0..100");
    }

    /**
     * params.varied_tool_results: the answer turn's exchange carries the tool message in the task's own spelling,
     * the expected field says so, and a non-boolean value is refused.
     */
    @Test
    void variedToolResultsReachTheExchangeAndTheExpectedField() {
        List<TaskDefinition> varied = build(Map.of("name", "tool_use", "limit", 40, "params", Map.of("varied_tool_results", true)));
        TaskDefinition answer = varied.getLast();
        assertThat(answer.name()).isEqualTo("tool_use/answer_uses_result");
        java.util.Set<String> compact = new java.util.HashSet<>();
        for (EvalItem item : answer.items()) {
            assertThat(item.expected().get("varied_tool_results").asBoolean()).isTrue();
            Task task = Environments.byName("tool_use").with(new dev.nemotron4j.train.tasks.TaskVariant(0, dev.nemotron4j.train.tasks.InventedCity.Style.SYLLABLES, true)).sample(item.expected().get("seed").asLong());
            String message = task.steps().getFirst().replies().getFirst().content();
            assertThat(item.fields().toString()).contains(new com.fasterxml.jackson.databind.node.TextNode(message).toString());
            if (!message.contains(": ")) compact.add(message);
        }
        assertThat(compact).isNotEmpty();
        assertThat(build(Map.of("name", "tool_use", "limit", 5)).getLast().items().getFirst().expected().has("varied_tool_results")).isFalse();
        assertThatThrownBy(() -> build(Map.of("name", "tool_use", "params", Map.of("varied_tool_results", "yes"))))
                .hasMessageContaining("params.varied_tool_results must be true or false");
        // varied invented names: recorded in expected, and the scorer judges against the same names
        TaskDefinition exact = build(Map.of("name", "tool_use", "limit", 20, "params",
                Map.of("invented_city_percent", 100, "invented_city_style", "varied"))).get(1);
        Scorer scorer = Scorer.named(exact.scorer().name());
        AnswerExtractor extractor = AnswerExtractor.named(exact.extractor().name(), null);
        for (EvalItem item : exact.items()) {
            assertThat(item.expected().get("invented_city_style").asText()).isEqualTo("varied");
            Task task = Environments.byName("tool_use")
                    .with(new dev.nemotron4j.train.tasks.TaskVariant(100, dev.nemotron4j.train.tasks.InventedCity.Style.VARIED, false)).sample(item.expected().get("seed").asLong());
            assertThat(item.fields().get("question").asText()).isEqualTo(task.question());
            assertThat(scorer.score(extractor.extract(answer(task.steps().getFirst().withoutReasoning(), ""), 0), item.expected())).isEqualTo(1.0);
        }
        assertThatThrownBy(() -> build(Map.of("name", "tool_use", "params", Map.of("invented_city_style", "real"))))
                .hasMessageContaining("params.invented_city_style must be syllables or varied");
    }

    /** A near miss of the reference turn: another number, a changed argument, a reply that breaks the constraint. */
    private static ModelAnswer nearMiss(String definition, ChatMessage reference) {
        if (definition.startsWith("arithmetic")) return ModelAnswer.ofText(reference.content().replace("is ", "is 1"));
        if (definition.endsWith("/answer_uses_result")) return ModelAnswer.ofText(reference.content().replaceAll("(?<!\\d)(\\d)", "9$1"));
        if (definition.startsWith("tool_use")) {
            return answer(new ChatMessage("assistant", "", null, List.of(dev.nemotron4j.chat.ToolCall.of("c",
                    reference.toolCalls().getFirst().name(), mutated(reference.toolCalls().getFirst().arguments().deepCopy()))), null), "");
        }
        return ModelAnswer.ofText("Nothing to say, really, at all, none whatsoever, I am afraid, sorry, truly, "
                + "truly, truly, truly, truly, truly, truly, truly, truly, truly, truly, truly, truly.");
    }

    @Test
    void theAnswerTurnIsAskedAfterTheReferenceCallAndTheToolsReplyAsTheModelWasTrained() {
        for (boolean reasoning : new boolean[] {true, false}) {
            Map<String, Object> task = Map.of("name", "tool_use", "limit", 12, "generation", Map.of("reasoning", reasoning ? "on" : "off"));
            assertAnswerTurnPromptsAreTheEnvironments(build(task).get(2), reasoning);
        }
        // reasoning left to the target: Nemotron's default is on
        assertAnswerTurnPromptsAreTheEnvironments(build(Map.of("name", "tool_use", "limit", 3)).get(2), true);
        // a client that drops reasoning_content: the call is sent back alone
        TaskDefinition dropped = build(Map.of("name", "tool_use", "limit", 3, "params", Map.of("resend_reasoning", false))).get(2);
        assertThat(dropped.items()).allSatisfy(item -> assertThat(dropped.prompt().render(item, null).get(1).reasoningContent()).isNull());
        assertThatThrownBy(() -> build(Map.of("name", "tool_use", "params", Map.of("resend_reasoning", "no"))))
                .hasMessageContaining("params.resend_reasoning must be true or false");
    }

    private static void assertAnswerTurnPromptsAreTheEnvironments(TaskDefinition answers, boolean reasoning) {
        for (EvalItem item : answers.items()) {
            Task task = Environments.byName("tool_use").sample(item.expected().get("seed").asLong());
            List<dev.nemotron4j.eval.target.ChatMessage> sent = answers.prompt().render(item, null);
            assertThat(sent).extracting(dev.nemotron4j.eval.target.ChatMessage::role).containsExactly("user", "assistant", "tool");
            assertThat(sent.get(2).toolCallId()).isEqualTo("call_0");
            // rendered as the in-process target renders a request: the same prompt as the environment's own for turn 2
            assertThat(sent.get(1).reasoningContent()).isEqualTo(reasoning ? task.steps().getFirst().withReasoning().reasoningContent() : null);
            List<ChatMessage> chat = sent.stream().map(m -> new ChatMessage(m.role(), m.content(), m.reasoningContent(), m.toolCalls().stream()
                    .map(c -> dev.nemotron4j.chat.ToolCall.of(null, c.name(), (ObjectNode) c.arguments())).toList(), m.toolCallId())).toList();
            String ours = NemotronChatFormat.render(chat, task.tools(), new ChatRequestOptions(reasoning, true, true));
            assertThat(ours).as(item.id()).isEqualTo(NemotronChatFormat.render(task.prompt(1, reasoning)));
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

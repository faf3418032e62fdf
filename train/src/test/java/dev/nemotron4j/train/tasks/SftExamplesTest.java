package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.template.NemotronChatFormat;
import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.Fixtures;
import dev.nemotron4j.train.tasks.SftExample.Variant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SftExamplesTest {

    private static final String END_OF_TURN = "<|im_end|>\n";
    private static SftExamples examples;

    @BeforeAll
    static void load() throws IOException {
        Tokenizer tokenizer = Tokenizer.load(Fixtures.dir("tiny-a").resolve("tokenizer.json"));
        examples = new SftExamples(Environments.ALL, new BudgetTruncation(tokenizer));
    }

    @Test
    void theMixIsDeterministicAndHasEveryVariantAndEnvironment() {
        Set<Variant> variants = EnumSet.noneOf(Variant.class);
        Set<String> environments = new HashSet<>();
        for (long i = 0; i < 300; i++) {
            SftExample example = examples.example(i);
            assertThat(examples.example(i)).isEqualTo(example);
            assertThat(DataSplit.of(example.seed())).isEqualTo(DataSplit.SFT);
            variants.add(example.variant());
            environments.add(example.environment());
            assertThat(example.conversation().options().addGenerationPrompt()).isFalse();
        }
        assertThat(variants).containsExactlyInAnyOrder(Variant.values());
        assertThat(environments).containsExactlyInAnyOrder("arithmetic", "tool_use", "instruction_following");
    }

    /** Weights of 1 are the plain mix; a weight of 4 gives four examples per cycle, each with its own seed. */
    @Test
    void aWeightedMixCyclesEnvironmentsByWeightWithDistinctSeeds() throws IOException {
        Tokenizer tokenizer = Tokenizer.load(Fixtures.dir("tiny-a").resolve("tokenizer.json"));
        java.util.Map<Environment, Integer> ones = new java.util.LinkedHashMap<>();
        for (Environment environment : Environments.ALL) ones.put(environment, 1);
        SftExamples plain = SftExamples.weighted(ones, new BudgetTruncation(tokenizer));
        for (long i = 0; i < 60; i++) assertThat(plain.example(i)).isEqualTo(examples.example(i));

        java.util.Map<Environment, Integer> weights = new java.util.LinkedHashMap<>();
        weights.put(Environments.byName("arithmetic"), 4);
        weights.put(Environments.byName("tool_use"), 1);
        weights.put(Environments.byName("instruction_following"), 1);
        SftExamples weighted = SftExamples.weighted(weights, new BudgetTruncation(tokenizer));
        Set<Long> arithmeticSeeds = new HashSet<>();
        List<String> firstCycle = new java.util.ArrayList<>();
        for (long i = 0; i < 600; i++) {
            SftExample example = weighted.example(i);
            if (i < 6) firstCycle.add(example.environment());
            if (example.environment().equals("arithmetic")) assertThat(arithmeticSeeds.add(example.seed())).as("seed of example %d", i).isTrue();
        }
        assertThat(firstCycle).containsExactly("arithmetic", "arithmetic", "arithmetic", "arithmetic", "tool_use", "instruction_following");
        assertThat(arithmeticSeeds).hasSize(400);
        // the seeds are the first 400 of the SFT range: index (i / 6) * 4 + rank
        assertThat(arithmeticSeeds).containsAll(java.util.stream.LongStream.range(0, 400).mapToObj(DataSplit.SFT::seed).toList());
        assertThat(weighted.example(7).seed()).isEqualTo(DataSplit.SFT.seed(5));
    }

    /**
     * Every example's last assistant turn, rendered, continues its own generation prompt, and what a model would
     * generate there passes the task's verifier (budget-cut traces included: the answer still follows).
     */
    @Test
    void everyExampleEndsWithAVerifiedAssistantTurn() {
        for (long i = 0; i < 300; i++) {
            SftExample example = examples.example(i);
            ChatRequest conversation = example.conversation();
            List<ChatMessage> messages = conversation.messages();
            ChatMessage last = messages.getLast();
            assertThat(last.is(ChatMessage.ASSISTANT)).isTrue();
            boolean reasoning = conversation.options().enableThinking();
            String prompt = NemotronChatFormat.render(messages.subList(0, messages.size() - 1), conversation.tools(),
                    new ChatRequestOptions(reasoning, true, true));
            String full = NemotronChatFormat.render(conversation);
            assertThat(full).as(example.variant() + " " + i).startsWith(prompt).endsWith(END_OF_TURN);
            String output = full.substring(prompt.length(), full.length() - END_OF_TURN.length());

            Task task = Environments.byName(example.environment()).sample(example.seed());
            int step = last.toolCalls().isEmpty() ? task.lastStep() : 0;
            Verdict verdict = new Task(task.environment(), task.seed(), task.opening(), conversation.tools(), task.steps(),
                    task.toolExecutor()).verify(step, output, reasoning);
            assertThat(verdict.correct()).as(example.variant() + " " + i + ": " + output + " -> " + verdict.reason()).isTrue();
            if (example.variant() == Variant.BUDGET_TRUNCATED) {
                assertThat(output).contains(".\n\n</think>\n");
                assertThat(last.reasoningContent()).endsWith(".\n");
            }
            if (example.variant() == Variant.REASONING_OFF) assertThat(output).doesNotContain("<think>", "</think>");
        }
    }

    @Test
    void historyTurnsRenderWithTruncatedThinking() {
        Task earlier = new ArithmeticEnvironment().sample(DataSplit.SFT.seed(5));
        Task current = new ToolUseEnvironment().sample(DataSplit.SFT.seed(5));
        SftExample example = SftExamples.withHistory(earlier, current, true);
        String rendered = NemotronChatFormat.render(example.conversation());
        String earlierReasoning = earlier.steps().getFirst().withReasoning().reasoningContent();
        assertThat(rendered).doesNotContain(earlierReasoning)
                // The template keeps the newline that followed </think>: "<think></think>\n" + answer.
                .contains("<|im_start|>assistant\n<think></think>\n" + earlier.steps().getFirst().withReasoning().content() + END_OF_TURN)
                .contains(current.steps().getFirst().withReasoning().reasoningContent())
                .contains(current.steps().getLast().withReasoning().reasoningContent());
        assertThat(example.conversation().tools()).hasSize(2);
        assertThat(example.firstTrainedMessage()).isEqualTo(2);
        assertThat(example.conversation().messages().get(2).content()).isEqualTo(current.question());
        assertThat(SftExamples.of(current, true).firstTrainedMessage()).isZero();
    }

    @Test
    void reasoningOnAndOffAreTheSameProblem() {
        Task task = new InstructionFollowingEnvironment().sample(DataSplit.SFT.seed(9));
        String on = NemotronChatFormat.render(SftExamples.of(task, true).conversation());
        String off = NemotronChatFormat.render(SftExamples.of(task, false).conversation());
        String answer = task.steps().getFirst().withoutReasoning().content();
        assertThat(on).endsWith("\n</think>\n" + answer + END_OF_TURN).contains("<|im_start|>assistant\n<think>\n");
        assertThat(off).endsWith("<|im_start|>assistant\n<think></think>" + answer + END_OF_TURN);
    }

    @Test
    void pretrainingDocumentsCycleThroughTheEnvironments() {
        assertThat(Environments.pretrainingDocument(0)).startsWith("What is ");
        assertThat(Environments.pretrainingDocument(1)).matches("(?s)(What is the weather in|Convert) .*");
        assertThat(Environments.pretrainingDocument(2)).startsWith("About ");
        assertThat(Environments.pretrainingDocument(3)).isEqualTo(Environments.pretrainingDocument(3))
                .isNotEqualTo(Environments.pretrainingDocument(0));
        assertThat(Environments.mixedTask(DataSplit.RL, 4).environment()).isEqualTo("tool_use");
        assertThat(Environments.evaluationSet(Environments.byName("arithmetic"), 3)).extracting(Task::seed)
                .containsExactly(DataSplit.EVAL.seed(0), DataSplit.EVAL.seed(1), DataSplit.EVAL.seed(2));
    }
}

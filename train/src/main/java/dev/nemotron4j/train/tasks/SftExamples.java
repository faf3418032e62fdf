package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.budget.ThinkingBudget;
import dev.nemotron4j.train.tasks.SftExample.Variant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SFT conversations from the environments: the same task with reasoning on and off, reasoning cut at a budget, and
 * a task after an earlier finished one (history rendered with truncated thinking). {@link #example(long)} is the
 * deterministic mix the SFT stage reads, drawn from {@link DataSplit#SFT}.
 */
public final class SftExamples {

    /** Percentages of the mix: reasoning on, off, budget-truncated, with history (sum 100). */
    static final int PERCENT_ON = 40, PERCENT_OFF = 30, PERCENT_BUDGET = 15;

    private static final long SALT = 0x53465458L;

    /** The mix's cycle: each environment as many times as its weight, in order. */
    private final List<Environment> environments;
    /** Per slot of the cycle: how many slots its environment has, and which of them this one is. */
    private final int[] slotsOfEnvironment, rankInEnvironment;
    private final BudgetTruncation truncation;

    /**
     * @param environments the environments to mix, cycled in order
     * @param truncation   the model's tokenizer for budget cuts, or {@code null} for none (those slots are then
     *                     reasoning-on examples)
     */
    public SftExamples(List<Environment> environments, BudgetTruncation truncation) {
        if (environments.isEmpty()) throw new IllegalArgumentException("no environments to make SFT examples from");
        this.environments = List.copyOf(environments);
        this.truncation = truncation;
        int n = this.environments.size();
        slotsOfEnvironment = new int[n];
        rankInEnvironment = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (this.environments.get(j).name().equals(this.environments.get(i).name())) {
                    slotsOfEnvironment[i]++;
                    if (j < i) rankInEnvironment[i]++;
                }
            }
        }
    }

    /**
     * A mix weighted by environment: each cycle of the mix holds {@code weight} examples of each environment, in
     * the map's order; every example of an environment still has its own seed. Weights of 1 give the plain mix.
     */
    public static SftExamples weighted(Map<Environment, Integer> weights, BudgetTruncation truncation) {
        List<Environment> cycle = new ArrayList<>();
        weights.forEach((environment, weight) -> {
            if (weight < 1) throw new IllegalArgumentException(environment.name() + ": weight must be at least 1, got " + weight);
            for (int k = 0; k < weight; k++) cycle.add(environment);
        });
        return new SftExamples(cycle, truncation);
    }

    /** The task's whole reference conversation, reasoning on or off. */
    public static SftExample of(Task task, boolean reasoning) {
        return new SftExample(task.environment(), task.seed(), reasoning ? Variant.REASONING_ON : Variant.REASONING_OFF,
                task.conversation(reasoning), 0);
    }

    /**
     * The conversation through turn {@code step} with that turn's reasoning cut at {@code budget} tokens as the
     * budget controller cuts it (default grace period), or empty when the controller would not cut it.
     */
    public Optional<SftExample> budgetTruncated(Task task, int step, int budget) {
        if (truncation == null) throw new IllegalStateException("budget truncation needs the model's tokenizer");
        ChatMessage reference = task.steps().get(step).withReasoning();
        return truncation.truncate(reference.reasoningContent(), ThinkingBudget.of(budget)).map(cut -> {
            List<ChatMessage> messages = new ArrayList<>(task.context(step, true));
            messages.add(new ChatMessage(ChatMessage.ASSISTANT, reference.content(), cut, reference.toolCalls(), null));
            return new SftExample(task.environment(), task.seed(), Variant.BUDGET_TRUNCATED,
                    new ChatRequest(messages, task.tools(), conversationOptions(true)), 0);
        });
    }

    /**
     * {@code earlier}'s whole conversation, then {@code current}'s: with {@code truncate_history_thinking} the
     * earlier assistant turns render as {@code <think></think>} + answer. Tools: both tasks' tools, by name. Trained
     * from {@code current}'s first message on.
     */
    public static SftExample withHistory(Task earlier, Task current, boolean reasoning) {
        List<ChatMessage> messages = new ArrayList<>(earlier.conversation(reasoning).messages());
        int firstTrained = messages.size();
        messages.addAll(current.conversation(reasoning).messages());
        Map<String, ToolDefinition> tools = new LinkedHashMap<>();
        for (ToolDefinition tool : earlier.tools()) tools.putIfAbsent(tool.name().orElse(""), tool);
        for (ToolDefinition tool : current.tools()) tools.putIfAbsent(tool.name().orElse(""), tool);
        return new SftExample(current.environment(), current.seed(), Variant.WITH_HISTORY,
                new ChatRequest(messages, List.copyOf(tools.values()), conversationOptions(reasoning)), firstTrained);
    }

    /**
     * The {@code index}-th example of the SFT mix: the environment of cycle slot {@code index mod n}, seed
     * {@code SFT.seed(index / n)} (with weights: {@code SFT.seed((index / n) * w + r)} for the r-th of the
     * environment's w slots), and a variant drawn from the seed ({@value #PERCENT_ON}% reasoning on,
     * {@value #PERCENT_OFF}% off, {@value #PERCENT_BUDGET}% budget-truncated (a budget below the trace's length, on
     * a random turn), the rest after a history task of the next environment; reasoning on or off for history by the
     * seed too).
     */
    public SftExample example(long index) {
        int slot = (int) (index % environments.size());
        Environment environment = environments.get(slot);
        long seed = DataSplit.SFT.seed(index / environments.size() * slotsOfEnvironment[slot] + rankInEnvironment[slot]);
        Task task = environment.sample(seed);
        SeededRandom random = new SeededRandom(seed, SALT ^ index % environments.size());
        int draw = random.nextInt(100);
        if (draw < PERCENT_ON) return of(task, true);
        if (draw < PERCENT_ON + PERCENT_OFF) return of(task, false);
        if (draw < PERCENT_ON + PERCENT_OFF + PERCENT_BUDGET) {
            if (truncation == null) return of(task, true);
            int step = random.nextInt(task.steps().size());
            int length = truncation.tokenCount(task.steps().get(step).withReasoning().reasoningContent());
            return budgetTruncated(task, step, random.nextInt(Math.max(1, length))).orElseGet(() -> of(task, true));
        }
        Environment other = environments.get((int) ((index + 1) % environments.size()));
        return withHistory(other.sample(seed), task, random.chance(1, 2));
    }

    private static ChatRequestOptions conversationOptions(boolean reasoning) {
        return new ChatRequestOptions(reasoning, true, false);
    }
}

package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ChatRequest;

/**
 * One supervised fine-tuning conversation: render {@link #conversation} with the chat template
 * ({@code NemotronChatFormat.render}; it carries no generation prompt) and train on the assistant turns.
 *
 * @param environment  the environment of the (last) task
 * @param seed         the task's seed
 * @param variant      which kind of example it is
 * @param conversation messages (ending with the reference assistant turn), tools and template switches
 */
public record SftExample(String environment, long seed, Variant variant, ChatRequest conversation) {

    /** The kinds of SFT example. */
    public enum Variant {
        /** Reasoning on: the reference reasoning in {@code <think>}, then the answer. */
        REASONING_ON,
        /** Reasoning off: {@code <think></think>}, then the answer. */
        REASONING_OFF,
        /** Reasoning on, cut at a token budget and closed as the budget controller closes it, then the answer. */
        BUDGET_TRUNCATED,
        /** An earlier, finished task before this one: its assistant turns render with truncated thinking. */
        WITH_HISTORY
    }
}

package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ChatRequest;

/**
 * One supervised fine-tuning conversation: render {@link #conversation} with the chat template
 * ({@code NemotronChatFormat.render}; it carries no generation prompt) and train on the assistant turns from
 * message {@link #firstTrainedMessage} on ({@code train.data.Example.Chat} takes the same index).
 *
 * @param environment         the environment of the (last) task
 * @param seed                the task's seed
 * @param variant             which kind of example it is
 * @param conversation        messages (ending with the reference assistant turn), tools and template switches
 * @param firstTrainedMessage the first message of the task being taught: 0, or after the history of a
 *                            {@link Variant#WITH_HISTORY} example (whose turns are context, rendered with truncated
 *                            thinking, not answers to learn)
 */
public record SftExample(String environment, long seed, Variant variant, ChatRequest conversation,
                         int firstTrainedMessage) {

    public SftExample {
        if (firstTrainedMessage < 0 || firstTrainedMessage >= conversation.messages().size()) {
            throw new IllegalArgumentException("first trained message " + firstTrainedMessage + " outside the "
                    + conversation.messages().size() + " messages");
        }
    }

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

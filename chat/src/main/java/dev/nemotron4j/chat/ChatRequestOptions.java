package dev.nemotron4j.chat;

/**
 * The template switches of one request ({@code chat_template_kwargs} plus {@code add_generation_prompt}).
 *
 * @param enableThinking          reasoning on: the generation prompt opens {@code <think>\n}; off: it closes an
 *                                empty {@code <think></think>}
 * @param truncateHistoryThinking reduce assistant turns before the last user message to {@code <think></think>} +
 *                                answer
 * @param addGenerationPrompt     end the prompt with the opening of an assistant turn
 */
public record ChatRequestOptions(boolean enableThinking, boolean truncateHistoryThinking,
                                 boolean addGenerationPrompt) {

    /** The template's defaults for the kwargs, and a generation prompt (what a chat-completion request wants). */
    public static final ChatRequestOptions DEFAULTS = new ChatRequestOptions(true, true, true);

    public ChatRequestOptions withEnableThinking(boolean value) {
        return new ChatRequestOptions(value, truncateHistoryThinking, addGenerationPrompt);
    }

    public ChatRequestOptions withTruncateHistoryThinking(boolean value) {
        return new ChatRequestOptions(enableThinking, value, addGenerationPrompt);
    }

    public ChatRequestOptions withAddGenerationPrompt(boolean value) {
        return new ChatRequestOptions(enableThinking, truncateHistoryThinking, value);
    }
}

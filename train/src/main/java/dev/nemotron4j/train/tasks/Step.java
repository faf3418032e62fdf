package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.ChatMessage;

import java.util.List;

/**
 * One assistant turn of a task: the reference turn with and without reasoning, the messages that answer it before
 * the next turn (tool responses), and the verifier of whatever the model writes in its place.
 *
 * @param withReasoning    the reference assistant turn when reasoning is on ({@code reasoningContent} set)
 * @param withoutReasoning the reference assistant turn when reasoning is off (no reasoning)
 * @param replies          messages after this turn (the tool responses to its calls); empty for the last turn
 * @param verifier         judges a generated turn
 */
public record Step(ChatMessage withReasoning, ChatMessage withoutReasoning, List<ChatMessage> replies,
                   StepVerifier verifier) {

    public Step {
        if (!withReasoning.is(ChatMessage.ASSISTANT) || !withoutReasoning.is(ChatMessage.ASSISTANT)) {
            throw new IllegalArgumentException("a step's reference turns are assistant messages");
        }
        if (withReasoning.reasoningContent() == null || withReasoning.reasoningContent().isBlank()) {
            throw new IllegalArgumentException("the reasoning-on reference needs reasoning");
        }
        if (withoutReasoning.reasoningContent() != null) {
            throw new IllegalArgumentException("the reasoning-off reference has no reasoning");
        }
        replies = List.copyOf(replies);
    }

    /** The reference turn for a reasoning mode. */
    public ChatMessage reference(boolean reasoning) {
        return reasoning ? withReasoning : withoutReasoning;
    }
}

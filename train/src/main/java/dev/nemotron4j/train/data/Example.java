package dev.nemotron4j.train.data;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.template.NemotronChatFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One training example before tokenization: a plain-text document (pretraining) or a chat conversation (SFT). Task
 * generators and the JSONL reader ({@link JsonlExamples}) both produce these.
 */
public sealed interface Example {

    /**
     * The example as text, for tokenizer training: the document itself, or the conversation rendered with the chat
     * template (no generation prompt).
     */
    String corpusText();

    /** A pretraining document; every token is a target. */
    record Text(String text) implements Example {
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String corpusText() {
            return text;
        }
    }

    /**
     * A conversation rendered with the Nemotron chat template; the loss covers the assistant messages from
     * {@code firstTrainedMessage} on (earlier messages, and every non-assistant message, are context only).
     *
     * @param conversation        messages (including the assistant turns to learn), tools and the template switches
     *                            ({@code truncate_history_thinking} matters; {@code add_generation_prompt} is ignored)
     * @param firstTrainedMessage index into the messages of the first message whose assistant turns are trained
     * @param forcedEnding        text that closes the last assistant turn's reasoning but was forced by the budget
     *                            controller, not written by the model (e.g. {@code .\n\n</think>}): its tokens are
     *                            context, not targets; null when there is none
     */
    record Chat(ChatRequest conversation, int firstTrainedMessage, String forcedEnding) implements Example {
        public Chat(ChatRequest conversation, int firstTrainedMessage) {
            this(conversation, firstTrainedMessage, null);
        }

        public Chat {
            Objects.requireNonNull(conversation, "conversation");
            if (firstTrainedMessage < 0 || firstTrainedMessage >= conversation.messages().size()) {
                throw new IllegalArgumentException("first trained message " + firstTrainedMessage + " is outside the "
                        + conversation.messages().size() + " messages");
            }
        }

        /** Every assistant message of the conversation is trained. */
        public static Chat of(List<ChatMessage> messages, List<ToolDefinition> tools, ChatRequestOptions options) {
            return new Chat(new ChatRequest(messages, tools, options), 0);
        }

        /**
         * A prompt and the expected continuation (one or more assistant turns, possibly with tool responses between
         * them): only the continuation's assistant messages are trained.
         */
        public static Chat completion(ChatRequest prompt, List<ChatMessage> expected) {
            if (expected.isEmpty()) throw new IllegalArgumentException("a completion example needs an expected turn");
            List<ChatMessage> all = new ArrayList<>(prompt.messages());
            all.addAll(expected);
            return new Chat(new ChatRequest(all, prompt.tools(), prompt.options()), prompt.messages().size());
        }

        @Override
        public String corpusText() {
            return NemotronChatFormat.render(conversation.messages(), conversation.tools(),
                    conversation.options().withAddGenerationPrompt(false));
        }
    }
}

package dev.nemotron4j.chat.output;

import dev.nemotron4j.chat.ToolCall;

/**
 * What the {@link NemotronOutputParser} reports while the model's text streams in. Deltas are pieces to append;
 * how the text is cut into pieces depends on how it was fed, their concatenation does not.
 */
public sealed interface OutputEvent {

    /** A piece of reasoning ({@code reasoning_content}). */
    record ReasoningDelta(String text) implements OutputEvent {
    }

    /** A piece of the answer ({@code content}). */
    record ContentDelta(String text) implements OutputEvent {
    }

    /**
     * A tool call's header is complete: send {@code {index, id, type: "function", function: {name, arguments: ""}}}.
     *
     * @param index position of the call in this output (0, 1, ...)
     */
    record ToolCallStarted(int index, String id, String name) implements OutputEvent {
    }

    /**
     * A piece of a call's {@code function.arguments} JSON text. The pieces of one call concatenate to exactly
     * {@link ToolCall#argumentsJson()} of its {@link ToolCallCompleted}.
     */
    record ToolCallArgumentsDelta(int index, String fragment) implements OutputEvent {
    }

    /** A tool call is complete; its arguments are coerced by the tool's schema. */
    record ToolCallCompleted(int index, ToolCall call) implements OutputEvent {
    }

    /**
     * Text that opened a tool call but does not follow the call grammar. It is reported, never dropped silently.
     *
     * @param index   the index of the call if its {@link ToolCallStarted} was already sent, else {@code -1}
     * @param rawText the model's text from the opening marker to where the broken call ends
     * @param reason  what was wrong
     */
    record MalformedToolCall(int index, String rawText, String reason) implements OutputEvent {

        /** Whether a {@link ToolCallStarted} was sent for this call (it will get no {@link ToolCallCompleted}). */
        public boolean wasStarted() {
            return index >= 0;
        }
    }
}

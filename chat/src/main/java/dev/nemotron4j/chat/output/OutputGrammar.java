package dev.nemotron4j.chat.output;

/**
 * A constraint on what the model may write, as a byte-level automaton: a generator asks a {@link Matcher} which
 * tokens may come next, feeds it the chosen one, and may end the turn only where {@link Matcher#complete} holds.
 * Used for {@code tool_choice} required / named ({@link ToolCallGrammar}) and {@code response_format} json_object
 * ({@link JsonObjectGrammar}) and json_schema ({@link JsonSchemaGrammar}).
 */
public sealed interface OutputGrammar permits ToolCallGrammar, JsonObjectGrammar, JsonSchemaGrammar {

    /** A fresh matcher at the start of the output. */
    Matcher start();

    /** Text a matcher takes without simulating it, in its current state (a fast path for masking a large vocabulary). */
    enum FreeText {
        /** None: every candidate is simulated. */
        NONE,
        /** Any bytes without {@code <} (inside a tool-call parameter value with no tag begun). */
        NO_TAG_START,
        /** Any bytes without {@code "}, {@code \} or a control character (inside a JSON string, no escape pending). */
        NO_STRING_BREAK,
        /** Any bytes without {@code "}, {@code \}, a control character or {@code <} (a JSON string in a tool-call value). */
        NO_STRING_BREAK_OR_TAG_START
    }

    /** Where one output stands in its grammar. Not thread-safe. */
    interface Matcher {
        /** Whether the output is in an unconstrained part (the reasoning before {@code </think>}). */
        boolean free();

        /** Whether the output is inside free text, where special (control) tokens do not belong. */
        boolean inText();

        /** What may be appended now without simulation. */
        FreeText freeText();

        /** Whether the output may end here. */
        boolean complete();

        /** Whether {@code text} (UTF-8 bytes of a token) may come next; does not move the matcher. */
        boolean accepts(byte[] text);

        /** Moves past {@code text}; once it leaves the grammar, nothing more is accepted. */
        void advance(byte[] text);
    }
}

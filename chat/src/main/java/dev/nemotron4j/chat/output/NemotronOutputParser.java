package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.output.OutputEvent.ContentDelta;
import dev.nemotron4j.chat.output.OutputEvent.MalformedToolCall;
import dev.nemotron4j.chat.output.OutputEvent.ReasoningDelta;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallArgumentsDelta;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallCompleted;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallStarted;
import dev.nemotron4j.chat.python.PythonJsonWriter;
import dev.nemotron4j.chat.python.PythonText;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming reader of Nemotron 3 Nano output text (PROTOCOL.md sections 4 and 6): splits reasoning from the answer
 * at {@code </think>}, and reads {@code <tool_call><function=NAME><parameter=P>value</parameter></function></tool_call>}
 * blocks in the answer into tool calls whose argument JSON is streamed parameter by parameter.
 *
 * <p>Feed decoded text as it is generated ({@link #feed}), then call {@link #finish} once. Text that could still be
 * the start of a marker is held back until it is decided, so the events' text concatenates to the same result
 * however the output is cut into pieces. Feed special tokens as their text ({@code </think>}, {@code <tool_call>});
 * do not feed the stop token ({@code <|im_end|>}).
 *
 * <p>Cleanup rules: the newline before {@code </think>} and the one after it belong to the markup, not to the
 * reasoning or the answer; whitespace-only text before the first tool call is not content; text after the last tool
 * call is dropped (the prompt tells the model "NO suffix"). When tool calls are parsed, a {@code <tool_call>} inside
 * reasoning that was never closed ends the reasoning (the model sometimes opens a call without {@code </think>}).
 * A missing {@code </parameter>}, {@code </function>} or {@code </tool_call>} at the end of the output is tolerated
 * when the model ended its turn; when the output was cut off ({@link #finish(boolean)} with {@code cutOff}), a call
 * still open is incomplete and becomes a {@link MalformedToolCall}, never a call. Any other deviation yields a
 * {@link MalformedToolCall} with the raw text.
 *
 * <p>Not thread-safe: one parser per generation.
 */
public final class NemotronOutputParser {

    private static final String THINK_END = "</think>";
    private static final String NEWLINE_THINK_END = "\n</think>";
    private static final String TOOL_CALL_OPEN = "<tool_call>";
    private static final String TOOL_CALL_CLOSE = "</tool_call>";
    private static final String FUNCTION_OPEN = "<function=";
    private static final String FUNCTION_CLOSE = "</function>";
    private static final String PARAMETER_OPEN = "<parameter=";
    private static final String PARAMETER_CLOSE = "</parameter>";

    private enum State {
        REASONING, AFTER_THINK_END, CONTENT, TOOL_CALL_OPENED, FUNCTION_NAME, FUNCTION_BODY, PARAMETER_NAME,
        PARAMETER_VALUE, MALFORMED, BETWEEN_CALLS
    }

    private final OutputParserOptions options;
    private final ToolArgumentCoercion coercion;
    private final StringBuilder pending = new StringBuilder();
    private List<OutputEvent> events = new ArrayList<>();
    private State state;
    private boolean finished;
    private boolean contentHasText;
    private int nextCallIndex;
    private CallInProgress call;

    /** The call being read: its raw text (for malformed reports) and what has been parsed of it. */
    private static final class CallInProgress {
        final StringBuilder rawText = new StringBuilder();
        int index = -1;
        String id;
        String name;
        ObjectNode arguments;
        String parameterName;
        final StringBuilder parameterValue = new StringBuilder();
        String malformedReason;
    }

    /** A parser for one generation. */
    public NemotronOutputParser(OutputParserOptions options) {
        this.options = options;
        this.coercion = new ToolArgumentCoercion(options.tools());
        this.state = options.startsInReasoning() ? State.REASONING : State.CONTENT;
    }

    /** Parses a complete output at once. */
    public static ParsedOutput parse(String output, OutputParserOptions options) {
        NemotronOutputParser parser = new NemotronOutputParser(options);
        List<OutputEvent> all = new ArrayList<>(parser.feed(output));
        all.addAll(parser.finish());
        return ParsedOutput.fromEvents(all);
    }

    /** Takes the next piece of generated text and returns the events it decides. */
    public List<OutputEvent> feed(String delta) {
        if (finished) throw new IllegalStateException("the parser was already finished");
        pending.append(delta);
        return run(false);
    }

    /** Ends a generation the model ended itself: held-back text is decided, an open call is closed. Returns the last events. */
    public List<OutputEvent> finish() {
        return finish(false);
    }

    /**
     * Ends the generation. Held-back text is decided. A call still open is closed when the model ended its turn, and
     * reported as a {@link MalformedToolCall} ("cut off") when the output was cut by a token limit ({@code cutOff}):
     * an incomplete call is never returned as a call.
     */
    public List<OutputEvent> finish(boolean cutOff) {
        if (finished) throw new IllegalStateException("the parser was already finished");
        finished = true;
        if (cutOff && call != null && state != State.MALFORMED) {
            take(pending.length()); // the rest belongs to the broken call's raw text
            markMalformed("the output was cut off by the token limit inside the call");
        }
        return run(true);
    }

    /** Whether the text so far is still reasoning (the prompt opened a think block that was not closed yet). */
    public boolean inReasoning() {
        return state == State.REASONING;
    }

    private List<OutputEvent> run(boolean atEnd) {
        while (step(atEnd)) {
            // Each step consumes text or changes state; stop when it can decide nothing more.
        }
        List<OutputEvent> decided = events;
        events = new ArrayList<>();
        return decided;
    }

    private boolean step(boolean atEnd) {
        return switch (state) {
            case REASONING -> reasoning(atEnd);
            case AFTER_THINK_END -> afterThinkEnd(atEnd);
            case CONTENT -> content(atEnd);
            case TOOL_CALL_OPENED -> toolCallOpened(atEnd);
            case FUNCTION_NAME -> functionName(atEnd);
            case FUNCTION_BODY -> functionBody(atEnd);
            case PARAMETER_NAME -> parameterName(atEnd);
            case PARAMETER_VALUE -> parameterValue(atEnd);
            case MALFORMED -> malformed(atEnd);
            case BETWEEN_CALLS -> betweenCalls(atEnd);
        };
    }

    // ---- reasoning and answer text ----

    private boolean reasoning(boolean atEnd) {
        Marker end = options.parseToolCalls() ? earliest(THINK_END, TOOL_CALL_OPEN) : earliest(THINK_END);
        if (end != null) {
            String text = pending.substring(0, end.index());
            emitReasoning(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
            if (end.marker().equals(THINK_END)) {
                take(end.index() + THINK_END.length());
                state = State.AFTER_THINK_END;
            } else {
                // A call opened inside reasoning that was never closed: the reasoning ends here and the call is read.
                take(end.index());
                state = State.CONTENT;
            }
            return true;
        }
        int keep = atEnd ? 0 : Math.max(heldBackLength(NEWLINE_THINK_END), heldBackLength(THINK_END));
        if (!atEnd && options.parseToolCalls()) keep = Math.max(keep, heldBackLength("\n" + TOOL_CALL_OPEN, TOOL_CALL_OPEN));
        return emitReasoning(take(pending.length() - keep));
    }

    private boolean afterThinkEnd(boolean atEnd) {
        if (pending.isEmpty()) {
            if (!atEnd) return false;
        } else if (pending.charAt(0) == '\n') {
            take(1);
        }
        state = State.CONTENT;
        return true;
    }

    private boolean content(boolean atEnd) {
        if (!options.parseToolCalls()) {
            return emitContent(take(pending.length()));
        }
        Marker opening = earliest(TOOL_CALL_OPEN, FUNCTION_OPEN);
        if (opening != null) {
            String before = take(opening.index());
            // Whitespace between the reasoning and the first call is layout, not an answer.
            if (contentHasText || !PythonText.isBlank(before)) emitContent(before);
            openCall(opening.marker());
            return true;
        }
        if (atEnd) return emitContent(take(pending.length()));
        int safe = pending.length() - heldBackLength(TOOL_CALL_OPEN, FUNCTION_OPEN);
        // Hold leading whitespace back until it is known whether prose or a tool call follows.
        if (!contentHasText && PythonText.isBlank(pending.substring(0, safe))) return false;
        return emitContent(take(safe));
    }

    private boolean emitReasoning(String text) {
        if (text.isEmpty()) return false;
        events.add(new ReasoningDelta(text));
        return true;
    }

    private boolean emitContent(String text) {
        if (text.isEmpty()) return false;
        if (!PythonText.isBlank(text)) contentHasText = true;
        events.add(new ContentDelta(text));
        return true;
    }

    // ---- tool calls ----

    private void openCall(String marker) {
        call = new CallInProgress();
        take(marker.length());
        state = marker.equals(TOOL_CALL_OPEN) ? State.TOOL_CALL_OPENED : State.FUNCTION_NAME;
    }

    private boolean toolCallOpened(boolean atEnd) {
        takeLeadingWhitespace();
        if (startsWithMarker(FUNCTION_OPEN)) {
            take(FUNCTION_OPEN.length());
            state = State.FUNCTION_NAME;
            return true;
        }
        if (!atEnd && couldStillBecome(FUNCTION_OPEN)) return false;
        markMalformed("expected <function=NAME> after <tool_call>");
        return true;
    }

    private boolean functionName(boolean atEnd) {
        String name = headerName(atEnd, "function");
        if (name == null) return state != State.FUNCTION_NAME;
        call.index = nextCallIndex++;
        call.id = options.toolCallIds().get();
        call.name = name;
        call.arguments = JsonNodeFactory.instance.objectNode();
        events.add(new ToolCallStarted(call.index, call.id, call.name));
        state = State.FUNCTION_BODY;
        return true;
    }

    private boolean functionBody(boolean atEnd) {
        takeLeadingWhitespace();
        if (startsWithMarker(PARAMETER_OPEN)) {
            take(PARAMETER_OPEN.length());
            state = State.PARAMETER_NAME;
            return true;
        }
        if (startsWithMarker(FUNCTION_CLOSE) || startsWithMarker(TOOL_CALL_CLOSE)) {
            // </tool_call> without </function> is tolerated; betweenCalls() consumes it.
            if (startsWithMarker(FUNCTION_CLOSE)) take(FUNCTION_CLOSE.length());
            completeCall();
            return true;
        }
        if (atEnd && (pending.isEmpty() || couldStillBecome(PARAMETER_OPEN, FUNCTION_CLOSE, TOOL_CALL_CLOSE))) {
            // The output ended inside the call (or inside a closing tag): close it.
            take(pending.length());
            completeCall();
            return true;
        }
        if (pending.isEmpty() || couldStillBecome(PARAMETER_OPEN, FUNCTION_CLOSE, TOOL_CALL_CLOSE)) return false;
        markMalformed("unexpected text inside <function=" + call.name + ">");
        return true;
    }

    private boolean parameterName(boolean atEnd) {
        String name = headerName(atEnd, "parameter");
        if (name == null) return state != State.PARAMETER_NAME;
        if (call.arguments.has(name)) {
            markMalformed("parameter " + name + " given twice");
            return true;
        }
        call.parameterName = name;
        call.parameterValue.setLength(0);
        state = State.PARAMETER_VALUE;
        return true;
    }

    private boolean parameterValue(boolean atEnd) {
        Marker end = earliest(PARAMETER_CLOSE, PARAMETER_OPEN, FUNCTION_CLOSE, TOOL_CALL_CLOSE);
        if (end != null) {
            call.parameterValue.append(take(end.index()));
            // Only </parameter> belongs to the value; the others end it by starting what comes next.
            if (end.marker().equals(PARAMETER_CLOSE)) take(PARAMETER_CLOSE.length());
            completeParameter();
            state = State.FUNCTION_BODY;
            return true;
        }
        if (atEnd) {
            call.parameterValue.append(take(pending.length()));
            completeParameter();
            completeCall();
            return true;
        }
        int safe = pending.length() - heldBackLength(PARAMETER_CLOSE, PARAMETER_OPEN, FUNCTION_CLOSE, TOOL_CALL_CLOSE);
        call.parameterValue.append(take(safe));
        return safe > 0;
    }

    /**
     * The NAME of {@code <function=NAME>} or {@code <parameter=NAME>}, consumed with its {@code >}; {@code null}
     * when more text is needed or the header is broken (then the state is already MALFORMED).
     */
    private String headerName(boolean atEnd, String what) {
        int close = pending.indexOf(">");
        int broken = firstIndexOf('\n', '<');
        if (close >= 0 && (broken < 0 || broken > close)) {
            String name = PythonText.strip(pending.substring(0, close));
            take(close + 1);
            if (name.isEmpty()) {
                markMalformed("empty " + what + " name");
                return null;
            }
            return name;
        }
        if (broken >= 0 || atEnd) markMalformed("unterminated <" + what + "=...>");
        return null;
    }

    private void completeParameter() {
        String raw = call.parameterValue.toString();
        // Exactly one newline on each side is layout (PROTOCOL.md section 4); the rest is the value.
        if (raw.startsWith("\n")) raw = raw.substring(1);
        if (raw.endsWith("\n")) raw = raw.substring(0, raw.length() - 1);
        JsonNode value = coercion.coerce(call.name, call.parameterName, raw);
        StringBuilder fragment = new StringBuilder(call.arguments.isEmpty() ? "{" : ", ");
        PythonJsonWriter.writeString(call.parameterName, fragment);
        fragment.append(": ");
        PythonJsonWriter.write(value, fragment);
        call.arguments.set(call.parameterName, value);
        events.add(new ToolCallArgumentsDelta(call.index, fragment.toString()));
    }

    private void completeCall() {
        events.add(new ToolCallArgumentsDelta(call.index, call.arguments.isEmpty() ? "{}" : "}"));
        events.add(new ToolCallCompleted(call.index, new ToolCall(call.id, call.name, call.arguments)));
        call = null;
        state = State.BETWEEN_CALLS;
    }

    private void markMalformed(String reason) {
        call.malformedReason = reason;
        state = State.MALFORMED;
    }

    /** Skips the rest of a broken call: up to and including {@code </tool_call>}, or up to the next call. */
    private boolean malformed(boolean atEnd) {
        Marker end = earliest(TOOL_CALL_CLOSE, TOOL_CALL_OPEN);
        if (end == null && !atEnd) {
            return !take(pending.length() - heldBackLength(TOOL_CALL_CLOSE, TOOL_CALL_OPEN)).isEmpty();
        }
        if (end == null) {
            take(pending.length());
        } else {
            take(end.index());
            if (end.marker().equals(TOOL_CALL_CLOSE)) take(TOOL_CALL_CLOSE.length());
        }
        events.add(new MalformedToolCall(call.index, call.rawText.toString(), call.malformedReason));
        call = null;
        state = State.BETWEEN_CALLS;
        return true;
    }

    /** After a call: whitespace, closing tags and stray prose are dropped until the next call opens. */
    private boolean betweenCalls(boolean atEnd) {
        Marker next = earliest(TOOL_CALL_OPEN, FUNCTION_OPEN, TOOL_CALL_CLOSE);
        if (next == null) {
            int keep = atEnd ? 0 : heldBackLength(TOOL_CALL_OPEN, FUNCTION_OPEN, TOOL_CALL_CLOSE);
            return !take(pending.length() - keep).isEmpty();
        }
        take(next.index());
        if (next.marker().equals(TOOL_CALL_CLOSE)) {
            take(TOOL_CALL_CLOSE.length());
        } else {
            openCall(next.marker());
        }
        return true;
    }

    // ---- text buffer ----

    private record Marker(int index, String marker) {
    }

    /** The first occurrence of any marker in the pending text. */
    private Marker earliest(String... markers) {
        Marker first = null;
        for (String marker : markers) {
            int index = pending.indexOf(marker);
            if (index >= 0 && (first == null || index < first.index())) first = new Marker(index, marker);
        }
        return first;
    }

    /** Length of the longest end of the pending text that is a proper prefix of one of the markers. */
    private int heldBackLength(String... markers) {
        int longest = 0;
        for (String marker : markers) {
            for (int length = Math.min(marker.length() - 1, pending.length()); length > longest; length--) {
                if (pending.substring(pending.length() - length).equals(marker.substring(0, length))) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    private boolean startsWithMarker(String marker) {
        return pending.length() >= marker.length() && pending.substring(0, marker.length()).equals(marker);
    }

    /** Whether the whole pending text is a proper prefix of one of the markers. */
    private boolean couldStillBecome(String... markers) {
        for (String marker : markers) {
            if (pending.length() < marker.length() && marker.startsWith(pending.toString())) return true;
        }
        return false;
    }

    private int firstIndexOf(char a, char b) {
        for (int i = 0; i < pending.length(); i++) {
            if (pending.charAt(i) == a || pending.charAt(i) == b) return i;
        }
        return -1;
    }

    private void takeLeadingWhitespace() {
        int count = 0;
        while (count < pending.length() && PythonText.isWhitespace(pending.charAt(count))) count++;
        take(count);
    }

    /** Removes text from the front; inside a call it also becomes part of the call's raw text (for malformed reports). */
    private String take(int length) {
        String text = pending.substring(0, length);
        pending.delete(0, length);
        if (call != null) call.rawText.append(text);
        return text;
    }
}

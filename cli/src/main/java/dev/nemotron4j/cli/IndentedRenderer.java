package dev.nemotron4j.cli;

import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextSink;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;

/**
 * Streams one generation as an indented transcript, line by line: reasoning lines behind {@code │} (dimmed on a
 * terminal), answer lines behind {@code answer:}, tool calls as they complete. Each line starts with a tag, so the
 * lines of several generations streaming at once ({@code demo}'s continuous batching) stay readable when they
 * interleave; a line is printed whole, under a lock on the stream.
 */
final class IndentedRenderer implements TextSink {
    private static final String DIM = "\u001b[2m", RESET = "\u001b[0m";

    private final PrintStream out;
    private final boolean ansi;
    private final String tag;
    private final CompletableFuture<TextResult> result = new CompletableFuture<>();
    private final StringBuilder line = new StringBuilder();
    private boolean lineIsReasoning;
    private boolean answerStarted;

    /** {@code tag} starts every line (e.g. two spaces, or {@code "  #3 "}). */
    IndentedRenderer(PrintStream out, boolean ansi, String tag) {
        this.out = out;
        this.ansi = ansi;
        this.tag = tag;
    }

    CompletableFuture<TextResult> result() {
        return result;
    }

    @Override
    public void onEvent(OutputEvent event) {
        switch (event) {
            case OutputEvent.ReasoningDelta(String text) -> append(text, true);
            case OutputEvent.ContentDelta(String text) -> append(text, false);
            case OutputEvent.ToolCallCompleted(int index, var call) -> {
                flushLine();
                print("tool call: " + call.name() + "(" + call.argumentsJson() + ")", false);
            }
            case OutputEvent.MalformedToolCall bad -> {
                flushLine();
                print("malformed tool call (" + bad.reason() + "): " + bad.rawText().replace("\n", "⏎"), false);
            }
            case OutputEvent.ToolCallStarted s -> flushLine();
            case OutputEvent.ToolCallArgumentsDelta d -> { }
        }
    }

    private void append(String text, boolean reasoning) {
        if (reasoning != lineIsReasoning) {
            flushLine();
            lineIsReasoning = reasoning;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') flushLine();
            else line.append(c);
        }
    }

    private void flushLine() {
        if (line.isEmpty()) return;
        String text = line.toString();
        line.setLength(0);
        if (lineIsReasoning) {
            print("│ " + text, true);
        } else if (!text.isBlank()) {
            print((answerStarted ? "        " : "answer: ") + text, false);
            answerStarted = true;
        }
    }

    private void print(String text, boolean dim) {
        synchronized (out) {
            out.println(dim && ansi ? tag + DIM + text + RESET : tag + text);
            out.flush();
        }
    }

    @Override
    public void onFinish(TextResult r) {
        flushLine();
        result.complete(r);
    }

    @Override
    public void onError(Throwable error) {
        flushLine();
        result.completeExceptionally(error);
    }
}

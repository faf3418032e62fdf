package dev.nemotron4j.cli;

import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextSink;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;

/**
 * Prints a streaming generation to a terminal: reasoning dimmed (or folded into one line), the answer in plain
 * text, tool calls as they complete. Without a terminal it prints plain text with {@code <think>} markers.
 */
final class ConsoleRenderer implements TextSink {
    private static final String DIM = "\u001b[2m", RESET = "\u001b[0m";

    private final PrintStream out;
    private final boolean ansi;
    private final boolean showReasoning;
    private final CompletableFuture<TextResult> result = new CompletableFuture<>();
    private boolean inReasoning;
    private int reasoningChars;
    private boolean wroteAnything;

    ConsoleRenderer(PrintStream out, boolean ansi, boolean showReasoning) {
        this.out = out;
        this.ansi = ansi;
        this.showReasoning = showReasoning;
    }

    CompletableFuture<TextResult> result() {
        return result;
    }

    @Override
    public void onEvent(OutputEvent event) {
        switch (event) {
            case OutputEvent.ReasoningDelta(String text) -> {
                if (!inReasoning) {
                    inReasoning = true;
                    if (showReasoning) out.print(ansi ? DIM : "<think>\n");
                    else out.print(ansi ? DIM + "[thinking…]" + RESET : "[thinking…]");
                }
                reasoningChars += text.length();
                if (showReasoning) out.print(text);
            }
            case OutputEvent.ContentDelta(String text) -> {
                endReasoning();
                out.print(text);
            }
            case OutputEvent.ToolCallCompleted(int index, var call) -> {
                endReasoning();
                out.printf("%n[tool call %d] %s(%s)%n", index, call.name(), call.argumentsJson());
            }
            case OutputEvent.MalformedToolCall bad -> {
                endReasoning();
                out.printf("%n[malformed tool call: %s]%n%s%n", bad.reason(), bad.rawText());
            }
            case OutputEvent.ToolCallStarted s -> endReasoning();
            case OutputEvent.ToolCallArgumentsDelta d -> { }
        }
        wroteAnything = true;
        out.flush();
    }

    private void endReasoning() {
        if (!inReasoning) return;
        inReasoning = false;
        if (showReasoning) out.print(ansi ? RESET + "\n" : "\n</think>\n");
        else out.print("\n");
    }

    @Override
    public void onFinish(TextResult r) {
        if (inReasoning && showReasoning) out.print(ansi ? RESET : "\n</think>");
        inReasoning = false;
        if (wroteAnything) out.println();
        out.flush();
        result.complete(r);
    }

    @Override
    public void onError(Throwable error) {
        if (ansi) out.print(RESET);
        out.flush();
        result.completeExceptionally(error);
    }

    int reasoningChars() {
        return reasoningChars;
    }
}

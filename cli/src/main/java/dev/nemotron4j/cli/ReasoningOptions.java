package dev.nemotron4j.cli;

import dev.nemotron4j.chat.budget.ThinkingBudget;
import picocli.CommandLine.Option;

/** Conversation flags shared by {@code chat} and {@code generate --chat}: system prompt, reasoning on/off, budget. */
final class ReasoningOptions {
    @Option(names = "--system", description = "System prompt.")
    String system;

    @Option(names = "--think", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Reasoning on (default) or off (--no-think).")
    boolean think;

    @Option(names = "--budget", description = "Reasoning budget in tokens (PROTOCOL.md §5); default none.")
    Integer budget;

    ThinkingBudget thinkingBudget() {
        return budget == null ? null : ThinkingBudget.of(budget);
    }
}

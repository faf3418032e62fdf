package dev.nemotron4j.train.tasks;

import dev.nemotron4j.chat.output.ParsedOutput;

/** Judges what the model generated for one assistant turn, already split into reasoning, answer and tool calls. */
@FunctionalInterface
public interface StepVerifier {
    Verdict verify(ParsedOutput output);
}

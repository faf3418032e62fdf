package dev.nemotron4j.eval.instructions;

/** One verifiable instruction with its arguments bound: does a response follow it? */
@FunctionalInterface
public interface InstructionCheck {
    boolean followedBy(String response);
}

package dev.nemotron4j.engine.state;

/** A sequence would grow beyond the configured context limit. */
public class ContextOverflowException extends RuntimeException {
    public ContextOverflowException(String message) {
        super(message);
    }
}

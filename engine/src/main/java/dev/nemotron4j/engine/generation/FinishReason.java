package dev.nemotron4j.engine.generation;

/** Why a sequence stopped. */
public enum FinishReason {
    /** A stop token was generated. */
    STOP,
    /** The token limit or the context limit was reached. */
    LENGTH,
    /** The listener asked to stop (stop string, tool call complete, client gone). */
    STOPPED_BY_LISTENER,
    /** The request was cancelled. */
    CANCELLED,
    /** The request's deadline passed. */
    TIMEOUT
}

package dev.nemotron4j.runtime;

/**
 * A job the service did not take: {@link TextService#submit} and {@link TextService#score} throw it before anything
 * runs, so the caller can answer at once (the server: 429 for a full queue, 400 for a prompt that leaves no room).
 */
public final class RejectedJobException extends RuntimeException {

    /** Why the job was not taken. */
    public enum Reason {
        /** As many jobs wait as the service queues: try again later. */
        QUEUE_FULL,
        /** The prompt does not fit the context (with room for at least one more token, when generating). */
        PROMPT_TOO_LONG
    }

    private final Reason reason;

    RejectedJobException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

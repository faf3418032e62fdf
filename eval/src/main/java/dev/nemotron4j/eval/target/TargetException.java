package dev.nemotron4j.eval.target;

/**
 * A failed call. {@code retryable} marks transient failures (HTTP 429/5xx, timeouts, connection
 * resets) that the retry interceptor may try again.
 */
public class TargetException extends RuntimeException {
    private final boolean retryable;
    private final int status;

    public TargetException(String message, boolean retryable, int status, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.status = status;
    }

    public TargetException(String message, boolean retryable) { this(message, retryable, 0, null); }

    public boolean retryable() { return retryable; }

    /** HTTP status, or 0 when there was none. */
    public int status() { return status; }
}

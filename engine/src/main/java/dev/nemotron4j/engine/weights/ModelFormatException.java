package dev.nemotron4j.engine.weights;

/**
 * A model file or configuration is malformed, truncated, or disagrees with what the model needs.
 * The message always names the file and, where one is involved, the tensor or config key.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.nemotron4j.tokenizer;

/** The tokenizer description (tokenizer.json or GGUF metadata) is malformed or uses an unsupported feature. */
public class TokenizerFormatException extends RuntimeException {

    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

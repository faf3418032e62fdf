package dev.nemotron4j.chat.template;

/** Thrown when a model's chat template is not one that nemotron4j can render. */
public final class UnsupportedChatTemplateException extends IllegalArgumentException {

    public UnsupportedChatTemplateException(String message) {
        super(message);
    }
}

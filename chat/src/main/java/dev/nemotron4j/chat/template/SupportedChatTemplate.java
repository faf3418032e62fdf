package dev.nemotron4j.chat.template;

import dev.nemotron4j.chat.ChatRequest;

/** The chat templates nemotron4j can render (identified by {@link ChatTemplates#identify}). */
public enum SupportedChatTemplate {

    /** NVIDIA Nemotron 3 Nano (30B-A3B): ChatML turns, {@code <think>} reasoning, XML tool calls. */
    NEMOTRON_3_NANO("Nemotron 3 Nano", "nemotron-3-nano.jinja") {
        @Override
        public String render(ChatRequest request) {
            return NemotronChatFormat.render(request);
        }
    };

    private final String displayName;
    private final String resourceName;

    SupportedChatTemplate(String displayName, String resourceName) {
        this.displayName = displayName;
        this.resourceName = resourceName;
    }

    /** Renders a request to prompt text with this template. */
    public abstract String render(ChatRequest request);

    /** A human-readable name. */
    public String displayName() {
        return displayName;
    }

    /** The bundled reference copy of the template's Jinja text (a class-path resource next to this class). */
    String resourceName() {
        return resourceName;
    }
}

package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.ChatMessage;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Adds a system prompt. Modes: {@code prepend} (before an existing system message's text, or as a new
 * first turn), {@code append} (after it), {@code replace}. Raw prompts get the text prepended.
 */
public record SystemPromptInterceptor(String text, String mode) implements Interceptor {

    public SystemPromptInterceptor {
        if (!List.of("prepend", "append", "replace").contains(mode)) {
            throw new IllegalArgumentException("system_prompt.mode must be prepend, append or replace: " + mode);
        }
    }

    @Override
    public String name() { return "system_prompt"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        GenerationRequest r = call.request();
        if (!r.isChat()) return next.proceed(call.withRequest(r.withPrompt(text + "\n\n" + r.prompt())));
        List<ChatMessage> turns = new ArrayList<>(r.messages());
        if (!turns.isEmpty() && turns.getFirst().role().equals("system")) {
            String existing = turns.getFirst().content();
            String merged = switch (mode) {
                case "prepend" -> text + "\n\n" + existing;
                case "append" -> existing + "\n\n" + text;
                default -> text;
            };
            turns.set(0, ChatMessage.system(merged));
        } else {
            turns.addFirst(ChatMessage.system(text));
        }
        return next.proceed(call.withRequest(r.withMessages(turns)));
    }
}

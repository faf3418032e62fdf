package dev.nemotron4j.eval.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Everything a target needs for one call. Exactly one of {@code messages} (chat) or {@code prompt}
 * (raw text) is set. When {@code continuation} is set the target does not generate: it scores the
 * continuation after the prompt (log-likelihood), used for multiple-choice scoring.
 *
 * <p>The whole record is part of the response-cache key, so anything that can change the output
 * belongs here.
 *
 * @param messages        chat turns, or null for a raw-prompt request
 * @param prompt          raw prompt text, or null for a chat request
 * @param temperature     sampling temperature (0 = greedy)
 * @param topP            nucleus sampling mass (1 = off)
 * @param topK            top-k cut (0 or less = off)
 * @param maxTokens       generation cap
 * @param seed            per-sample seed, derived from (run seed, task, item, repeat)
 * @param reasoning       thinking on/off
 * @param reasoningBudget cap on thinking tokens, or null for none
 * @param tools           OpenAI-style tool definitions (empty when none)
 * @param logprobs        whether per-token log-probabilities are wanted
 * @param continuation    text to score instead of generating, or null
 * @param extraBody       fields merged into the wire payload verbatim (payload interceptor), may be empty
 */
public record GenerationRequest(
        List<ChatMessage> messages,
        String prompt,
        double temperature,
        double topP,
        int topK,
        int maxTokens,
        long seed,
        ReasoningMode reasoning,
        Integer reasoningBudget,
        List<JsonNode> tools,
        boolean logprobs,
        String continuation,
        ObjectNode extraBody) {

    public GenerationRequest {
        if ((messages == null) == (prompt == null)) {
            throw new IllegalArgumentException("a request has either chat messages or a raw prompt");
        }
        messages = messages == null ? null : List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        reasoning = reasoning == null ? ReasoningMode.DEFAULT : reasoning;
        extraBody = extraBody == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : extraBody;
    }

    public boolean isChat() { return messages != null; }

    public GenerationRequest withMessages(List<ChatMessage> newMessages) {
        return new GenerationRequest(newMessages, null, temperature, topP, topK, maxTokens, seed, reasoning,
                reasoningBudget, tools, logprobs, continuation, extraBody);
    }

    public GenerationRequest withPrompt(String newPrompt) {
        return new GenerationRequest(null, newPrompt, temperature, topP, topK, maxTokens, seed, reasoning,
                reasoningBudget, tools, logprobs, continuation, extraBody);
    }

    public GenerationRequest withExtraBody(ObjectNode newExtraBody) {
        return new GenerationRequest(messages, prompt, temperature, topP, topK, maxTokens, seed, reasoning,
                reasoningBudget, tools, logprobs, continuation, newExtraBody);
    }

    /** The prompt as plain text: the raw prompt, or the chat turns' contents joined (completions fallback, logs). */
    public String promptText() {
        return prompt != null ? prompt : joinContents(messages);
    }

    /** Chat turns' contents separated by blank lines. */
    public static String joinContents(List<ChatMessage> turns) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : turns) {
            if (!sb.isEmpty()) sb.append("\n\n");
            sb.append(m.content());
        }
        return sb.toString();
    }
}

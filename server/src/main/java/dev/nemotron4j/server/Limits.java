package dev.nemotron4j.server;

/** Context-length arithmetic shared by the generation endpoints. */
final class Limits {
    private Limits() {
    }

    /**
     * The output limit for a prompt: the requested one if prompt + output fit the context, else a 400; without a
     * request, whatever the context leaves.
     */
    static int maxTokens(int promptTokens, Integer requested, int context, String promptParam) {
        if (promptTokens >= context) {
            throw ApiError.contextLength("This model's maximum context length is " + context + " tokens, but the prompt has "
                    + promptTokens + " tokens", promptParam);
        }
        if (requested == null) return context - promptTokens;
        if (promptTokens + (long) requested > context) {
            throw ApiError.contextLength("This model's maximum context length is " + context + " tokens. However, you requested "
                    + (promptTokens + (long) requested) + " tokens (" + promptTokens + " in the prompt, " + requested
                    + " for the completion). Reduce the prompt or max_tokens.", "max_tokens");
        }
        return requested;
    }
}

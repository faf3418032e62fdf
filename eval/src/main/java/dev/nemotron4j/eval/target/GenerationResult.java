package dev.nemotron4j.eval.target;

import java.util.List;

/**
 * What a target returned for one request.
 *
 * @param content             the {@code content} field (may be empty when a server put everything in reasoning)
 * @param reasoningContent    the separate reasoning field ({@code reasoning_content} / {@code reasoning}), or empty
 * @param rawText             the unmodified generated text exactly as the target produced it (for chat
 *                            endpoints the verbatim {@code content}; a separate reasoning field stays in
 *                            {@code reasoningContent})
 * @param toolCalls           structured tool calls, if any
 * @param finishReason        {@code stop}, {@code length}, {@code tool_calls}, ...
 * @param usage               token counts
 * @param logprobs            per-token log-probabilities when requested (empty otherwise)
 * @param continuationLogprob for log-likelihood requests: summed log-probability of the continuation, else null
 * @param continuationGreedy  for log-likelihood requests: whether the continuation is the greedy choice, else null
 * @param latencyMillis       wall time of the call (never part of digests)
 * @param split               answer/thinking view filled by the reasoning interceptor, null before it ran
 */
public record GenerationResult(
        String content,
        String reasoningContent,
        String rawText,
        List<ToolCall> toolCalls,
        String finishReason,
        TokenUsage usage,
        List<TokenLogprob> logprobs,
        Double continuationLogprob,
        Boolean continuationGreedy,
        long latencyMillis,
        ReasoningSplit split) {

    public GenerationResult {
        content = content == null ? "" : content;
        reasoningContent = reasoningContent == null ? "" : reasoningContent;
        rawText = rawText == null ? "" : rawText;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        finishReason = finishReason == null ? "" : finishReason;
        usage = usage == null ? TokenUsage.UNKNOWN : usage;
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
    }

    /** A plain generated text with nothing else. */
    public static GenerationResult ofText(String text, String finishReason) {
        return new GenerationResult(text, "", text, List.of(), finishReason, TokenUsage.UNKNOWN, List.of(),
                null, null, 0, null);
    }

    public GenerationResult withSplit(ReasoningSplit newSplit) {
        return new GenerationResult(content, reasoningContent, rawText, toolCalls, finishReason, usage, logprobs,
                continuationLogprob, continuationGreedy, latencyMillis, newSplit);
    }

    public GenerationResult withLatency(long millis) {
        return new GenerationResult(content, reasoningContent, rawText, toolCalls, finishReason, usage, logprobs,
                continuationLogprob, continuationGreedy, millis, split);
    }
}

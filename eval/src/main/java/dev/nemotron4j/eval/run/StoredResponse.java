package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.ToolCall;
import dev.nemotron4j.eval.target.TokenUsage;

import java.util.List;

/**
 * A target response as kept in the journal and samples.jsonl: everything needed to re-extract and
 * re-score offline, nothing that varies between identical runs (latency is left out). For a log-likelihood
 * request, {@code continuation} is the text that was scored (acc_norm divides by its length).
 */
public record StoredResponse(String content, String reasoningContent, String rawText, List<ToolCall> toolCalls,
                             String finishReason, TokenUsage usage, Double continuationLogprob, Boolean continuationGreedy,
                             String continuation) {

    public static StoredResponse of(GenerationResult r) {
        return of(r, null);
    }

    public static StoredResponse of(GenerationResult r, String continuation) {
        return new StoredResponse(r.content(), r.reasoningContent(), r.rawText(), r.toolCalls(), r.finishReason(),
                r.usage(), r.continuationLogprob(), r.continuationGreedy(), continuation);
    }

    public GenerationResult toResult() {
        return new GenerationResult(content, reasoningContent, rawText, toolCalls, finishReason, usage, List.of(),
                continuationLogprob, continuationGreedy, 0, null);
    }
}

package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.extract.Extraction;

/**
 * Whether the model called a tool at all, BFCL's relevance checks: {@code no_tool_call} (irrelevance, live_irrelevance:
 * none of the offered functions fits the question, so the answer passes when it holds no call) and
 * {@code any_tool_call} (live_relevance: some call is due, whichever). Calls are what the {@code tool_call} extractor
 * finds: structured tool calls, {@code <tool_call>} blocks or a JSON call in the text.
 *
 * @param wanted whether a call is expected
 */
public record ToolCallPresenceScorer(boolean wanted) implements Scorer.Plain {

    @Override
    public String name() { return wanted ? "any_tool_call" : "no_tool_call"; }

    @Override
    public int version() { return 1; }

    @Override
    public double score(Extraction extracted, JsonNode expected) {
        boolean called = extracted.found() && !extracted.value().isBlank() && !extracted.value().strip().equals("[]");
        return called == wanted ? 1 : 0;
    }
}

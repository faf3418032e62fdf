package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.extract.Extraction;

/**
 * Compares an extracted answer with an item's reference and returns a score in [0, 1] (1 = correct).
 * Versioned like extractors: the version goes into the lockfile.
 */
public sealed interface Scorer permits Scorer.Plain, InstructionFollowingScorer, TranslationScorer, PairwiseVerdictScorer,
        CodeTestsScorer, SciCodeStepScorer, SciCodeProblemScorer, ToolCallMatchScorer {

    /** Stable name used in task YAML ({@code scorer: numeric_equivalence}). */
    String name();

    int version();

    /** The score, with the details this scorer keeps per sample (null for a {@link Plain} scorer). */
    Scored judge(Extraction extracted, JsonNode expected);

    /** The score alone. */
    default double score(Extraction extracted, JsonNode expected) {
        return judge(extracted, expected).score();
    }

    /** A scorer whose verdict is one number, with no details: it states {@link #score}, and its judgement is that. */
    sealed interface Plain extends Scorer permits NumericEquivalenceScorer, ExactMatchScorer, ContainsAllScorer,
            ContainsAnyScorer, ToolCallPresenceScorer, EnvironmentVerdictScorer, IntegerMatchScorer {
        @Override
        double score(Extraction extracted, JsonNode expected);

        @Override
        default Scored judge(Extraction extracted, JsonNode expected) {
            return new Scored(score(extracted, expected), null);
        }
    }

    /**
     * What besides the version can change this scorer's verdicts (for code execution: the sandbox, its interpreter and
     * limits), recorded in the lockfile; null for scorers that depend on nothing outside the harness.
     */
    default JsonNode environment() { return null; }

    /** The built-in scorer called {@code name}: numeric_equivalence, exact_match, tool_call_match, contains_all, contains_any, ... */
    static Scorer named(String name) {
        return switch (name) {
            case "numeric_equivalence" -> new NumericEquivalenceScorer();
            case "exact_match" -> new ExactMatchScorer();
            case "tool_call_match" -> new ToolCallMatchScorer();
            case "contains_all" -> new ContainsAllScorer();
            case "contains_any" -> new ContainsAnyScorer();
            case "no_tool_call" -> new ToolCallPresenceScorer(false);
            case "any_tool_call" -> new ToolCallPresenceScorer(true);
            case "environment_verifier" -> new EnvironmentVerdictScorer();
            case "instruction_following" -> new InstructionFollowingScorer();
            case "translation" -> new TranslationScorer();
            case "integer_match" -> new IntegerMatchScorer();
            case "arena_hard_verdicts" -> new PairwiseVerdictScorer();
            case "code_tests", "scicode_tests" -> throw new IllegalArgumentException("scorer '" + name
                    + "' runs code in a sandbox: it belongs to the livecodebench and scicode task families (type: livecodebench | scicode)");
            default -> throw new IllegalArgumentException("unknown scorer '" + name
                    + "' (built-in: numeric_equivalence, exact_match, tool_call_match, contains_all, contains_any, no_tool_call, any_tool_call, environment_verifier, instruction_following, translation, integer_match)");
        };
    }
}

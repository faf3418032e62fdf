package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A score with what led to it, when the scorer has more to say than one number (IFEval's per-instruction verdicts).
 *
 * @param score   in [0, 1]
 * @param details stored with the sample and read by the task's metrics, or null
 */
public record Scored(double score, JsonNode details) {}

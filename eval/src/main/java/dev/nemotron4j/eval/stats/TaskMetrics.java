package dev.nemotron4j.eval.stats;

import java.util.Map;

/**
 * Aggregate scores of one task (variant).
 *
 * @param items            number of items
 * @param repeats          samples per item
 * @param mean             mean score over all samples (= avg@k), with standard error across items
 * @param wilson95         Wilson 95% interval over all samples (binary scores only, else null)
 * @param bootstrap95      seeded percentile-bootstrap 95% interval over per-item means
 * @param passAtK          unbiased pass@k for k = 1, 2, 4, ... up to repeats
 * @param majAtK           accuracy of the majority-voted answer over all repeats (null when repeats = 1)
 * @param extractionMisses samples where no answer could be extracted
 * @param answerSources    how many answers came from content, after a think block, or the reasoning fallback
 * @param axis             plot coordinates (reasoning budget, context length, ...)
 */
public record TaskMetrics(int items, int repeats, MeanEstimate mean, Interval wilson95, Interval bootstrap95,
                          Map<String, Double> passAtK, Double majAtK, int extractionMisses,
                          Map<String, Integer> answerSources, Map<String, Object> axis) {}

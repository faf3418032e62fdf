package dev.nemotron4j.eval.stats;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * Aggregate scores of one task (variant).
 *
 * @param items            number of items
 * @param repeats          samples per item
 * @param mean             mean score over all samples (= avg@k), with the cluster-robust standard error (items as
 *                         clusters of their repeats, see {@link ClusteredMean})
 * @param designEffect     how much repeats of one item inflate the variance against independent samples (1 without repeats)
 * @param wilson95         Wilson 95% interval over the effective number of samples (N / design effect; binary scores only, else null)
 * @param bootstrap95      seeded percentile-bootstrap 95% interval over per-item means
 * @param passAtK          unbiased pass@k for k = 1, 2, 4, ... up to repeats
 * @param majAtK           accuracy of the majority-voted answer over all repeats (null when repeats = 1)
 * @param extractionMisses samples where no answer could be extracted
 * @param answerSources    how many answers came from content, after a think block, or the reasoning fallback
 * @param axis             plot coordinates (reasoning budget, context length, ...)
 * @param tokens           prompt, completion and reasoning tokens over the task's samples
 * @param breakdown        further metrics a task family defines (IFEval/IFBench: prompt- and instruction-level
 *                         accuracies, strict and loose; WMT24++: corpus chrF and BLEU, 0 to 100), or null
 */
public record TaskMetrics(int items, int repeats, MeanEstimate mean, double designEffect, Interval wilson95, Interval bootstrap95,
                          Map<String, Double> passAtK, Double majAtK, int extractionMisses,
                          Map<String, Integer> answerSources, Map<String, Object> axis, TokenTotals tokens,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> breakdown) {}

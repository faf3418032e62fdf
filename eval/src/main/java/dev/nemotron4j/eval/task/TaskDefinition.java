package dev.nemotron4j.eval.task;

import dev.nemotron4j.eval.config.EvalConfig.GenerationConfig;
import dev.nemotron4j.eval.extract.AnswerExtractor;
import dev.nemotron4j.eval.score.Scorer;

import java.util.List;
import java.util.Map;

/**
 * A runnable task: items, how to ask, how to read the answer, how to score it.
 *
 * @param name          unique name in the run (sweep and RULER variants get suffixes such as {@code @budget=1024})
 * @param family        built-in family it came from ({@code gsm8k}, {@code multiple_choice}, ...)
 * @param items         the dataset rows, in canonical order
 * @param prompt        prompt template
 * @param choicesField  field holding multiple-choice options, or null
 * @param toolsField    field holding tool definitions, or null
 * @param extractor     answer extractor
 * @param scorer        scorer
 * @param generation    effective generation parameters (global, then task overrides)
 * @param repeats       samples per item
 * @param loglikelihood whether choices are scored by log-likelihood instead of generation
 * @param datasetSha256 hash of the dataset file (or of the generated items)
 * @param datasetPath   the file read, or null when generated
 * @param axis          plot coordinates of this variant ({@code reasoning_budget}, {@code context_length}, {@code base_task}, ...)
 * @param scoringSpec   for log-likelihood scoring: continuations, acc or acc_norm, few-shot examples; null otherwise
 */
public record TaskDefinition(
        String name,
        String family,
        List<EvalItem> items,
        PromptTemplate prompt,
        String choicesField,
        String toolsField,
        AnswerExtractor extractor,
        Scorer scorer,
        GenerationConfig generation,
        int repeats,
        boolean loglikelihood,
        String datasetSha256,
        String datasetPath,
        Map<String, Object> axis,
        LoglikelihoodSpec scoringSpec) {

    public TaskDefinition {
        if (loglikelihood && scoringSpec == null) scoringSpec = LoglikelihoodSpec.LETTERS;
        items = List.copyOf(items);
        axis = Map.copyOf(axis);
    }
}

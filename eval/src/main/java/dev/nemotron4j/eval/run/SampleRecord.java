package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.SampleKey;

import java.util.List;

/**
 * Everything about one sample: what was asked, what came back, what was extracted and how it scored.
 * One JSON line per record in {@code journal.jsonl} (completion order) and {@code samples.jsonl}
 * (canonical order); the samples digest hashes these lines.
 *
 * @param task             task (variant) name
 * @param itemId           dataset item id
 * @param itemIndex        position in the dataset
 * @param repeat           repeat index (0-based)
 * @param seed             per-sample seed sent to the target
 * @param prompt           the chat turns (or raw prompt) as built from the template, before interceptors
 * @param responses        the target's responses (one per choice for log-likelihood scoring)
 * @param answerText       the text extraction read (thinking separated)
 * @param answerSource     where it came from (see {@link dev.nemotron4j.eval.target.ReasoningSplit#source()})
 * @param extracted        the extracted answer, or null
 * @param extractionMethod which extraction rule matched
 * @param expected         the reference answer
 * @param choiceCount      options for multiple choice, else 0
 * @param score            in [0, 1]
 * @param details          what the scorer adds (IFEval: each instruction's strict and loose verdict), or null
 */
public record SampleRecord(String task, String itemId, int itemIndex, int repeat, long seed, JsonNode prompt,
                           List<StoredResponse> responses, String answerText, String answerSource, String extracted,
                           String extractionMethod, JsonNode expected, int choiceCount, double score,
                           @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode details) {

    public SampleKey key() { return new SampleKey(task, itemId, repeat); }

    public boolean correct() { return score >= 1.0 - 1e-9; }
}

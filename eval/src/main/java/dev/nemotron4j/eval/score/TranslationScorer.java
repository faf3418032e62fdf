package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.translation.Bleu;
import dev.nemotron4j.eval.translation.ChrF;

/**
 * Machine translation against one reference (a text node). The score is the segment's chrF divided by 100; the details
 * keep the segment's chrF and BLEU sufficient statistics, from which the task's metrics compute corpus chrF and
 * corpus BLEU the way sacreBLEU does (statistics summed over segments, not scores averaged). No answer scores as an
 * empty translation.
 */
public record TranslationScorer() implements Scorer {

    @Override
    public String name() { return "translation"; }

    @Override
    public int version() { return 1; }

    @Override
    public Scored judge(Extraction extracted, JsonNode expected) {
        if (expected == null || !expected.isTextual()) throw new IllegalArgumentException("translation scorer: the reference must be a string, not " + expected);
        String hypothesis = extracted.found() ? extracted.value() : "";
        long[] chrf = ChrF.statistics(hypothesis, expected.asText());
        long[] bleu = Bleu.statistics(hypothesis, expected.asText());
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        for (long v : chrf) details.withArray("chrf").add(v);
        for (long v : bleu) details.withArray("bleu").add(v);
        return new Scored(ChrF.score(chrf) / 100, details);
    }
}

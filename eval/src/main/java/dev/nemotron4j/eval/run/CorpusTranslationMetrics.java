package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.translation.Bleu;
import dev.nemotron4j.eval.translation.ChrF;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus chrF and corpus BLEU (0 to 100, sacreBLEU's definitions) over a task's samples, from the segment statistics the
 * translation scorer keeps in each sample's details. Every sample is a segment, so with repeats each repeat counts.
 */
final class CorpusTranslationMetrics {
    private CorpusTranslationMetrics() {}

    /** {@code chrf} and {@code bleu}, or null when the samples carry no translation statistics. */
    static Map<String, Double> of(List<SampleRecord> records) {
        List<long[]> chrf = new ArrayList<>(), bleu = new ArrayList<>();
        for (SampleRecord r : records) {
            JsonNode d = r.details();
            if (d == null || !d.has("chrf") || !d.has("bleu")) return null;
            chrf.add(counts(d.get("chrf")));
            bleu.add(counts(d.get("bleu")));
        }
        if (records.isEmpty()) return null;
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("chrf", ChrF.score(ChrF.sum(chrf)));
        out.put("bleu", Bleu.score(Bleu.sum(bleu)));
        return out;
    }

    private static long[] counts(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
        return out;
    }
}

package dev.nemotron4j.eval.translation;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * chrF, BLEU and the 13a tokenizer against hand computations and against sacreBLEU 2 (mjpost/sacrebleu at f615c72,
 * {@code CHRF()} and {@code BLEU()} with their defaults, {@code corpus_score}); the sacreBLEU values are quoted to 10
 * decimals.
 */
class TranslationMetricsTest {

    @Test
    void tokenizer13aSplitsSymbolsAndPunctuationButNotNumbersOrApostrophes() {
        assertThat(Tokenizer13a.tokenize("Hello, world! It's 3.5-4 km (approx.)."))
                .isEqualTo("Hello , world ! It's 3.5 - 4 km ( approx . ) .");
        assertThat(Tokenizer13a.tokenize("A&amp;B &lt;tag&gt; 1,000.50 e-mail/www.x.org"))
                .isEqualTo("A & B < tag > 1,000.50 e-mail / www . x . org");
        assertThat(Tokenizer13a.tokenize("Ende-\nzu-Ende <skipped>Test")).isEqualTo("Endezu-Ende Test");
    }

    @Test
    void bleuByHand() {
        // hyp "the cat sat on the mat" vs ref "the cat sat on a mat": clipped matches 5/6, 3/5, 2/4, 1/3, equal lengths
        long[] s = Bleu.statistics("the cat sat on the mat", "the cat sat on a mat");
        assertThat(s).containsExactly(6, 6, 5, 3, 2, 1, 6, 5, 4, 3);
        assertThat(Bleu.score(s)).isCloseTo(100 * Math.pow(5.0 / 6 * 3 / 5 * 2 / 4 * 1 / 3, 0.25), within(1e-9))
                .isCloseTo(53.7284965912, within(1e-9));
        // 4-grams: 0 of 1 matched -> mteval smoothing 1/(2*1); 4 tokens against 6 -> brevity penalty exp(1 - 6/4)
        long[] short_ = Bleu.statistics("the cat sat here", "the cat sat on the mat");
        assertThat(short_).containsExactly(4, 6, 3, 2, 1, 0, 4, 3, 2, 1);
        assertThat(Bleu.score(short_)).isCloseTo(Math.exp(-0.5) * 100 * Math.pow(3.0 / 4 * 2 / 3 * 1 / 2 * 1 / 2, 0.25), within(1e-9))
                .isCloseTo(36.0645287999, within(1e-9));
        // no trigram at all in the hypothesis: precision 0 for orders 3 and 4, BLEU 0 (not smoothed)
        assertThat(Bleu.score(Bleu.statistics("the cat", "the cat sat on the mat"))).isZero();
        assertThat(Bleu.score(Bleu.statistics("", "the cat"))).isZero();
    }

    @Test
    void chrfByHand() {
        // white space removed: "thecatsatonthemat" (17 characters) vs "thecatsatonamat" (15); unigrams match
        // t min(5,4) + h 1 + e 1 + c 1 + a min(3,4) + s 1 + o 1 + n 1 + m 1 = 14
        long[] s = ChrF.statistics("the cat sat on the mat", "the cat sat on a mat");
        assertThat(s).containsExactly(17, 15, 14, 16, 14, 12, 15, 13, 10, 14, 12, 8, 13, 11, 7, 12, 10, 6);
        double p = (14.0 / 17 + 12.0 / 16 + 10.0 / 15 + 8.0 / 14 + 7.0 / 13 + 6.0 / 12) / 6;
        double r = (14.0 / 15 + 12.0 / 14 + 10.0 / 13 + 8.0 / 12 + 7.0 / 11 + 6.0 / 10) / 6;
        assertThat(ChrF.score(s)).isCloseTo(100 * 5 * p * r / (4 * p + r), within(1e-9)).isCloseTo(72.0848317308, within(1e-9));
        assertThat(ChrF.sentence("the cat sat here", "the cat sat on the mat")).isCloseTo(52.0436879628, within(1e-9));
        // the hypothesis has no 3- to 6-grams: only orders 1 and 2 count (effective order), no ε-smoothing
        assertThat(ChrF.sentence("the cat", "the cat sat on the mat")).isCloseTo(27.2533154054, within(1e-9));
        assertThat(ChrF.sentence("", "the cat")).isZero();
    }

    @Test
    void nonAsciiSegmentsAndCorpusScoresSumStatisticsAsSacrebleuDoes() {
        assertThat(ChrF.sentence("Der schnelle braune Fuchs springt.", "Der flinke braune Fuchs springt über den Hund."))
                .isCloseTo(51.9550194716, within(1e-9));
        assertThat(Bleu.score(Bleu.statistics("Der schnelle braune Fuchs springt.", "Der flinke braune Fuchs springt über den Hund.")))
                .isCloseTo(20.8218654108, within(1e-9));
        assertThat(ChrF.sentence("Größe: 12,5 cm — sehr groß!", "Größe: 12,5 cm, sehr groß!")).isCloseTo(81.1343681545, within(1e-9));
        assertThat(Bleu.score(Bleu.statistics("Größe: 12,5 cm — sehr groß!", "Größe: 12,5 cm, sehr groß!"))).isCloseTo(50.0, within(1e-9));

        List<String> hyps = List.of("Der schnelle braune Fuchs springt.", "Größe: 12,5 cm — sehr groß!", "the cat sat on the mat");
        List<String> refs = List.of("Der flinke braune Fuchs springt über den Hund.", "Größe: 12,5 cm, sehr groß!", "the cat sat on a mat");
        List<long[]> chrf = new java.util.ArrayList<>(), bleu = new java.util.ArrayList<>();
        for (int i = 0; i < hyps.size(); i++) {
            chrf.add(ChrF.statistics(hyps.get(i), refs.get(i)));
            bleu.add(Bleu.statistics(hyps.get(i), refs.get(i)));
        }
        assertThat(ChrF.score(ChrF.sum(chrf))).isCloseTo(64.3292620056, within(1e-9));
        assertThat(Bleu.score(Bleu.sum(bleu))).isCloseTo(38.2396105088, within(1e-9));
        // not the mean of the segment scores
        assertThat((51.9550194716 + 81.1343681545 + 72.0848317308) / 3).isNotCloseTo(64.3292620056, within(0.1));
    }
}

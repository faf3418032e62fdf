package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.task.MmluProxLanguages;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MMLU-ProX end to end in German: li-lab/MMLU-ProX rows, the German chain-of-thought prompt, the German closing phrase. */
class MmluProxTaskTest {
    @TempDir Path dir;

    /** Canned German answers by question; records every prompt. */
    static final class Answerer implements Target {
        final List<String> prompts = new ArrayList<>();

        @Override
        public synchronized GenerationResult generate(GenerationRequest r) {
            String prompt = r.promptText();
            prompts.add(prompt);
            String reply;
            if (prompt.contains("Wie viele Beine")) reply = "Eine Spinne hat acht Beine. Die Antwort ist (C).";
            else if (prompt.contains("Hauptstadt")) reply = "Erst dachte ich, die Antwort ist (A), aber nein: die antwort ist B";   // last phrase, any case
            else if (prompt.contains("Welche Farbe")) reply = "The answer is (A)";   // an English phrase is not the German one
            else reply = "Die Antwort ist a bit unclear";   // a lower-case letter names no option
            return GenerationResult.ofText(reply, "stop");
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "answerer")); }
    }

    static final String DATA = """
            {"question_id": 11, "question": "Wie viele Beine hat eine Spinne?", "option_0": "4", "option_1": "6", "option_2": "8", "option_3": "10", "option_4": null, "option_5": null, "option_6": null, "option_7": null, "option_8": null, "option_9": null, "answer": "C", "answer_index": 2, "category": "biology", "src": "x"}
            {"question_id": 12, "question": "Was ist die Hauptstadt von Frankreich?", "option_0": "Lyon", "option_1": "Paris", "option_2": "Nizza", "option_3": null, "option_4": null, "option_5": null, "option_6": null, "option_7": null, "option_8": null, "option_9": null, "answer": "B", "answer_index": 1, "category": "other", "src": "x"}
            {"question_id": 13, "question": "Welche Farbe hat der Himmel?", "option_0": "Blau", "option_1": "Rot", "option_2": null, "option_3": null, "option_4": null, "option_5": null, "option_6": null, "option_7": null, "option_8": null, "option_9": null, "answer": "A", "answer_index": 0, "category": "physics", "src": "x"}
            {"question_id": 14, "question": "Welcher Algorithmus sortiert stabil?", "option_0": "Mergesort", "option_1": "Heapsort", "option_2": null, "option_3": null, "option_4": null, "option_5": null, "option_6": null, "option_7": null, "option_8": null, "option_9": null, "answer_index": 0, "category": "computer science", "src": "x"}
            """;

    private RunResults run(Path out, Path data, Answerer target, String language) {
        Path config = TestDatasets.write(dir.resolve(out.getFileName() + ".yaml"), """
                target: {model: unused}
                run: {seed: 5}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - {name: mmlu_prox_de, type: mmlu_prox, dataset: %s, params: {language: %s}}
                """.formatted(data.getFileName(), language));
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), out, target).results();
    }

    @Test
    void germanPromptAndClosingPhrase() {
        Path data = TestDatasets.write(dir.resolve("de.jsonl"), DATA);
        Answerer answerer = new Answerer();
        RunResults r = run(dir.resolve("a"), data, answerer, "de");
        TaskMetrics m = r.tasks().get("mmlu_prox_de");
        assertThat(m.items()).isEqualTo(4);
        assertThat(m.mean().mean()).isEqualTo(0.5);   // spider (C) and capital (last phrase: B) right; English phrase, lower-case letter: no answer
        assertThat(m.extractionMisses()).isEqualTo(2);
        assertThat(answerer.prompts).contains("Im Folgenden sind Multiple-Choice-Fragen (mit Antworten) zu Biologie. Denken Sie Schritt "
                + "für Schritt nach und beenden Sie Ihre Antwort mit \"Die Antwort ist (X)\", wobei X der richtige Buchstabe ist.\n"
                + "Frage:\nWie viele Beine hat eine Spinne?\nOptionen:\nA. 4\nB. 6\nC. 8\nD. 10\n"
                + "Antwort: Denken wir Schritt für Schritt nach.");
        assertThat(answerer.prompts).anyMatch(p -> p.startsWith("Im Folgenden sind Multiple-Choice-Fragen (mit Antworten) zu Informatik."));
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("a"));
        assertThat(samples).extracting(SampleRecord::itemId).containsExactly("11", "12", "13", "14");
        assertThat(samples).extracting(SampleRecord::extracted).containsExactly("C", "B", null, null);

        RunResults again = run(dir.resolve("b"), data, new Answerer(), "de");
        assertThat(again.samplesDigest()).isEqualTo(r.samplesDigest());
        assertThat(read(dir.resolve("b/results.json"))).isEqualTo(read(dir.resolve("a/results.json")));
    }

    @Test
    void everyLanguageHasItsPromptAndPhrase() {
        assertThat(MmluProxLanguages.languages()).hasSize(29).contains("en", "de", "ja", "zh", "sw", "wo", "yo", "uk");
        for (String language : MmluProxLanguages.languages()) {
            String prompt = MmluProxLanguages.prompt(language, "computer science", "Q?", List.of("x", "y"));
            assertThat(prompt).as(language).doesNotContain("{subject}").doesNotContain("{ans_suffix}").contains("(X)").contains("\nA. x\nB. y\n");
        }
        assertThat(Pattern.compile(MmluProxLanguages.answerPattern("en")).matcher("So The Answer Is (D).").find()).isTrue();
        var ja = Pattern.compile(MmluProxLanguages.answerPattern("ja")).matcher("よって、答えは (E) です。");
        assertThat(ja.find()).isTrue();
        assertThat(ja.group(1)).isEqualTo("E");
    }

    @Test
    void anUnknownLanguageOrCategoryIsNamed() {
        Path data = TestDatasets.write(dir.resolve("de.jsonl"), DATA);
        assertThatThrownBy(() -> run(dir.resolve("c"), data, new Answerer(), "xx")).hasMessageContaining("no language 'xx'");
        Path bad = TestDatasets.write(dir.resolve("bad.jsonl"), DATA.lines().findFirst().orElseThrow().replace("biology", "astrology") + "\n");
        assertThatThrownBy(() -> run(dir.resolve("d"), bad, new Answerer(), "de"))
                .hasMessageContaining("bad.jsonl row 0").hasMessageContaining("unknown category 'astrology'");
    }
}

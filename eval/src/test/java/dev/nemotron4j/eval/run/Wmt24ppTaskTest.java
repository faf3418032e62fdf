package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** WMT24++ end to end: google/wmt24pp rows, the WMT24++ prompt, bad sources left out, chrF per sample, corpus chrF and BLEU. */
class Wmt24ppTaskTest {
    @TempDir Path dir;

    /** Canned translations by source sentence; records every prompt it is sent. */
    static final class Translator implements Target {
        final List<String> prompts = new ArrayList<>();

        @Override
        public synchronized GenerationResult generate(GenerationRequest r) {
            String prompt = r.promptText();
            prompts.add(prompt);
            String reply;
            if (prompt.contains("The quick brown fox jumps.")) reply = "<think>schnell or flink?</think>Der schnelle braune Fuchs springt.";
            else if (prompt.contains("Size: 12.5 cm")) reply = "Größe: 12,5 cm — sehr groß!\n";
            else reply = "the cat sat on the mat";
            return GenerationResult.ofText(reply, "stop");
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "translator")); }
    }

    static final String DATA = """
            {"lp": "en-de_DE", "domain": "news", "document_id": "d1", "segment_id": 0, "is_bad_source": false, "source": "The quick brown fox jumps.", "target": "Der flinke braune Fuchs springt über den Hund.", "original_target": "x"}
            {"lp": "en-de_DE", "domain": "news", "document_id": "d1", "segment_id": 1, "is_bad_source": true, "source": "garbled ###", "target": "kaputt", "original_target": "x"}
            {"lp": "en-de_DE", "domain": "social", "document_id": "d2", "segment_id": 2, "is_bad_source": false, "source": "Size: 12.5 cm, very big!", "target": "Größe: 12,5 cm, sehr groß!", "original_target": "x"}
            {"lp": "en-fr_CA", "domain": "speech", "document_id": "d3", "segment_id": 0, "is_bad_source": false, "source": "The cat sat on a mat.", "target": "the cat sat on a mat", "original_target": "x"}
            """;

    private RunResults run(Path out, Path data, Translator target) {
        Path config = TestDatasets.write(dir.resolve(out.getFileName() + ".yaml"), """
                target: {model: unused}
                run: {seed: 5}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - {name: wmt24pp, dataset: %s}
                """.formatted(data.getFileName()));
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), out, target).results();
    }

    @Test
    void chrfPerSampleAndCorpusChrfAndBleuAsSacrebleu() {
        Path data = TestDatasets.write(dir.resolve("wmt24pp.jsonl"), DATA);
        Translator translator = new Translator();
        RunResults r = run(dir.resolve("a"), data, translator);
        TaskMetrics m = r.tasks().get("wmt24pp");
        assertThat(m.items()).isEqualTo(3);   // the bad source is left out
        assertThat(translator.prompts).noneMatch(p -> p.contains("garbled"));
        assertThat(translator.prompts).contains("You are a professional English to German translator, tasked with providing translations "
                + "suitable for use in Germany (de_DE). Your goal is to accurately convey the meaning and nuances of the original English "
                + "text while adhering to German grammar, vocabulary, and cultural sensitivities.\n"
                + "Please translate the following English text into German (de_DE):\n\nThe quick brown fox jumps.\n\n"
                + "Produce only the German translation, without any additional explanations or commentary.");
        assertThat(translator.prompts).anyMatch(p -> p.contains("into French (fr_CA)") && p.contains("use in Canada (fr_CA)"));
        // sentence chrF / 100, averaged; corpus metrics from summed statistics (sacreBLEU: chrF 64.3292620056, BLEU 38.2396105088)
        assertThat(m.mean().mean()).isCloseTo((51.9550194716 + 81.1343681545 + 72.0848317308) / 300, within(1e-9));
        assertThat(m.breakdown().get("chrf")).isCloseTo(64.3292620056, within(1e-9));
        assertThat(m.breakdown().get("bleu")).isCloseTo(38.2396105088, within(1e-9));
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("a"));
        assertThat(samples).extracting(SampleRecord::itemId).containsExactly("en-de_DE/0", "en-de_DE/2", "en-fr_CA/0");
        assertThat(samples.getFirst().score()).isCloseTo(0.519550194716, within(1e-11));   // thinking is not translated text

        RunResults again = run(dir.resolve("b"), data, new Translator());
        assertThat(again.samplesDigest()).isEqualTo(r.samplesDigest());
        assertThat(read(dir.resolve("b/results.json"))).isEqualTo(read(dir.resolve("a/results.json")));
    }

    @Test
    void anUnknownTargetLocaleStopsTheRunNamingTheRow() {
        Path data = TestDatasets.write(dir.resolve("bad.jsonl"), """
                {"lp": "en-de_DE", "source": "a", "target": "b"}
                {"lp": "en-xx_XX", "source": "a", "target": "b"}
                """);
        assertThatThrownBy(() -> run(dir.resolve("c"), data, new Translator()))
                .hasMessageContaining("bad.jsonl row 1").hasMessageContaining("unknown target locale 'xx_XX'");
    }
}

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
import java.util.List;
import java.util.Map;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IFBench end to end: rows as allenai/IFBench publishes them (every argument listed, null where unused), four accuracies. */
class IfbenchTaskTest {
    @TempDir Path dir;

    /** Canned replies: one follows everything, one follows only once its first line is dropped, one fails. */
    static final class Writer implements Target {
        @Override
        public GenerationResult generate(GenerationRequest r) {
            String prompt = r.promptText();
            String reply;
            if (prompt.startsWith("Name two")) reply = "<think>two names, a stair of indents</think>Emma\n Liam";
            else if (prompt.startsWith("Is it")) reply = "Sure:\nyes";
            else reply = "1 2 3 4";
            return GenerationResult.ofText(reply, "stop");
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "writer")); }
    }

    /** One row's kwargs as IFBench's file has them: every argument of the set listed, null where unused. */
    private static String kwargs(String set) {
        String all = "{\"N\": null, \"options\": null, \"sep\": null, \"small_n\": null, \"keyword\": null}";
        for (String kv : set.split(";")) {
            if (kv.isEmpty()) continue;
            String name = kv.substring(0, kv.indexOf('='));
            all = all.replace("\"" + name + "\": null", "\"" + name + "\": " + kv.substring(kv.indexOf('=') + 1));
        }
        return all;
    }

    static final String DATA = String.join("\n",
            "{\"key\": \"a\", \"prompt\": \"Name two people. Use at least 2 person names. Indent each line more than the last.\", "
                    + "\"instruction_id_list\": [\"count:person_names\", \"format:line_indent\"], \"kwargs\": [" + kwargs("N=2") + ", " + kwargs("") + "]}",
            "{\"key\": \"b\", \"prompt\": \"Is it raining? Use no digits. Answer with one of yes/no/maybe.\", "
                    + "\"instruction_id_list\": [\"count:numbers\", \"format:options\"], \"kwargs\": [" + kwargs("N=0") + ", " + kwargs("options=\"yes/no/maybe\"") + "]}",
            "{\"key\": \"c\", \"prompt\": \"Count to four. Include exactly 3 numbers.\", "
                    + "\"instruction_id_list\": [\"count:numbers\"], \"kwargs\": [" + kwargs("N=3") + "]}") + "\n";

    private RunResults run(Path out, Path data) {
        Path config = TestDatasets.write(dir.resolve(out.getFileName() + ".yaml"), """
                target: {model: unused}
                run: {seed: 5}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - {name: ifbench, dataset: %s}
                """.formatted(data.getFileName()));
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), out, new Writer()).results();
    }

    @Test
    void strictAndLooseAccuraciesAtPromptAndInstructionLevel() {
        Path data = TestDatasets.write(dir.resolve("ifbench.jsonl"), DATA);
        RunResults r = run(dir.resolve("a"), data);
        TaskMetrics m = r.tasks().get("ifbench");
        // a: both followed; b: no digits, and "yes" only once the first line "Sure:" is dropped (loose); c: four numbers, not 3
        assertThat(m.mean().mean()).isEqualTo(1.0 / 3);
        assertThat(m.breakdown()).containsExactly(
                Map.entry("prompt_level_strict_acc", 1.0 / 3),
                Map.entry("inst_level_strict_acc", 3.0 / 5),
                Map.entry("prompt_level_loose_acc", 2.0 / 3),
                Map.entry("inst_level_loose_acc", 4.0 / 5));
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("a"));
        assertThat(samples.get(1).details().toString()).isEqualTo("{\"loose\":[true,true],\"strict\":[true,false]}");
        assertThat(samples.getFirst().answerText()).isEqualTo("Emma\n Liam");   // thinking is not judged

        RunResults again = run(dir.resolve("b"), data);
        assertThat(again.samplesDigest()).isEqualTo(r.samplesDigest());
        assertThat(read(dir.resolve("b/results.json"))).isEqualTo(read(dir.resolve("a/results.json")));
    }

    @Test
    void aMissingArgumentStopsTheRunBeforeAnythingIsSent() {
        Path data = TestDatasets.write(dir.resolve("bad.jsonl"), """
                {"key": "z", "prompt": "p", "instruction_id_list": ["punctuation:no_comma", "count:numbers"], "kwargs": [{}, {"N": null}]}
                """);
        assertThatThrownBy(() -> run(dir.resolve("c"), data))
                .hasMessageContaining("bad.jsonl row 0").hasMessageContaining("count:numbers").hasMessageContaining("'N' missing");
    }
}

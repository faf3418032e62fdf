package dev.nemotron4j.train.run;

import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.train.model.TrainableModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The smoke recipe end to end: trained twice it gives byte-identical weights; stopped after 10 steps and resumed
 * (even from a state left between the two renames, next to a half-written one) it gives the same bytes as the
 * uninterrupted run; the loss falls; the output is a model directory the engine loads with the training
 * forward's logits.
 */
class TrainerTest {
    @TempDir
    static Path tmp;
    static Path first;
    static Trainer.Result firstResult;

    @BeforeAll
    static void trainOnce() throws IOException {
        first = tmp.resolve("a");
        firstResult = Trainer.run(TrainConfigReader.recipe("smoke"), new Trainer.Options(first, null, 0, null));
    }

    @Test
    void writesAModelDirectoryStateMetricsAndPlot() throws IOException {
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
                "metrics.jsonl", "training.png", "train-state/model.safetensors", "train-state/optimizer.safetensors",
                "train-state/state.json", "train-state/config.yaml")) {
            assertThat(first.resolve(f)).as(f).isRegularFile();
        }
        try (var files = Files.list(first)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
        assertThat(Files.readAllLines(first.resolve("metrics.jsonl"))).hasSize(30).first().asString()
                .contains("\"step\":1,").contains("\"expert_load\":[[").contains("\"max_violation\":[");
        assertThat(Files.readString(first.resolve("tokenizer_config.json"))).contains("chat_template").contains("<|im_start|>");
        assertThat(firstResult.stepsDone()).isEqualTo(30);
    }

    @Test
    void lossFalls() {
        List<StepMetrics> m = firstResult.metrics();
        double start = (m.get(0).loss() + m.get(1).loss()) / 2, end = (m.get(28).loss() + m.get(29).loss()) / 2;
        assertThat(start).as("starts near ln 288 = 5.66").isBetween(5.0, 6.5);
        assertThat(end).as("after 30 steps").isLessThan(start - 1.5);
        for (StepMetrics s : m) {
            assertThat(s.expertLoad()).hasNumberOfRows(2);
            assertThat(s.expertLoad()[0]).hasSize(8);
            assertThat(java.util.Arrays.stream(s.expertLoad()[0]).sum()).isEqualTo(2L * 4 * 48);
        }
    }

    @Test
    void sameConfigGivesTheSameBytes() throws IOException {
        Path second = tmp.resolve("b");
        Trainer.run(TrainConfigReader.recipe("smoke"), new Trainer.Options(second, null, 0, null));
        assertThat(Files.readAllBytes(second.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(first.resolve("model.safetensors")));
        assertThat(Files.readAllBytes(second.resolve("train-state/optimizer.safetensors")))
                .isEqualTo(Files.readAllBytes(first.resolve("train-state/optimizer.safetensors")));
    }

    @Test
    void stoppedAndResumedGivesTheUninterruptedBytes() throws IOException {
        Path run = tmp.resolve("c");
        Trainer.Result part = Trainer.run(TrainConfigReader.recipe("smoke"), new Trainer.Options(run, null, 10, null));
        assertThat(part.stepsDone()).isEqualTo(10);
        assertThat(Files.readAllBytes(run.resolve("model.safetensors"))).isNotEqualTo(Files.readAllBytes(first.resolve("model.safetensors")));
        // a kill between the two renames of the next checkpoint, next to a half-written one
        Files.move(run.resolve("train-state"), run.resolve(".train-state.old"));
        Files.createDirectories(run.resolve(".train-state.tmp"));
        Files.writeString(run.resolve(".train-state.tmp/state.json"), "{\"step\": 29");
        Trainer.Result rest = Trainer.run(Trainer.savedConfig(run), new Trainer.Options(run, run, 0, null));
        assertThat(rest.stepsDone()).isEqualTo(30);
        assertThat(Files.readAllBytes(run.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(first.resolve("model.safetensors")));
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(30);
        assertThat(run.resolve(".train-state.tmp")).doesNotExist();
        assertThat(run.resolve(".train-state.old")).doesNotExist();
        assertThat(rest.lastLoss()).isEqualTo(firstResult.lastLoss());
    }

    @Test
    void fastModelTrainsFromTheSameStartAndResumesExactly() throws IOException {
        TrainConfig fast = TrainConfigReader.fromYaml("recipe: smoke\nmodel: {implementation: fast}\n", "fast.yaml");
        Path whole = tmp.resolve("fast"), split = tmp.resolve("fast-split");
        Trainer.Result r = Trainer.run(fast, new Trainer.Options(whole, null, 8, null));
        // the same initial weights and data: the first step's loss is the reference's up to float32 rounding
        assertThat(r.metrics().getFirst().loss()).isCloseTo(firstResult.metrics().getFirst().loss(), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(r.metrics().get(7).loss()).isLessThan(r.metrics().getFirst().loss() - 1);
        Trainer.run(fast, new Trainer.Options(split, null, 5, null));
        Trainer.run(Trainer.savedConfig(split), new Trainer.Options(split, split, 8, null));
        assertThat(Files.readAllBytes(split.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(whole.resolve("model.safetensors")));
    }

    @Test
    void jsonlDataTrainsAndResumesExactly() throws IOException {
        Path dir = tmp.resolve("jsonl");
        Files.createDirectories(dir);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 12; i++) lines.append("{\"text\": \"count ").append(i).append(' ').append(i + 1).append(' ').append(i + 2).append("\"}\n");
        lines.append("{\"messages\": [{\"role\": \"user\", \"content\": \"2+2?\"}, {\"role\": \"assistant\", \"content\": \"4\"}]}\n");
        Files.writeString(dir.resolve("data.jsonl"), lines);
        Files.writeString(dir.resolve("run.yaml"), "recipe: smoke\nsteps: 4\nschedule: {warmup_steps: 1, decay_steps: 1}\ndata: {source: jsonl, path: data.jsonl}\n");
        TrainConfig config = TrainConfigReader.file(dir.resolve("run.yaml"));
        assertThat(config.data().path()).isEqualTo(dir.resolve("data.jsonl").toAbsolutePath().toString());
        Trainer.Result whole = Trainer.run(config, new Trainer.Options(dir.resolve("whole"), null, 0, null));
        assertThat(whole.metrics()).hasSize(4).allMatch(m -> Double.isFinite(m.loss()) && m.tokens() > 0);
        Trainer.run(config, new Trainer.Options(dir.resolve("split"), null, 2, null));
        Trainer.run(Trainer.savedConfig(dir.resolve("split")), new Trainer.Options(dir.resolve("split"), dir.resolve("split"), 0, null));
        assertThat(Files.readAllBytes(dir.resolve("split/model.safetensors"))).isEqualTo(Files.readAllBytes(dir.resolve("whole/model.safetensors")));
    }

    @Test
    void builtInTaskSourcesTrainAndResumeExactly() throws IOException {
        for (String source : List.of("tasks", "sft")) {
            Path dir = tmp.resolve(source);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("run.yaml"), "recipe: smoke\nsteps: 3\nschedule: {warmup_steps: 1, decay_steps: 1}\n"
                    + "data: {source: " + source + ", packing: " + (source.equals("sft") ? "whole" : "fill") + ", sequence_length: "
                    + (source.equals("sft") ? 2048 : 256) + ", rows_per_micro_batch: 2}\n"); // byte-level tokens: a chat with tools is ~1-2k
            TrainConfig config = TrainConfigReader.file(dir.resolve("run.yaml"));
            Trainer.Result whole = Trainer.run(config, new Trainer.Options(dir.resolve("whole"), null, 0, null));
            // SFT learns only the assistant turns: fewer target tokens than positions; the text source learns (nearly) all
            long positions = (long) config.rowsPerStep() * config.data().sequenceLength();
            assertThat(whole.metrics()).hasSize(3).allMatch(m -> Double.isFinite(m.loss()) && m.tokens() > 0 && m.tokens() < positions);
            if (source.equals("sft")) assertThat(whole.metrics().getFirst().tokens()).isLessThan(positions / 2);
            else assertThat(whole.metrics().getFirst().tokens()).isGreaterThan(positions * 9 / 10);
            Trainer.run(config, new Trainer.Options(dir.resolve("split"), null, 1, null));
            Trainer.run(Trainer.savedConfig(dir.resolve("split")), new Trainer.Options(dir.resolve("split"), dir.resolve("split"), 0, null));
            assertThat(Files.readAllBytes(dir.resolve("split/model.safetensors")))
                    .as(source).isEqualTo(Files.readAllBytes(dir.resolve("whole/model.safetensors")));
        }
    }

    @Test
    void resumingWithoutStateIsAClearError() {
        assertThatThrownBy(() -> Trainer.savedConfig(tmp.resolve("nothing"))).hasMessageContaining("no train-state/ to resume from");
    }

    @Test
    void engineLoadsTheResultWithTheTrainingLogits() {
        TrainableModel trained = TrainableModel.load(first);
        String text = "count 17 18 19 20";
        int[] tokens = ByteLevelTokenizer.encode(text);
        double[] ours = trained.forward(tokens);
        try (NemotronHModel engine = ModelSource.of(first).load(WorkerPool.shared())) {
            float[] theirs = engine.forwardAll(engine.newState(), tokens, null);
            double worst = 0;
            for (int i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
            assertThat(worst).isLessThan(1e-4);
            // it learned the pattern a little: after "count 17 18 19 " the digit '2' is likely
            int last = text.lastIndexOf(' '), vocab = engine.vocabSize();
            int best = 0;
            for (int v = 1; v < vocab; v++) if (theirs[last * vocab + v] > theirs[last * vocab + best]) best = v;
            assertThat(best).as("argmax after '...19 '").isBetween(ByteLevelTokenizer.byteToken('0'), ByteLevelTokenizer.byteToken('9'));
        }
    }
}

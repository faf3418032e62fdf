package dev.nemotron4j.train.run;

import dev.nemotron4j.train.rl.GrpoConfig;
import dev.nemotron4j.train.rl.GrpoStepMetrics;
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
 * Staged training: the default recipe's shape, the miniature pipeline end to end (pretraining, SFT, GRPO; byte-identical
 * on one and two threads; resumed after a lost stage it gives the same bytes), the {@code rl:} and {@code stages:}
 * keys' errors.
 */
class TrainPipelineTest {
    @TempDir
    static Path tmp;
    static Path first;

    @BeforeAll
    static void runMiniatureOnce() throws IOException {
        first = tmp.resolve("a");
        Trainer.run(TrainConfigReader.recipePipeline("default-mini"), new Trainer.Options(first, null, 0, null));
    }

    @Test
    void defaultRecipeIsPretrainingThenSftThenArithmeticSftThenGrpo() {
        TrainPipeline p = TrainConfigReader.recipePipeline("default");
        assertThat(p.stages()).extracting(TrainPipeline.Stage::name).containsExactly("pretrain", "sft", "sft-arithmetic", "sft-more", "sft-copy", "sft-copy-2", "sft-settle", "rl");
        TrainConfig pretrain = p.stages().get(0).config(), sft = p.stages().get(1).config(), rl = p.stages().getLast().config();
        TrainConfig arithmetic = p.stages().get(2).config(), more = p.stages().get(3).config();
        assertThat(sft.data().environments()).isNull();
        assertThat(arithmetic.data().environments()).containsEntry("arithmetic", 4);
        assertThat(more.data().environments()).containsEntry("arithmetic", 5);
        assertThat(more.data().variedToolResults()).isTrue();
        assertThat(arithmetic.data().variedToolResults()).isFalse();
        // each later SFT stage reads examples the one before did not (a stage reads steps x rows x 8 at most: a row
        // holds at most a few short conversations of >= 128 tokens)
        assertThat(arithmetic.data().firstExample()).isGreaterThan((long) sft.steps() * sft.rowsPerStep() * sft.data().sequenceLength() / 100);
        assertThat(more.data().firstExample()).isGreaterThan(arithmetic.data().firstExample()
                + (long) arithmetic.steps() * arithmetic.rowsPerStep() * arithmetic.data().sequenceLength() / 100);
        assertThat(pretrain.data().source()).isEqualTo("tasks");
        assertThat(sft.data().source()).isEqualTo("sft");
        assertThat(sft.data().packing()).isEqualTo("whole");
        assertThat(rl.isRl()).isTrue();
        assertThat(pretrain.isRl()).isFalse();
        // every stage shares the model and tokenizer (a stage starts from the previous one's weights)
        for (TrainPipeline.Stage s : p.stages()) {
            assertThat(s.config().model().configJson()).isEqualTo(pretrain.model().configJson());
            assertThat(s.config().tokenizer()).isEqualTo(new TrainConfig.Tokenizer("bpe", 1024, 3000, true));
            assertThat(s.config().model().config().vocabSize()).isEqualTo(1024);
        }
        assertThat(pretrain.model().config().pattern()).contains("M", "E", "*");
        GrpoConfig g = rl.rl().grpo();
        assertThat(g.groupSize()).isBetween(8, 16);
        assertThat(g.seed()).isEqualTo(rl.seed());
        assertThat(g.adam()).isEqualTo(rl.optimizer().adamW());
    }

    @Test
    void miniatureRunsEveryStageAndCopiesTheLastModelOut() throws IOException {
        for (String stage : List.of("1-pretrain", "2-sft", "3-rl")) {
            Path dir = first.resolve("stages").resolve(stage);
            assertThat(dir.resolve(Trainer.STAGE_COMPLETE)).as(stage).exists();
            assertThat(Files.readString(dir.resolve(Trainer.STAGE_COMPLETE)).strip()).isEqualTo(Trainer.sha256(dir.resolve("model.safetensors")));
        }
        for (String f : ModelDirectory.MODEL_FILES) {
            assertThat(Files.readAllBytes(first.resolve(f))).as(f).isEqualTo(Files.readAllBytes(first.resolve("stages/3-rl").resolve(f)));
        }
        // each stage changed the weights it started from
        assertThat(Files.readAllBytes(first.resolve("stages/2-sft/model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(first.resolve("stages/1-pretrain/model.safetensors")));
        assertThat(Files.readAllBytes(first.resolve("stages/3-rl/model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(first.resolve("stages/2-sft/model.safetensors")));
        // the tokenizer was trained once and handed on; digits stay single tokens
        assertThat(Files.readString(first.resolve("tokenizer.json"))).isEqualTo(Files.readString(first.resolve("stages/1-pretrain/tokenizer.json")));
        dev.nemotron4j.tokenizer.Tokenizer tokenizer = dev.nemotron4j.tokenizer.Tokenizer.load(first.resolve("tokenizer.json"));
        assertThat(tokenizer.encode("12345", false)).hasSize(5);
        List<GrpoStepMetrics> rl = GrpoStage.read(first.resolve("stages/3-rl"));
        assertThat(rl).hasSize(2).allMatch(m -> m.completions() == 4);
        assertThat(first.resolve(Trainer.PIPELINE_FILE)).exists();
    }

    @Test
    void twoThreadsGiveTheSameBytes() throws IOException {
        Path b = tmp.resolve("b");
        Trainer.run(TrainConfigReader.recipePipeline("default-mini").withThreads(2), new Trainer.Options(b, null, 0, null));
        assertThat(Files.readAllBytes(b.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(first.resolve("model.safetensors")));
    }

    @Test
    void resumeRunsOnlyTheUnfinishedStagesToTheSameBytes() throws IOException {
        Path c = tmp.resolve("c");
        copyTree(first, c);
        // the GRPO stage and the final copy were lost; the SFT stage's marker too (its state is complete)
        deleteTree(c.resolve("stages/3-rl"));
        Files.delete(c.resolve("stages/2-sft").resolve(Trainer.STAGE_COMPLETE));
        for (String f : ModelDirectory.MODEL_FILES) Files.delete(c.resolve(f));
        long pretrainModified = Files.getLastModifiedTime(c.resolve("stages/1-pretrain/model.safetensors")).toMillis();
        Trainer.run(Trainer.savedPipeline(c), new Trainer.Options(c, c, 0, null));
        assertThat(Files.readAllBytes(c.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(first.resolve("model.safetensors")));
        assertThat(Files.getLastModifiedTime(c.resolve("stages/1-pretrain/model.safetensors")).toMillis()).isEqualTo(pretrainModified);
    }

    @Test
    void aSecondRunIntoTheSameDirectoryIsRefused() {
        assertThatThrownBy(() -> Trainer.run(TrainConfigReader.recipePipeline("default-mini"), new Trainer.Options(first, null, 0, null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("already holds a pipeline run").hasMessageContaining("--resume");
        assertThatThrownBy(() -> Trainer.run(TrainConfigReader.recipePipeline("default-mini"), new Trainer.Options(tmp.resolve("x"), null, 3, null)))
                .hasMessageContaining("--stop-after-steps applies to a single run");
    }

    @Test
    void rlKeysBindToTheGrpoSettings() {
        TrainConfig c = TrainConfigReader.fromYaml("""
                steps: 5
                optimizer: {grad_clip: 0.5, weight_decay: 0.0}
                rl: {prompts_per_step: 3, group_size: 12, max_completion_tokens: 99, temperature: 0.7, learning_rate: 2.0e-4,
                     clip_epsilon: 0.3, updates_per_batch: 2, importance_cap: 3.0, format_reward_weight: 0.2,
                     advantage_epsilon: 1.0e-5, fresh_fraction: 0.25, max_visits: 6, max_batch: 16}
                """, "rl.yaml");
        GrpoConfig g = c.rl().grpo();
        assertThat(g).isEqualTo(new GrpoConfig(1, 3, 12, 99, 0.7f, 2e-4, new dev.nemotron4j.train.optim.AdamW.Settings(0.9, 0.95, 1e-8, 0.0),
                0.5, 0.3, 2, 3.0, 0.2, 1e-5, 0.25, 6, 16));
        // absent keys take GrpoConfig's defaults
        GrpoConfig d = TrainConfigReader.fromYaml("rl: {}", "rl.yaml").rl().grpo();
        GrpoConfig defaults = GrpoConfig.defaults(1);
        assertThat(d.groupSize()).isEqualTo(defaults.groupSize());
        assertThat(d.learningRate()).isEqualTo(defaults.learningRate());
        assertThat(d.maxCompletionTokens()).isEqualTo(defaults.maxCompletionTokens());
    }

    @Test
    void badStageAndRlValuesNameTheirKey() {
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("rl: {group_size: 1}", "t.yaml")).hasMessageContaining("t.yaml: rl.group_size: must be in [2,");
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("rl: {groups: 4}", "t.yaml")).hasMessageContaining("rl.groups: unknown key");
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("rl: {clip_epsilon: 1.5}", "t.yaml")).hasMessageContaining("rl.clip_epsilon");
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("rl: 3", "t.yaml")).hasMessageContaining("rl: expected a section");
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("stages: []", "t.yaml")).hasMessageContaining("a staged config is a pipeline");
        assertThatThrownBy(() -> TrainConfigReader.pipelineFromYaml("stages: []", "t.yaml", null)).hasMessageContaining("t.yaml: stages: expected a non-empty list");
        assertThatThrownBy(() -> TrainConfigReader.pipelineFromYaml("stages: [{steps: 3}]", "t.yaml", null)).hasMessageContaining("stages[0].name: expected a lower-case name");
        assertThatThrownBy(() -> TrainConfigReader.pipelineFromYaml("stages: [{name: a}, {name: a}]", "t.yaml", null)).hasMessageContaining("stages[1].name: 'a' is used twice");
        assertThatThrownBy(() -> TrainConfigReader.pipelineFromYaml("stages: [{name: a}, {name: b, steps: 0}]", "t.yaml", null))
                .hasMessageContaining("t.yaml: stages[1] (b): steps: must be in [1,");
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("tokenizer: {type: bpe, vocab_size: 100}", "t.yaml")).hasMessageContaining("tokenizer.vocab_size: must be in [288,");
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("tokenizer: {type: wordpiece}", "t.yaml")).hasMessageContaining("tokenizer.type: 'wordpiece' is not one of");
        assertThat(TrainConfigReader.fromYaml("tokenizer: {type: bpe, vocab_size: 500}", "t.yaml").model().config().vocabSize()).isEqualTo(500);
    }

    @Test
    void aGrpoRunCannotResume() {
        TrainConfig rl = TrainConfigReader.recipePipeline("default-mini").stages().get(2).config();
        assertThatThrownBy(() -> Trainer.run(rl, new Trainer.Options(tmp.resolve("r"), tmp.resolve("r"), 0, null)))
                .hasMessageContaining("rl: a GRPO stage cannot be resumed");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        TrainState.deleteTree(dir);
    }
}

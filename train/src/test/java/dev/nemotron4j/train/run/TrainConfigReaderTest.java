package dev.nemotron4j.train.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Recipes bind, files override the defaults, and every bad value is an error naming its key. */
class TrainConfigReaderTest {

    @Test
    void smokeRecipeBinds() {
        TrainConfig c = TrainConfigReader.recipe("smoke");
        assertThat(c.steps()).isEqualTo(30);
        assertThat(c.model().config().pattern()).isEqualTo("MEM*E");
        assertThat(c.model().config().vocabSize()).isEqualTo(ByteLevelTokenizer.VOCAB_SIZE);
        assertThat(c.model().config().numLayers()).isEqualTo(5);
        assertThat(c.model().implementation()).isEqualTo(TrainConfig.Implementation.REFERENCE);
        assertThat(c.optimizer().adamW()).isEqualTo(new dev.nemotron4j.train.optim.AdamW.Settings(0.9, 0.95, 1e-8, 0.1));
        assertThat(c.schedule().warmupSteps() + c.schedule().stableSteps() + c.schedule().decaySteps()).isEqualTo(30);
        assertThat(c.balancing().sequenceAuxLoss()).isEqualTo(1e-4);
        // the saved YAML reads back to the same settings
        TrainConfig again = TrainConfigReader.fromYaml(c.yaml(), "saved");
        assertThat(again.yaml()).isEqualTo(c.yaml());
        assertThat(again.model().configJson()).isEqualTo(c.model().configJson());
    }

    @Test
    void everyRecipeBinds() {
        for (String r : TrainConfigReader.recipes()) {
            assertThat(TrainConfigReader.recipePipeline(r).stages()).as(r).isNotEmpty().allMatch(s -> s.config().steps() > 0);
        }
        assertThatThrownBy(() -> TrainConfigReader.recipe("default")).hasMessageContaining("a staged config is a pipeline");
        assertThatThrownBy(() -> TrainConfigReader.recipe("huge")).hasMessageContaining("unknown recipe 'huge'").hasMessageContaining("smoke");
    }

    @Test
    void sftEnvironmentWeightsAndFirstExampleBind() {
        TrainConfig config = TrainConfigReader.fromYaml(
                "data: {source: sft, packing: whole, first_example: 1000000, environments: {arithmetic: 4, tool_use: 1, instruction_following: 1}}",
                "test.yaml");
        assertThat(config.data().environments()).containsExactly(
                java.util.Map.entry("arithmetic", 4), java.util.Map.entry("tool_use", 1), java.util.Map.entry("instruction_following", 1));
        assertThat(config.data().firstExample()).isEqualTo(1_000_000L);
        TrainConfig plain = TrainConfigReader.fromYaml("data: {source: sft}", "test.yaml");
        assertThat(plain.data().environments()).isNull();
        assertThat(plain.data().firstExample()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "steps: 0|steps: must be in [1,",
            "steps: ten|steps: expected an integer, got 'ten'",
            "optimizer: {beta2: 1.5}|optimizer.beta2: must be a number in",
            "optimizer: {betta1: 0.9}|optimizer.betta1: unknown key",
            "schedule: {warmup_steps: 90, decay_steps: 20}|schedule.decay_steps: warmup_steps + decay_steps = 110 exceeds steps = 100",
            "schedule: {floor_lr: 1.0}|schedule.floor_lr: 1.0 is above schedule.peak_lr",
            "schedule: {decay_shape: exponential}|schedule.decay_shape: 'exponential' is not one of",
            "balancing: {aux_loss_free: yes please}|balancing.aux_loss_free: expected true or false",
            "model: {implementation: gpu}|model.implementation: 'gpu' is not one of",
            "model: {config: {hiden_size: 8}}|model.config.hiden_size: not a config.json key",
            "model: {config: {vocab_size: 1000}}|model.config.vocab_size: 1000 disagrees with the tokenizer's 288",
            "model: {config: {hybrid_override_pattern: MEX}}|hybrid_override_pattern",
            "data: {sequence_length: 1}|data.sequence_length: must be in [2,",
            "data: {source: web}|data.source: 'web' is not one of",
            "data: {source: jsonl}|data.path: missing: data.source jsonl reads the file",
            "data: {source: jsonl, path: no-such.jsonl}|data.path: file not found: no-such.jsonl",
            "data: {path: x.jsonl}|data.path: only data.source jsonl reads a file",
            "data: {packing: tight}|data.packing: 'tight' is not one of",
            "data: {environments: {arithmetic: 2}}|data.environments: only data.source sft mixes environments",
            "data: {source: sft, environments: {algebra: 2}}|data.environments.algebra: unknown environment",
            "data: {source: sft, environments: {arithmetic: 0}}|data.environments.arithmetic: must be in [1, 1000]",
            "data: {source: sft, environments: {}}|data.environments: empty",
            "data: {source: sft, environments: arithmetic}|data.environments: expected a section",
            "data: {first_example: 5}|data.first_example: only data.source tasks and sft",
            "data: {invented_city_percent: 50}|data.invented_city_percent: only data.source sft",
            "data: {source: sft, invented_city_percent: 120}|data.invented_city_percent: must be in [0, 100]",
            "data: {varied_tool_results: true}|data.varied_tool_results: only data.source sft",
            "data: {source: sft, invented_city_style: varied}|data.invented_city_style: names no invented city",
            "data: {source: sft, invented_city_percent: 50, invented_city_style: real}|data.invented_city_style: 'real' is not one of",
            "rl: {environments: {algebra: 2}}|rl.environments.algebra: unknown environment",
            "rl: {environments: {arithmetic: 0}}|rl.environments.arithmetic: must be in [1, 1000]",
            "rl: {environments: {}}|rl.environments: empty",
            "data: {source: sft, first_example: -1}|data.first_example: must be in [0,",
            "optimiser: {}|optimiser: unknown key",
            "tokenizer: byte|tokenizer: expected a section",
    })
    void badValuesNameTheirKey(String yaml, String message) {
        assertThatThrownBy(() -> TrainConfigReader.fromYaml(yaml, "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("test.yaml: ").hasMessageContaining(message);
    }

    @Test
    void malformedYamlAndMissingFileAreClear() {
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("steps: [1,", "x.yaml")).hasMessageContaining("x.yaml: malformed YAML");
        assertThatThrownBy(() -> TrainConfigReader.fromYaml("- 1", "x.yaml")).hasMessageContaining("expected a map of settings");
        assertThatThrownBy(() -> TrainConfigReader.file(java.nio.file.Path.of("no/such.yaml"))).hasMessageContaining("no/such.yaml: file not found");
    }
}

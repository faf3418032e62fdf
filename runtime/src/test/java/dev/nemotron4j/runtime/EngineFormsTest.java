package dev.nemotron4j.runtime;

import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime's own settings types hand the scheduler exactly what they say, field by field. */
class EngineFormsTest {

    @Test
    void samplingBecomesTheSameEngineParameters() {
        Sampling s = new Sampling(0.7f, 5, 0.8f, 0.05f, 1.1f, 0.3f, -0.4f, Map.of(3, 2f, 9, -1f), 42L);
        assertThat(s.engineParams()).isEqualTo(new SamplingParams(0.7f, 5, 0.8f, 0.05f, 1.1f, 0.3f, -0.4f, Map.of(3, 2f, 9, -1f), 42L));
        assertThat(s.withSeed(7).engineParams()).isEqualTo(new SamplingParams(0.7f, 5, 0.8f, 0.05f, 1.1f, 0.3f, -0.4f, Map.of(3, 2f, 9, -1f), 7L));
        assertThat(Sampling.GREEDY.engineParams()).isEqualTo(SamplingParams.GREEDY);
        assertThat(GenerationSettings.of(new Sampling(0.7f, 5, 0.8f, 0.05f, 1.1f, 0.3f, -0.4f, null, 42L), 0).sampling().engineParams())
                .isEqualTo(new SamplingParams(0.7f, 5, 0.8f, 0.05f, 1.1f, 0.3f, -0.4f, Map.of(), 42L));
    }

    @Test
    void samplingOutOfRangeNamesTheField() {
        assertThatThrownBy(() -> new Sampling(0f, 0, 0f, 0f, 1f, 0f, 0f, Map.of(), 0L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("top_p");
        assertThatThrownBy(() -> new Sampling(-1f, 0, 1f, 0f, 1f, 0f, 0f, Map.of(), 0L)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new Sampling(0f, 0, 1f, 0f, 1f, 0f, 3f, Map.of(), 0L)).hasMessageContaining("frequency_penalty");
    }

    @Test
    void serviceOptionsBecomeTheSameSchedulerOptions() {
        assertThat(new TextService.Options(3, 17, 64, 200, 4096).forScheduler()).isEqualTo(new BatchScheduler.Options(3, 17, 64, 200, 4096));
        assertThat(TextService.Options.DEFAULT_PREFILL_CHUNK).isEqualTo(BatchScheduler.DEFAULT_PREFILL_CHUNK);
        assertThatThrownBy(() -> new TextService.Options(0, 1, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.nemotron4j.eval.task;

import dev.nemotron4j.eval.config.EvalConfig.TaskConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskParamsTest {

    private static TaskParams params(Map<String, Object> values) {
        return TaskParams.of(new TaskConfig("ruler", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, values, null, null, null));
    }

    @Test
    void readsTypedValuesAndDefaults() {
        TaskParams p = params(Map.of("lengths", List.of(1024, 4096), "variants", List.of("niah_single_1"), "seed", 7L,
                "on", true, "language", "de", "count", 30));
        assertThat(p.integers("lengths", 16, 1 << 20, List.of())).containsExactly(1024, 4096);
        assertThat(p.strings("variants", List.of())).containsExactly("niah_single_1");
        assertThat(p.integer("seed", 0, Long.MAX_VALUE, 1)).isEqualTo(7L);
        assertThat(p.bool("on", false)).isTrue();
        assertThat(p.string("language", "en")).isEqualTo("de");
        assertThat(p.intValue("count", 1, 100, 5)).isEqualTo(30);
        TaskParams none = params(null);
        assertThat(none.has("count")).isFalse();
        assertThat(none.intValue("count", 1, 100, 5)).isEqualTo(5);
        assertThat(none.integers("lengths", 16, 100, List.of(64))).containsExactly(64);
        assertThat(none.bool("on", true)).isTrue();
    }

    @Test
    void wrongTypesAndRangesNameTheTaskAndTheKey() {
        assertThatThrownBy(() -> params(Map.of("lengths", List.of("4k"))).integers("lengths", 16, 1 << 20, List.of()))
                .hasMessage("task ruler: params.lengths must be a non-empty list of integers 16..1048576, got [4k]");
        assertThatThrownBy(() -> params(Map.of("lengths", 4096)).integers("lengths", 16, 1 << 20, List.of()))
                .hasMessageContaining("params.lengths must be a non-empty list");
        assertThatThrownBy(() -> params(Map.of("count", 0)).intValue("count", 1, 100, 5))
                .hasMessage("task ruler: params.count must be an integer 1..100, got 0");
        assertThatThrownBy(() -> params(Map.of("count", 2.5)).intValue("count", 1, 100, 5)).hasMessageContaining("params.count must be an integer");
        assertThatThrownBy(() -> params(Map.of("on", "yes")).bool("on", false)).hasMessage("task ruler: params.on must be true or false, got yes");
        assertThatThrownBy(() -> params(Map.of("language", 3)).string("language", "en")).hasMessageContaining("params.language must be a string");
        assertThatThrownBy(() -> params(Map.of("variants", List.of(1))).strings("variants", List.of())).hasMessageContaining("list of strings");
    }
}

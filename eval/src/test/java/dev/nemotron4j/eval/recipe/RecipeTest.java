package dev.nemotron4j.eval.recipe;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.run.BenchmarkFamiliesTest;
import dev.nemotron4j.eval.run.EvalRunner;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.target.ReasoningMode;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Item 3 (first part): the bundled Nemotron 3 Nano recipe runs its tasks and reports ours vs published. */
class RecipeTest {
    @TempDir Path dir;

    @Test
    void theRecipeRunsItsBenchmarksAndComparesWithThePublishedNumbers() {
        TestDatasets.write(dir.resolve("mmlu_pro.jsonl"), """
                {"question": "Q", "options": ["a", "b (right)", "c"], "answer": "B"}
                """);
        TestDatasets.write(dir.resolve("gpqa-diamond.jsonl"), """
                {"question": "Q", "correct": "x (right)", "incorrect_1": "y", "incorrect_2": "z", "incorrect_3": "w"}
                """);
        TestDatasets.write(dir.resolve("aime25.jsonl"), """
                {"problem": "Find 3 + 4.", "answer": "7"}
                {"problem": "Find 3 + 5.", "answer": "8"}
                """);
        Path file = Recipe.materialize("nemotron-3-nano", dir);
        EvalConfig config = ConfigLoader.load(file, List.of("run.repeats=1", "tasks.gpqa.repeats=2", "tasks.aime.repeats=1"));
        assertThat(config.generation().temperature()).isEqualTo(1.0);
        assertThat(config.generation().reasoning()).isEqualTo(ReasoningMode.ON);
        assertThat(config.tasks()).extracting(EvalConfig.TaskConfig::name).containsExactly("mmlu_pro", "gpqa", "aime");
        assertThat(config.tasks().getFirst().dataset()).isEqualTo(dir.resolve("mmlu_pro.jsonl").toString());

        RunResults results = new EvalRunner(QUIET).run(config, dir.resolve("run"), new BenchmarkFamiliesTest.Reader()).results();
        String report = Recipe.compare(results, Recipe.published("nemotron-3-nano"));
        assertThat(report).contains("MMLU-Pro").contains("ours 100.0").contains("published  78.3");
        assertThat(report).contains("AIME25 (no tools)").contains("ours  50.0");
        assertThat(report).contains("LiveCodeBench (v6)").contains("not built in yet");
        assertThatThrownBy(() -> Recipe.published("nope")).hasMessageContaining("no bundled recipe");
    }
}

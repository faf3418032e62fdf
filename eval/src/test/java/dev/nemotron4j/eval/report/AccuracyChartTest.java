package dev.nemotron4j.eval.report;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.run.EvalRunner;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.RunFixtures;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The series of {@code eval chart}, from runs the harness really made against the fake endpoint. */
class AccuracyChartTest {
    @TempDir static Path dir;
    static Path greedy, sampled, swept, dataset;

    @BeforeAll
    static void threeRuns() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            dataset = TestDatasets.gsm8k(dir, 12);
            String base = """
                    target:
                      endpoint: {url: "%s", model: fake, type: chat}
                    run: {seed: 7, parallelism: 2}
                    interceptors:
                      progress: {enabled: false}
                    output: {html: false}
                    tasks:
                    """.formatted(server.baseUrl());
            greedy = run(base + """
                      - {name: gsm8k, dataset: gsm8k.jsonl}
                      - {name: mc, type: multiple_choice, dataset: mc.jsonl}
                    """, "greedy");
            sampled = run(base + """
                      - {name: mc, type: multiple_choice, dataset: mc.jsonl}
                      - {name: gsm8k, dataset: gsm8k.jsonl, repeats: 3, generation: {temperature: 0.9}}
                    """, "sampled");
            swept = run(base + """
                      - {name: gsm8k, dataset: gsm8k.jsonl, reasoning_budgets: [2048, 128, 512]}
                    """, "swept");
        }
    }

    private static Path run(String yaml, String name) {
        TestDatasets.multipleChoice(dir, 6);
        Path config = TestDatasets.write(dir.resolve(name + ".yaml"), yaml);
        Path out = dir.resolve(name);
        new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), out);
        return out;
    }

    private static TaskMetrics metrics(Path run, String task) {
        return RunOutputs.readResults(run).tasks().get(task);
    }

    @Test
    void barsHoldEachRunsMeanAndIntervalPerTaskInTheFirstRunsOrder() {
        AccuracyChart.Bars bars = AccuracyChart.bars(AccuracyChart.read(List.of(greedy, sampled), List.of()), List.of(), null);

        assertThat(bars.tasks()).containsExactly("gsm8k", "mc");                     // the first run's order
        assertThat(bars.series()).extracting(AccuracyChart.BarSeries::label).containsExactly("greedy", "sampled");
        AccuracyChart.Value greedyGsm8k = bars.series().get(0).values().get(0);
        // the fake calculator is wrong on a known share of questions: the greedy bar is that accuracy
        assertThat(greedyGsm8k.mean()).isCloseTo(RunFixtures.expectedGreedyAccuracy(dataset), within(1e-12));
        assertThat(greedyGsm8k.mean()).isStrictlyBetween(0.0, 1.0);
        assertThat(greedyGsm8k.ci95()).isEqualTo(metrics(greedy, "gsm8k").wilson95());
        assertThat(greedyGsm8k.ci95().low()).isLessThan(greedyGsm8k.mean());
        AccuracyChart.Value sampledGsm8k = bars.series().get(1).values().get(0);
        assertThat(sampledGsm8k.mean()).isEqualTo(metrics(sampled, "gsm8k").mean().mean());
        assertThat(metrics(sampled, "gsm8k").repeats()).isEqualTo(3);
        assertThat(bars.series().get(1).values().get(1).mean()).isEqualTo(metrics(sampled, "mc").mean().mean());
        assertThat(bars.title()).isEqualTo("Accuracy per task (95% interval)");
    }

    @Test
    void tasksAndLabelsChooseTheGroupsAndTheLegend() {
        var runs = AccuracyChart.read(List.of(sampled, greedy), List.of("SFT", "GRPO"));
        AccuracyChart.Bars bars = AccuracyChart.bars(runs, List.of("mc"), "after training");

        assertThat(bars.tasks()).containsExactly("mc");
        assertThat(bars.series()).extracting(AccuracyChart.BarSeries::label).containsExactly("SFT", "GRPO");
        assertThat(bars.series().get(1).values()).singleElement()
                .extracting(AccuracyChart.Value::mean).isEqualTo(metrics(greedy, "mc").mean().mean());
        assertThat(bars.title()).isEqualTo("after training");
    }

    @Test
    void budgetSeriesAreSortedByBudgetWithThePlainTaskAsReference() {
        AccuracyChart.Budget chart = AccuracyChart.budget(AccuracyChart.read(List.of(swept, greedy), List.of("sweep", "plain")), List.of(), null);

        assertThat(chart.families()).containsExactly("gsm8k");
        assertThat(chart.series()).singleElement().satisfies(s -> {
            assertThat(s.label()).isEqualTo("sweep: gsm8k");
            assertThat(s.points()).extracting(AccuracyChart.BudgetPoint::budget).containsExactly(128, 512, 2048);
            RunResults results = RunOutputs.readResults(swept);
            for (AccuracyChart.BudgetPoint p : s.points()) {
                TaskMetrics m = results.tasks().get("gsm8k@budget=" + p.budget());
                assertThat(p.value().mean()).isEqualTo(m.mean().mean());
                assertThat(p.value().ci95()).isEqualTo(m.wilson95());
            }
        });
        assertThat(chart.references()).singleElement().satisfies(r -> {
            assertThat(r.label()).isEqualTo("plain: gsm8k (no budget)");
            assertThat(r.value().mean()).isEqualTo(metrics(greedy, "gsm8k").mean().mean());
        });
        assertThat(chart.minBudget()).isEqualTo(128);
        assertThat(chart.maxBudget()).isEqualTo(2048);
    }

    @Test
    void errorsNameTheRunAndTheTask() throws Exception {
        Path unfinished = Files.createDirectories(dir.resolve("unfinished"));
        assertThatThrownBy(() -> AccuracyChart.read(List.of(greedy, unfinished), List.of()))
                .hasMessageContaining(unfinished.toString()).hasMessageContaining("no results.json");
        assertThatThrownBy(() -> AccuracyChart.read(List.of(dir.resolve("absent")), List.of()))
                .hasMessageContaining(dir.resolve("absent").toString()).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> AccuracyChart.read(List.of(greedy, sampled), List.of("one")))
                .hasMessageContaining("1 --label for 2 runs");

        var runs = AccuracyChart.read(List.of(greedy, swept), List.of());
        assertThatThrownBy(() -> AccuracyChart.bars(runs, List.of("gsm8k", "ifeval"), null))
                .hasMessageContaining("task ifeval is not in run " + greedy).hasMessageContaining("its tasks: gsm8k, mc");
        assertThatThrownBy(() -> AccuracyChart.bars(runs, List.of(), null))       // the first run's mc is not in the sweep
                .hasMessageContaining("task gsm8k is not in run " + swept).hasMessageContaining("--tasks");
        assertThatThrownBy(() -> AccuracyChart.budget(AccuracyChart.read(List.of(greedy, sampled), List.of()), List.of(), null))
                .hasMessageContaining("no reasoning-budget sweep").hasMessageContaining(greedy.toString());
        assertThatThrownBy(() -> AccuracyChart.budget(runs, List.of("mc"), null))
                .hasMessageContaining("task mc (or mc@budget=N) is not in run " + swept);
    }
}

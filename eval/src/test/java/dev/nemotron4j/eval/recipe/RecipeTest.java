package dev.nemotron4j.eval.recipe;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.run.BenchmarkFamiliesTest;
import dev.nemotron4j.eval.run.EvalRunner;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.target.ReasoningMode;
import dev.nemotron4j.eval.testing.ScriptedJudgeServer;
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
        TestDatasets.write(dir.resolve("mmlu-pro.jsonl"), """
                {"question": "Q", "options": ["a", "b (right)", "c"], "answer": "B"}
                """);
        TestDatasets.write(dir.resolve("gpqa-diamond.jsonl"), """
                {"question": "Q", "correct": "x (right)", "incorrect_1": "y", "incorrect_2": "z", "incorrect_3": "w"}
                """);
        TestDatasets.write(dir.resolve("aime25.jsonl"), """
                {"problem": "Find 3 + 4.", "answer": "7"}
                {"problem": "Find 3 + 5.", "answer": "8"}
                """);
        TestDatasets.write(dir.resolve("arena-hard-v2.jsonl"), """
                {"uid": "h1", "category": "hard_prompt", "prompt": "Sum 3 and 4.", "baseline": "It is 7."}
                {"uid": "c1", "category": "creative_writing", "prompt": "A poem about 7.", "baseline": "Seven, seven."}
                """);
        String function = "{\"name\": \"weather.get\", \"parameters\": {\"type\": \"dict\", \"properties\": {\"city\": {\"type\": \"string\"}}}}";
        for (String category : List.of("simple_python", "simple_java", "simple_javascript", "multiple", "parallel", "parallel_multiple",
                "live_simple", "live_multiple", "live_parallel", "live_parallel_multiple", "irrelevance", "live_irrelevance", "live_relevance")) {
            String id = category + "_0" + (category.startsWith("live") ? "-0-0" : "");
            String typed = category.contains("java") ? function.replace("\"string\"", "\"String\"") : function;   // Java's and JavaScript's type name
            TestDatasets.write(dir.resolve("bfcl/BFCL_v4_" + category + ".json"), "{\"id\": \"" + id
                    + "\", \"question\": [[{\"role\": \"user\", \"content\": \"Weather in Oslo?\"}]], \"function\": [" + typed + "]}\n");
            TestDatasets.write(dir.resolve("bfcl/possible_answer/BFCL_v4_" + category + ".json"),
                    "{\"id\": \"" + id + "\", \"ground_truth\": [{\"weather.get\": {\"city\": [\"Oslo\"]}}]}\n");
        }
        Path file = Recipe.materialize("nemotron-3-nano", dir);
        EvalConfig recipe = ConfigLoader.load(file, List.of());
        assertThat(recipe.tasks()).filteredOn(t -> t.name().equals("aime")).singleElement()
                .satisfies(t -> assertThat(t.repeats()).isEqualTo(64)).satisfies(t -> assertThat(t.generation().maxTokens()).isEqualTo(131072));
        assertThat(recipe.judge().model()).isEqualTo("gpt-4.1");
        assertThat(recipe.judge().temperature()).isEqualTo(0.0);
        assertThat(recipe.tasks()).filteredOn(t -> t.name().equals("ruler")).singleElement()
                .satisfies(t -> assertThat(t.params()).containsEntry("lengths", List.of(262144, 524288, 1048576))
                        .containsEntry("squad_file", dir.resolve("squad-dev-v2.0.json").toString()));
        // the judge: a real HTTP endpoint that calls every pair a tie (the hard prompt) or the answer-first answer better
        try (ScriptedJudgeServer judge = new ScriptedJudgeServer((q, modelIsA, before) -> q.startsWith("Sum") ? "[[A=B]]" : "[[A>B]]")) {
            // RULER at the card's lengths (256k to 1M) is for real runs: here one short task
            EvalConfig config = ConfigLoader.load(file, List.of("run.repeats=1", "tasks.gpqa.repeats=2", "tasks.aime.repeats=1",
                    "judge.url=" + judge.baseUrl(), "tasks.ruler.params.lengths=[1024]", "tasks.ruler.params.samples_per_length=1",
                    "tasks.ruler.params.variants=[niah_single_1]"));
            assertThat(config.generation().temperature()).isEqualTo(1.0);
            assertThat(config.generation().reasoning()).isEqualTo(ReasoningMode.ON);
            assertThat(config.tasks()).extracting(EvalConfig.TaskConfig::name)
                    .startsWith("mmlu_pro", "gpqa", "aime", "arena_hard_hard_prompt", "arena_hard_creative_writing").contains("bfcl/live_simple", "ruler")
                    .endsWith("livecodebench", "scicode");
            assertThat(config.tasks().getFirst().dataset()).isEqualTo(dir.resolve("mmlu-pro.jsonl").toString());
            // the code benchmarks run model code: opt-in (CodeTaskRunTest runs them); here the others, as --task would pick them
            config = new EvalConfig(config.target(), config.generation(), config.run(),
                    config.tasks().stream().filter(t -> !dev.nemotron4j.eval.task.CodeTasks.FAMILIES.contains(t.name())).toList(),
                    config.interceptors(), config.output(), config.judge());

            RunResults results = new EvalRunner(QUIET).run(config, dir.resolve("run"), new BenchmarkFamiliesTest.Reader()).results();
            String report = Recipe.compare(results, Recipe.published("nemotron-3-nano"));
            assertThat(report).contains("MMLU-Pro").contains("ours 100.0").contains("published  78.3");
            assertThat(report).contains("AIME25 (no tools)").contains("ours  50.0");
            // win rates, not means: a tie in both orders is 50%, a judge that always prefers A gives one win and one loss
            assertThat(report).contains("Arena-Hard-V2 (Hard Prompt)").contains("ours  50.0 [ 50.0,  50.0]  published  72.1");
            assertThat(report).contains("Arena-Hard-V2 (Creative Writing)").contains("published  63.2");
            assertThat(judge.answered()).isEqualTo(4);
            assertThat(report).contains("LiveCodeBench (v6)").contains("not in this run");
            assertThat(results.tasks().get("bfcl/irrelevance").mean().mean()).isEqualTo(1.0);   // the reader answers in text: no call
            assertThat(results.tasks().get("bfcl/live_simple").mean().mean()).isZero();
            assertThat(report).contains("BFCL v4").contains("published  53.8");
            assertThat(report).containsPattern("RULER-100 @ 256k .*published  92\\.9  \\(not in this run\\)");
            // a * task averages the matching tasks' means (RULER: its tasks at one length)
            String averaged = Recipe.compare(results, new Recipe.PublishedNumbers("m", "s",
                    List.of(new Recipe.Published("RULER @ 1k", "ruler/*@1024", null, 50.0))));
            assertThat(averaged).contains("ours   0.0 (mean of 1 tasks)  published  50.0  diff -50.0");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThatThrownBy(() -> Recipe.published("nope")).hasMessageContaining("no bundled recipe");
    }

    /** Rows in the shape `eval fetch NAME` writes: {@code n} solved items, the first with {@code extra} fields. */
    private void rows(String file, int n, String fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(fields.replace("#", String.valueOf(i))).append('\n');
        TestDatasets.write(dir.resolve(file), sb.toString());
    }

    @Test
    void theBaseModelRecipeScoresMmluFiveShotArcTwentyFiveShotAndHellaSwagTenShotByLogLikelihood() {
        rows("mmlu.jsonl", 2, "{\"id\": \"astronomy/#\", \"subject\": \"astronomy\", \"question\": \"Q#\", \"choices\": [\"a\", \"b\", \"c\", \"d\"], \"answer\": \"B\"}");
        StringBuilder examples = new StringBuilder();
        for (String subject : List.of("anatomy", "astronomy")) {
            for (int i = 0; i < 5; i++) {
                examples.append("{\"id\": \"").append(subject).append('/').append(i).append("\", \"subject\": \"").append(subject)
                        .append("\", \"question\": \"").append(subject).append(" example ").append(i)
                        .append("\", \"choices\": [\"w\", \"x\", \"y\", \"z\"], \"answer\": \"C\"}\n");
            }
        }
        TestDatasets.write(dir.resolve("mmlu-dev.jsonl"), examples.toString());
        rows("arc-challenge.jsonl", 2, "{\"id\": \"arc#\", \"question\": \"Which #?\", \"choices\": [\"one\", \"two\", \"three\"], \"answer\": \"A\"}");
        rows("arc-challenge-train.jsonl", 30, "{\"id\": \"train#\", \"question\": \"Train #?\", \"choices\": [\"yes\", \"no\"], \"answer\": \"B\"}");
        rows("hellaswag.jsonl", 12, "{\"ind\": #, \"activity_label\": \"Cooking\", \"question\": \"A cook #\", \"choices\": [\"stirs.\", \"sings.\", "
                + "\"sleeps.\", \"flies.\"], \"answer\": 0}");
        assertThat(Recipe.hasPublished("base-fewshot")).isFalse();
        assertThat(Recipe.hasPublished("nemotron-3-nano")).isTrue();
        EvalConfig config = ConfigLoader.load(Recipe.materialize("base-fewshot", dir), List.of());
        List<dev.nemotron4j.eval.task.TaskDefinition> tasks = new dev.nemotron4j.eval.task.TaskFactory(config,
                dev.nemotron4j.eval.target.TokenCounter.approximate()).build();
        assertThat(tasks).extracting(dev.nemotron4j.eval.task.TaskDefinition::name).containsExactly("mmlu", "arc_challenge", "hellaswag");

        // MMLU: the five astronomy examples (never anatomy's), each with its letter, then the question
        var mmlu = tasks.get(0);
        String context = mmlu.scoringSpec().context(mmlu, mmlu.items().getFirst());
        assertThat(context.split("\n\n")).hasSize(6);
        assertThat(context).startsWith("astronomy example 0\nA. w\nB. x\nC. y\nD. z\nAnswer: C\n\nastronomy example 1").doesNotContain("anatomy")
                .endsWith("Q0\nA. a\nB. b\nC. c\nD. d\nAnswer:");
        assertThat(mmlu.scoringSpec().continuation(mmlu, mmlu.items().getFirst(), 1)).isEqualTo(" B");
        assertThat(mmlu.scoringSpec().normalize()).isFalse();

        // ARC-Challenge: 25 train examples answered by their text, acc_norm
        var arc = tasks.get(1);
        String arcContext = arc.scoringSpec().context(arc, arc.items().getFirst());
        assertThat(arcContext.split("\n\n")).hasSize(26);
        assertThat(arcContext).contains("Answer: no\n\n").endsWith("Question: Which 0?\nAnswer:");
        assertThat(arc.scoringSpec().continuation(arc, arc.items().getFirst(), 2)).isEqualTo(" three");
        assertThat(arc.scoringSpec().normalize()).isTrue();

        // HellaSwag: ten other items as examples, the activity label before the context
        var hellaswag = tasks.get(2);
        var item = hellaswag.items().get(3);
        String hsContext = hellaswag.scoringSpec().context(hellaswag, item);
        assertThat(hsContext.split("\n\n")).hasSize(11);
        assertThat(hsContext).endsWith("\n\nCooking: A cook 3").doesNotContain("Cooking: A cook 3 stirs.");
        assertThat(hellaswag.scoringSpec().continuation(hellaswag, item, 0)).isEqualTo(" stirs.");
    }
}

package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nemotron4j.cli.EvalRunFiles.concat;
import static dev.nemotron4j.cli.EvalRunFiles.results;
import static dev.nemotron4j.cli.EvalRunFiles.samples;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model card's built-in benchmark families on small hand-made samples, greedy, in-process and against
 * {@code nemotron4j serve}: every sample gets the same answer, extraction and score, the task metrics (with IFBench's
 * four accuracies and WMT24++'s corpus chrF and BLEU) are the same, and rerunning in-process gives the same digest.
 * AIME25, MMLU-Pro, GPQA (options shuffled per sample), BFCL (tool calls through the chat template's tools) too, and
 * Arena-Hard with {@code serve} itself as the judge (for all three runs).
 * Slow (the tiny model runs each family three times, about 20 s a family on a loaded machine).
 */
@Tag("slow")
class BenchmarkFamiliesAgainstServerTest {

    @TempDir
    Path tmp;

    private static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("ifeval", """
                    {"key": 1, "prompt": "Write two words without commas.", "instruction_id_list": ["punctuation:no_comma", "length_constraints:number_words"], "kwargs": [{}, {"num_words": 2, "relation": "at least"}]}
                    {"key": 2, "prompt": "Answer in lowercase English.", "instruction_id_list": ["change_case:english_lowercase"], "kwargs": [{}]}
                    """),
            Map.entry("ifbench", """
                    {"key": "a", "prompt": "Name two people.", "instruction_id_list": ["count:person_names", "format:no_whitespace"], "kwargs": [{"N": 2, "sep": null}, {"N": null}]}
                    {"key": "b", "prompt": "Say yes or no.", "instruction_id_list": ["format:options", "count:numbers"], "kwargs": [{"options": "yes/no"}, {"N": 0}]}
                    """),
            Map.entry("wmt24pp", """
                    {"lp": "en-de_DE", "segment_id": 0, "is_bad_source": false, "source": "Good morning.", "target": "Guten Morgen."}
                    {"lp": "en-de_DE", "segment_id": 1, "is_bad_source": true, "source": "###", "target": "###"}
                    {"lp": "en-ja_JP", "segment_id": 2, "is_bad_source": false, "source": "Thank you.", "target": "ありがとう。"}
                    """),
            Map.entry("mmlu_prox", """
                    {"question_id": 1, "question": "2 + 2 = ?", "option_0": "3", "option_1": "4", "option_2": null, "answer": "B", "category": "math"}
                    {"question_id": 2, "question": "Water boils at?", "option_0": "50 C", "option_1": "100 C", "option_2": "150 C", "answer_index": 1, "category": "physics"}
                    """),
            Map.entry("aime", """
                    {"id": "s-1", "problem": "What is the sum of the first ten positive integers?", "answer": "55"}
                    {"id": "s-2", "problem": "How many positive divisors does 12 have?", "answer": 6}
                    """),
            // judged by the repo's own serve (the tiny model) as the judge: whatever it writes, labels or none, is
            // judged, retried, recorded and scored the same way in-process and through serve
            Map.entry("arena_hard", """
                    {"uid": "a-1", "category": "hard_prompt", "prompt": "Name a colour.", "baseline": "Blue."}
                    {"uid": "a-2", "category": "creative_writing", "prompt": "Write one line about the sea.", "baseline": "The sea is wide."}
                    """),
            Map.entry("livecodebench", """
                    {"question_id": "a", "question_content": "Print A + B.", "starter_code": "", "difficulty": "easy", "public_test_cases": "[{\\"input\\": \\"1 2\\\\n\\", \\"output\\": \\"3\\\\n\\", \\"testtype\\": \\"stdin\\"}]", "private_test_cases": "[]", "metadata": "{}"}
                    {"question_id": "b", "question_content": "Return s reversed.", "starter_code": "class Solution:\\n    def rev(self, s: str) -> str:\\n        ", "difficulty": "medium", "public_test_cases": [{"input": "\\"ab\\"", "output": "\\"ba\\"", "testtype": "functional"}], "metadata": {"func_name": "rev"}}
                    """),
            Map.entry("scicode", """
                    {"problem_id": "p", "required_dependencies": "import math", "sub_steps": [{"step_number": "p.1", "step_description_prompt": "Square x.", "function_header": "def sq(x):", "return_line": "    return y", "test_cases": ["assert sq(3) == 9"], "ground_truth_code": "def sq(x):\\n    y = x * x\\n    return y"}, {"step_number": "p.2", "step_description_prompt": "Square root of sq(x).", "function_header": "def back(x):", "return_line": "    return z", "test_cases": ["assert back(-3) == 3"], "ground_truth_code": "def back(x):\\n    z = math.sqrt(sq(x))\\n    return z"}]}
                    {"problem_id": "q", "required_dependencies": "", "sub_steps": [{"step_number": "q.1", "step_description_prompt": "Double x.", "function_header": "def dbl(x):", "return_line": "    return y", "test_cases": ["assert dbl(2) == 4"]}]}
                    """),
            Map.entry("mmlu_pro", """
                    {"question": "Which gas do plants take in?", "options": ["Oxygen", "Carbon dioxide", "Helium", "Neon", "Argon"], "answer": "B", "category": "biology"}
                    {"question": "3 * 4 = ?", "options": ["7", "12", "34"], "answer": 1, "category": "math"}
                    """),
            Map.entry("gpqa", """
                    {"question": "What is the charge of an electron?", "correct": "Negative", "incorrect_1": "Positive", "incorrect_2": "Neutral", "incorrect_3": "Variable"}
                    {"question": "Which planet is largest?", "correct": "Jupiter", "incorrect_1": "Mars", "incorrect_2": "Venus", "incorrect_3": "Mercury"}
                    """),
            Map.entry("bfcl", """
                    {"id": "live_simple_0-0-0", "question": [[{"role": "user", "content": "What is the weather in Oslo in celsius?"}]], "function": [{"name": "get_weather", "description": "Current weather of a city.", "parameters": {"type": "dict", "properties": {"city": {"type": "string", "description": "City name."}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit."}}, "required": ["city"]}}]}
                    {"id": "live_simple_1-1-0", "question": [[{"role": "user", "content": "Add 2 and 3."}]], "function": [{"name": "add", "description": "Adds two integers.", "parameters": {"type": "dict", "properties": {"a": {"type": "integer", "description": "First."}, "b": {"type": "integer", "description": "Second."}}, "required": ["a", "b"]}}]}
                    """));

    /** BFCL's possible answers, the file the bfcl task joins with its questions. */
    private static final String BFCL_ANSWERS = """
            {"id": "live_simple_0-0-0", "ground_truth": [{"get_weather": {"city": ["Oslo"], "unit": ["celsius", ""]}}]}
            {"id": "live_simple_1-1-0", "ground_truth": [{"add": {"a": [2], "b": [3]}}]}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"ifeval", "ifbench", "wmt24pp", "mmlu_prox", "aime", "arena_hard", "livecodebench", "scicode", "mmlu_pro", "gpqa", "bfcl"})
    void sameSamplesInProcessAndThroughServe(String task) throws Exception {
        boolean code = task.equals("livecodebench") || task.equals("scicode");
        if (code) org.junit.jupiter.api.Assumptions.assumeTrue(dev.nemotron4j.eval.sandbox.SubprocessSandbox.onPath("python3") != null, "no python3");
        Path data = tmp.resolve(task + ".jsonl");
        Files.writeString(data, SAMPLES.get(task));
        Path model = TestData.tiny("tiny-c");

        try (ServedModel served = ServedModel.start(model, "tiny-c")) {
            String url = served.v1();
            String[] common = {"--task", task, "--dataset", data.toString(), "--max-tokens", "16", "--seed", "1",
                    "-o", "judge.url=" + url, "-o", "judge.model=tiny-c", "-o", "judge.max_tokens=16"};
            if (code) common = concat(common, new String[] {"--allow-code-execution"});
            if (task.equals("bfcl")) {
                Path answers = tmp.resolve("bfcl-answers.json");
                Files.writeString(answers, BFCL_ANSWERS);
                common = concat(common, new String[] {"-o", "tasks.bfcl.params={answers_file: " + answers + "}"});
            }
            CliContractTest.Run local = CliContractTest.run("", concat(new String[] {"eval", "run", "--model", model.toString(),
                    "--out", tmp.resolve("local").toString()}, common));
            assertThat(local.exit()).as(local.err() + local.out()).isZero();
            CliContractTest.Run again = CliContractTest.run("", concat(new String[] {"eval", "run", "--model", model.toString(),
                    "--out", tmp.resolve("again").toString()}, common));
            assertThat(again.exit()).as(again.err() + again.out()).isZero();
            CliContractTest.Run remote = CliContractTest.run("", concat(new String[] {"eval", "run", "--endpoint", url,
                    "--served-model", "tiny-c", "--out", tmp.resolve("remote").toString()}, common));
            assertThat(remote.exit()).as(remote.err() + remote.out()).isZero();
        }
        List<JsonNode> a = samples(tmp.resolve("local")), b = samples(tmp.resolve("remote"));
        assertThat(a).hasSize(2).hasSameSizeAs(b);
        assertThat(a).as(task + ": the model answered something").anyMatch(s -> !s.path("answer_text").asText("").isBlank());
        for (int i = 0; i < a.size(); i++) {
            for (String field : List.of("item_id", "answer_text", "extracted", "score", "details")) {
                assertThat(b.get(i).get(field)).as("%s sample %d %s", task, i, field).isEqualTo(a.get(i).get(field));
            }
        }
        JsonNode ra = results(tmp.resolve("local")), rb = results(tmp.resolve("remote")), rc = results(tmp.resolve("again"));
        assertThat(rb.at("/tasks/" + task + "/mean")).isEqualTo(ra.at("/tasks/" + task + "/mean"));
        assertThat(rb.at("/tasks/" + task + "/breakdown")).isEqualTo(ra.at("/tasks/" + task + "/breakdown"));
        if (List.of("ifeval", "ifbench", "wmt24pp", "arena_hard", "livecodebench", "scicode").contains(task)) assertThat(ra.at("/tasks/" + task + "/breakdown").isObject()).as(task + " breakdown").isTrue();
        if (task.equals("arena_hard")) {
            // both games of both questions were put to the judge and stored with the samples
            for (JsonNode s : a) assertThat(s.at("/details/games")).hasSize(2);
            assertThat(ra.at("/tasks/arena_hard/breakdown/scored_samples").asDouble() + ra.at("/tasks/arena_hard/breakdown/unscored_samples").asDouble())
                    .isEqualTo(2.0);
        }
        assertThat(rc.get("samples_digest")).isEqualTo(ra.get("samples_digest"));
    }
}

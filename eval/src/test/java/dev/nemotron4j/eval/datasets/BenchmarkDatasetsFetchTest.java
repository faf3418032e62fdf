package dev.nemotron4j.eval.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.target.TokenCounter;
import dev.nemotron4j.eval.task.EvalItem;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.testing.TestDatasets;
import dev.nemotron4j.testkit.LoopbackHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The built-in manifest's entries for the model card's benchmarks (AIME25, BFCL v4, SQuAD, HotpotQA, RULER's essays,
 * LiveCodeBench, Arena-Hard v2.0), fetched from a local HTTP server that answers at the entries' own URL paths (the
 * publishers' hosts moved to the server, nothing else changed) with small hand-made files in the publishers' layouts;
 * each result is then read by the task it feeds.
 */
class BenchmarkDatasetsFetchTest {
    private static final String FIXTURES = "/dev/nemotron4j/eval/datasets/fetch/";
    private static final String GORILLA = "/raw.githubusercontent.com/ShishirPatil/gorilla/6ea57973c7a6097fd7c5915698c54c17c5b1b6c8/"
            + "berkeley-function-call-leaderboard/bfcl_eval/data/";
    private static final String LCB = "/huggingface.co/datasets/livecodebench/code_generation_lite/resolve/0fe84c3912ea0c4d4a78037083943e8f0c4dd505/";
    private static final String ARENA = "/raw.githubusercontent.com/lmarena/arena-hard-auto/196f6b826783b3da7310e361a805fa36f0be83f3/data/arena-hard-v2.0/";

    private static final String SCICODE_PROBLEMS = "/huggingface.co/datasets/SciCode1/SciCode/resolve/4510f6a6aa27c43fad7b43da2c59602a86e88480/problems_test.jsonl";
    private static final String SCICODE = "/raw.githubusercontent.com/scicode-bench/SciCode/588b4069d73d211434790bdf4f5a3b80c7830912/eval/data/";

    @TempDir Path dir;
    LoopbackHttpServer http;
    String base;
    final Map<String, byte[]> files = new HashMap<>();
    final List<String> asked = new CopyOnWriteArrayList<>();
    DatasetManifest manifest;
    final DatasetFetcher fetcher = new DatasetFetcher(Map.<String, String>of()::get);
    dev.nemotron4j.eval.config.EvalConfig lastConfig;

    @BeforeEach
    void serve() throws IOException {
        http = LoopbackHttpServer.start().route("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                asked.add(path);
                byte[] body = files.get(path);
                ex.sendResponseHeaders(body == null ? 404 : 200, body == null || body.length == 0 ? -1 : body.length);
                if (body != null && body.length > 0) ex.getResponseBody().write(body);
            }
        });
        base = http.url("");
        // the publishers' hosts moved to the local server: https://huggingface.co/x -> http://127.0.0.1:PORT/huggingface.co/x
        manifest = DatasetManifest.builtIn().rehosted(url -> base + "/" + url.substring(url.indexOf("://") + 3));
        files.put("/huggingface.co/datasets/math-ai/aime25/resolve/563bb8404243c5f09de6ec262f2db674fe5bce9b/test.jsonl", fixture("aime25-test.jsonl"));
        files.put(GORILLA + "BFCL_v4_live_simple.json", fixture("BFCL_v4_live_simple.json"));
        files.put(GORILLA + "possible_answer/BFCL_v4_live_simple.json", fixture("BFCL_v4_live_simple.answers.json"));
        files.put(GORILLA + "BFCL_v4_irrelevance.json", fixture("BFCL_v4_irrelevance.json"));
        files.put("/rajpurkar.github.io/SQuAD-explorer/dataset/dev-v2.0.json", fixture("squad-dev-v2.0.json"));
        files.put("/huggingface.co/datasets/namlh2004/hotpotqa/resolve/7e54db4656209750ff487f6fdf8e39a66dba136b/hotpot_dev_distractor_v1.json",
                fixture("hotpot_dev_distractor_v1.json"));
        files.put("/raw.githubusercontent.com/NVIDIA/RULER/c3f5e3b4f87f97e048793bb510a3a6b19a46bf3a/scripts/data/synthetic/json/PaulGrahamEssays_URLs.txt",
                (base + "/www.paulgraham.com/one.html\n" + base + "/www.paulgraham.com/gone.html\n"
                        + base + "/github.com/gkamradt/LLMTest_NeedleInAHaystack/raw/main/needlehaystack/PaulGrahamEssays/two.txt\n")
                        .getBytes(StandardCharsets.UTF_8));
        files.put("/www.paulgraham.com/one.html", fixture("essay-one.html"));
        files.put("/github.com/gkamradt/LLMTest_NeedleInAHaystack/raw/main/needlehaystack/PaulGrahamEssays/two.txt", fixture("essay-two.txt"));
        List<String> lcb = lines(resource("/dev/nemotron4j/eval/code/livecodebench-sample.jsonl"));
        files.put(LCB + "test.jsonl", String.join("\n", lcb.subList(0, 3)).getBytes(StandardCharsets.UTF_8));
        for (int i = 2; i <= 5; i++) files.put(LCB + "test" + i + ".jsonl", new byte[0]);
        files.put(LCB + "test6.jsonl", (String.join("\n", lcb.subList(3, 5)) + "\n").getBytes(StandardCharsets.UTF_8));
        files.put(ARENA + "question.jsonl", fixture("arena-question.jsonl"));
        files.put(ARENA + "model_answer/o3-mini-2025-01-31.jsonl", fixture("arena-o3-mini.jsonl"));
        files.put(ARENA + "model_answer/gemini-2.0-flash-001.jsonl", fixture("arena-gemini.jsonl"));
        files.put(SCICODE_PROBLEMS, fixture("scicode-problems_test.jsonl"));
        for (String step : List.of("13.6", "62.1", "76.3")) files.put(SCICODE + step + ".txt", fixture("scicode-" + step + ".txt"));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void aime25IsFetchedAtItsPinnedCommitAndReadByTheAimeTask() {
        DatasetFetcher.Fetched f = fetcher.fetch(manifest, "aime25", dir, null, null);
        assertThat(f.dataset()).isEqualTo(dir.resolve("aime25.jsonl"));
        assertThat(f.rows()).isEqualTo(2);
        assertThat(f.source().path("revision").asText()).isEqualTo("563bb8404243c5f09de6ec262f2db674fe5bce9b");
        assertThat(f.source().path("sha256").asText()).isEqualTo(Sha256.hex(fixture("aime25-test.jsonl")));
        TaskDefinition aime = tasks("{name: aime, dataset: " + f.dataset() + "}").getFirst();
        assertThat(aime.items()).extracting(i -> i.expected().asText()).containsExactly("11", "49");
        assertThat(DatasetManifest.builtIn().get("aime25").sha256()).matches("[0-9a-f]{64}");
    }

    @Test
    void bfclCategoriesAndTheirPossibleAnswersLandWhereTheBfclTaskReadsThem() {
        DatasetFetcher.Fetched questions = fetcher.fetch(manifest, "bfcl:live_simple", dir, null, null);
        DatasetFetcher.Fetched answers = fetcher.fetch(manifest, "bfcl-answers:live_simple", dir, null, null);
        DatasetFetcher.Fetched irrelevance = fetcher.fetch(manifest, "bfcl:irrelevance", dir, null, null);
        assertThat(questions.dataset()).isEqualTo(dir.resolve("bfcl/BFCL_v4_live_simple.json"));
        assertThat(answers.dataset()).isEqualTo(dir.resolve("bfcl/possible_answer/BFCL_v4_live_simple.json"));
        // the leaderboard's own files, byte for byte (rows are not counted for a raw file)
        assertThat(bytes(questions.dataset())).isEqualTo(fixture("BFCL_v4_live_simple.json"));
        assertThat(questions.source().path("converted_sha256").asText()).isEqualTo(questions.source().path("sha256").asText());
        assertThat(questions.source().has("rows")).isFalse();
        assertThat(questions.source().path("license").asText()).isEqualTo("Apache-2.0");
        assertThat(DatasetFetcher.sourceFileOf(answers.dataset())).exists();
        List<TaskDefinition> bfcl = tasks("{name: live, type: bfcl, dataset: " + questions.dataset() + ", params: {answers_file: "
                + answers.dataset() + "}}", "{name: irr, type: bfcl, dataset: " + irrelevance.dataset() + "}");
        assertThat(bfcl.getFirst().items()).extracting(EvalItem::id).containsExactly("live_simple_0-0-0", "live_simple_1-1-0");
        assertThat(bfcl.getFirst().items().getFirst().expected().toString()).contains("Oslo");
        assertThat(bfcl.get(1).items()).hasSize(1);
        // a category without possible answers has no answers variant; the multi-turn ones are not offered
        assertThatThrownBy(() -> fetcher.fetch(manifest, "bfcl-answers:irrelevance", dir, null, null)).hasMessageContaining("no variant 'irrelevance'");
        assertThatThrownBy(() -> fetcher.fetch(manifest, "bfcl:multi_turn_base", dir, null, null)).hasMessageContaining("no variant");
    }

    @Test
    void rulersQaFilesAndEssayHaystackAreFetchedAsRulerReadsThem() throws IOException {
        DatasetFetcher.Fetched squad = fetcher.fetch(manifest, "squad-v2-dev", dir, null, null);
        DatasetFetcher.Fetched hotpot = fetcher.fetch(manifest, "hotpotqa-dev", dir, null, null);
        DatasetFetcher.Fetched essays = fetcher.fetch(manifest, "ruler-essays", dir, null, null);
        assertThat(squad.dataset()).isEqualTo(dir.resolve("squad-dev-v2.0.json"));
        assertThat(hotpot.dataset()).isEqualTo(dir.resolve("hotpot_dev_distractor_v1.json"));
        assertThat(essays.dataset()).isEqualTo(dir.resolve("PaulGrahamEssays.json"));
        assertThat(squad.source().path("license").asText()).isEqualTo("CC-BY-SA-4.0");

        // RULER's essay file: the plain-text essays first, then the pages' first <font> element as html2text's Markdown
        // (exactly RULER's script's text for the page: EssayPageOracleTest); a page that is gone is left out and named;
        // every essay's URL and hash is recorded
        String text = CanonicalJson.parse(Files.readString(essays.dataset())).path("text").asText();
        assertThat(text).isEqualTo(new String(fixture("essay-two.txt"), StandardCharsets.UTF_8)
                + "January 2024  \n  \nGardens grow slowly, and that is the \"point\" of them. A gardener who\n"
                + "[plants](http://example.com/) oaks plans for decades, not weeks.\n\n"
                + "The second paragraph is about patience & soil. It ends here.  \n  \n\n");
        assertThat(essays.source().path("missing").toString()).contains("/www.paulgraham.com/gone.html");
        assertThat(essays.source().path("files")).hasSize(3);   // the URL list and the two essays
        assertThat(essays.source().path("files").get(1).path("sha256").asText()).isEqualTo(Sha256.hex(fixture("essay-one.html")));
        assertThat(essays.source().path("conversion").asText()).isEqualTo("essays");

        List<TaskDefinition> ruler = tasks("{name: ruler, params: {lengths: [1024], variants: [qa_1, qa_2, niah_single_2], "
                + "samples_per_length: 2, squad_file: " + squad.dataset() + ", hotpotqa_file: " + hotpot.dataset()
                + ", essay_file: " + essays.dataset() + "}}");
        assertThat(ruler).extracting(TaskDefinition::name).containsExactly("ruler/qa_1@1024", "ruler/qa_2@1024", "ruler/niah_single_2@1024");
        assertThat(input(ruler.get(0))).contains("When was the mill of Harn").contains("The old mill of Harn");
        assertThat(input(ruler.get(1))).contains("Which river does bridge").contains("crosses the river Tay");
        assertThat(input(ruler.get(2))).contains("Gardens grow slowly").contains("Rivers carve valleys");
        // a run reading them records where they came from and under which license
        dev.nemotron4j.eval.run.RunLock lock = dev.nemotron4j.eval.run.RunLock.build(lastConfig, ruler,
                new dev.nemotron4j.eval.target.TargetIdentity("endpoint", Map.of()), "approximate", List.of());
        JsonNode sources = lock.inputs().path("tasks").path("ruler/qa_1@1024").path("sources");
        assertThat(sources.at("/squad_file/license").asText()).isEqualTo("CC-BY-SA-4.0");
        assertThat(sources.at("/squad_file/sha256").asText()).isEqualTo(Sha256.hex(fixture("squad-dev-v2.0.json")));
        assertThat(sources.at("/hotpotqa_file/revision").asText()).isEqualTo("7e54db4656209750ff487f6fdf8e39a66dba136b");
        assertThat(sources.at("/essay_file/license").asText()).isEqualTo("essays (c) Paul Graham");
    }

    @Test
    void liveCodeBenchIsTheSixReleaseFilesConcatenatedInOrder() throws IOException {
        DatasetFetcher.Fetched f = fetcher.fetch(manifest, "livecodebench", dir, null, null);
        assertThat(f.dataset()).isEqualTo(dir.resolve("livecodebench.jsonl"));
        List<String> expected = lines(resource("/dev/nemotron4j/eval/code/livecodebench-sample.jsonl")).stream()
                .map(l -> CanonicalJson.canonical(CanonicalJson.parse(l))).toList();
        assertThat(Files.readAllLines(f.dataset())).containsExactlyElementsOf(expected);
        assertThat(f.rows()).isEqualTo(5);
        assertThat(f.source().path("files")).extracting(n -> n.path("url").asText().substring(base.length()))
                .containsExactly(LCB + "test.jsonl", LCB + "test2.jsonl", LCB + "test3.jsonl", LCB + "test4.jsonl", LCB + "test5.jsonl", LCB + "test6.jsonl");
        assertThat(f.source().path("converted_sha256").asText()).isEqualTo(Sha256.ofFile(f.dataset()));
        // each part is checked against its own pinned hash: one changed file refuses the whole fetch, naming it
        StringBuilder pins = new StringBuilder();
        for (String part : List.of("test.jsonl", "test2.jsonl", "test3.jsonl", "test4.jsonl", "test5.jsonl", "test6.jsonl")) {
            pins.append("      ").append(part).append(": ").append(part.equals("test6.jsonl") ? "0".repeat(64) : Sha256.hex(files.get(LCB + part))).append('\n');
        }
        Path pinned = TestDatasets.write(dir.resolve("lcb-manifest.yaml"), """
                datasets:
                  livecodebench:
                    description: fixture
                    url: %s%s{part}
                    license: CC
                    format: jsonl
                    parts: [test.jsonl, test2.jsonl, test3.jsonl, test4.jsonl, test5.jsonl, test6.jsonl]
                    part_sha256:
                %s    task: livecodebench
                """.formatted(base, LCB, pins));
        assertThatThrownBy(() -> fetcher.fetch(DatasetManifest.load(pinned), "livecodebench", dir.resolve("pinned"), null, null))
                .hasMessageContaining("test6.jsonl has sha256 " + Sha256.hex(files.get(LCB + "test6.jsonl"))).hasMessageContaining("the source changed");
        assertThat(dir.resolve("pinned/livecodebench.jsonl")).doesNotExist();
        // a missing part fails the fetch and leaves no file behind
        files.remove(LCB + "test4.jsonl");
        assertThatThrownBy(() -> fetcher.fetch(manifest, "livecodebench", dir.resolve("again"), null, null))
                .hasMessageContaining("test4.jsonl: HTTP 404");
        assertThat(dir.resolve("again/livecodebench.jsonl")).doesNotExist();
    }

    @Test
    void arenaHardQuestionsTakeTheirCategorysBaselineAnswer() {
        DatasetFetcher.Fetched f = fetcher.fetch(manifest, "arena-hard-v2", dir, null, null);
        assertThat(f.dataset()).isEqualTo(dir.resolve("arena-hard-v2.jsonl"));
        assertThat(f.rows()).isEqualTo(2);
        assertThat(f.source().path("files")).hasSize(3);
        List<TaskDefinition> arena = tasks("{name: hard, type: arena_hard, dataset: " + f.dataset() + ", params: {category: hard_prompt}}",
                "{name: creative, type: arena_hard, dataset: " + f.dataset() + ", params: {category: creative_writing}}");
        EvalItem hard = arena.getFirst().items().getFirst();
        EvalItem creative = arena.get(1).items().getFirst();
        assertThat(hard.fields().path("baseline").asText()).isEqualTo("def rev(s):\n    return s[::-1]");
        assertThat(hard.fields().path("baseline_model").asText()).isEqualTo("o3-mini-2025-01-31");
        // creative writing is judged against gemini-2.0-flash-001, as Arena-Hard v2.0 configures it, not o3-mini
        assertThat(creative.fields().path("baseline").asText()).startsWith("The keeper climbs");
        assertThat(creative.fields().path("baseline_model").asText()).isEqualTo("gemini-2.0-flash-001");
        // a question whose baseline has no answer is named, and nothing is written
        files.put(ARENA + "model_answer/gemini-2.0-flash-001.jsonl", new byte[0]);
        assertThatThrownBy(() -> fetcher.fetch(manifest, "arena-hard-v2", dir.resolve("b"), null, null))
                .hasMessageContaining("bb02").hasMessageContaining("gemini-2.0-flash-001");
        assertThat(dir.resolve("b/arena-hard-v2.jsonl")).doesNotExist();
    }

    @Test
    void sciCodesProblemsGetTheCodeOfTheStepsSciCodeFillsInAsItsGeneratorReadsIt() {
        DatasetFetcher.Fetched f = fetcher.fetch(manifest, "scicode", dir, null, null);
        assertThat(f.dataset()).isEqualTo(dir.resolve("scicode.jsonl"));
        assertThat(f.rows()).isEqualTo(3);
        assertThat(f.source().path("files")).hasSize(4);   // the problems and the three steps' code
        List<JsonNode> rows = lines(bytes(f.dataset())).stream().map(CanonicalJson::parse).toList();
        // header "class Maxwell: / def __init__(": SciCode's extract_function_name reads __init__, so the step's code is
        // Maxwell's __init__ alone, as a top-level function (a docstring line at column 0 and a continuation line kept)
        assertThat(rows.get(0).at("/sub_steps/1/ground_truth_code").asText()).isEqualTo("def __init__(self, n_grid, x_out):\n"
                + "    \"\"\"Constructor.\n\nSets the grid (a line at column 0 inside the docstring).\"\"\"\n    self.n_grid = n_grid\n"
                + "    # a comment inside\n    self.delta = float(x_out) / (n_grid -\n2.0)");
        // header "class EnlargedBlock: / def __init__(": the first __init__ of the file's breadth-first walk is Block's
        assertThat(rows.get(1).at("/sub_steps/0/ground_truth_code").asText())
                .isEqualTo("def __init__(self, length, basis_size):\n    self.length = length\n    self.basis_size = basis_size");
        // a top-level function ends before the next top-level statement; a '#' inside a string is no comment
        assertThat(rows.get(2).at("/sub_steps/0/ground_truth_code").asText()).isEqualTo("def generate_dna(N: int, PWM: dict) -> tuple:\n"
                + "    '''Input: N, PWM.'''\n    p = random.randint(0, N - 1)\n    seq = \"#not a comment\" + str(p)\n    return (p, seq)");
        // the asked steps are untouched
        assertThat(rows.get(0).at("/sub_steps/0/ground_truth_code").isNull()).isTrue();

        // problems that lack a fetched step's number are not the ones its code belongs to
        files.put(SCICODE_PROBLEMS, (lines(fixture("scicode-problems_test.jsonl")).getFirst() + "\n").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> fetcher.fetch(manifest, "scicode", dir.resolve("b"), null, null)).hasMessageContaining("no step 62.1, 76.3");
        assertThat(dir.resolve("b/scicode.jsonl")).doesNotExist();

        // the scicode task reads the rows as they are: the filled-in steps have no tests and are shown, not asked
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.nemotron4j.eval.sandbox.SubprocessSandbox.onPath("python3") != null, "no python3");
        TaskDefinition scicode = tasks("{name: scicode, dataset: " + f.dataset() + ", params: {sandbox: subprocess}}").getFirst();
        assertThat(scicode.items()).extracting(EvalItem::id).containsExactly("13", "62", "76");
        assertThat(dev.nemotron4j.eval.task.SciCodeSteps.prefilled(scicode.items().get(1), 0)).startsWith("def __init__(self, length, basis_size):");
        assertThat(scicode.items().get(1).expected().at("/steps/1/tests").toString()).contains("grow(2)");
    }

    @Test
    void sciCodesTargetsAreDownloadedOrSavedByHandAndEitherWayCheckedAgainstThePinnedHash() throws IOException {
        byte[] h5 = resource("/dev/nemotron4j/eval/hdf5/scicode-targets.h5");
        String drive = "/drive.usercontent.google.com/download";
        DatasetManifest.Entry builtIn = DatasetManifest.builtIn().get("scicode-targets");
        assertThat(builtIn.sha256()).isEqualTo("48b0272a88b17dbd29777c217e1b4fb2b019b92e11cc2add847409db9541b890");
        assertThat(builtIn.manual()).contains("1W5GZW6_bdiDAiipuFMqdUhvUaHIj6-pR").contains("{output}");
        // the built-in entry with its host moved to the local server and its pin moved to the fixture's hash
        DatasetManifest pinned = new DatasetManifest(Map.of("scicode-targets", builtIn
                .rehosted(url -> base + "/" + url.substring(url.indexOf("://") + 3)).pinned(Sha256.hex(h5))));

        // Drive hands over the file: it is checked and saved where the recipe reads it
        files.put(drive, h5);
        DatasetFetcher.Fetched got = fetcher.fetch(pinned, "scicode-targets", dir.resolve("a"), null, null);
        assertThat(got.dataset()).isEqualTo(dir.resolve("a/test_data.h5"));
        assertThat(bytes(got.dataset())).isEqualTo(h5);
        assertThat(got.source().path("sha256").asText()).isEqualTo(Sha256.hex(h5));

        // Drive answers with its confirmation page: nothing is written, and the message says what to download by hand,
        // from where and where to save it
        files.put(drive, "<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head></html>".getBytes(StandardCharsets.UTF_8));
        Path b = dir.resolve("b");
        assertThatThrownBy(() -> fetcher.fetch(pinned, "scicode-targets", b, null, null))
                .hasMessageContaining("answered with a web page instead of the file")
                .hasMessageContaining("https://drive.google.com/drive/folders/1W5GZW6_bdiDAiipuFMqdUhvUaHIj6-pR")
                .hasMessageContaining("save it as " + b.resolve("test_data.h5").toAbsolutePath())
                .hasMessageContaining("sha256 " + Sha256.hex(h5))
                .hasMessageContaining("eval fetch scicode-targets --out " + b.toAbsolutePath());
        assertThat(b.resolve("test_data.h5")).doesNotExist();

        // the file saved there by hand is checked and recorded without asking the server
        Files.createDirectories(b);
        Files.write(b.resolve("test_data.h5"), h5);
        asked.clear();
        DatasetFetcher.Fetched placed = fetcher.fetch(pinned, "scicode-targets", b, null, null);
        assertThat(asked).isEmpty();
        assertThat(placed.source().path("verified_in_place").asBoolean()).isTrue();
        assertThat(placed.source().path("sha256").asText()).isEqualTo(Sha256.hex(h5));
        assertThat(DatasetFetcher.sourceFileOf(placed.dataset())).exists();

        // a truncated file there is refused, naming both hashes
        byte[] truncated = java.util.Arrays.copyOf(h5, 100);
        Files.write(b.resolve("test_data.h5"), truncated);
        assertThatThrownBy(() -> fetcher.fetch(pinned, "scicode-targets", b, null, null))
                .hasMessageContaining("has sha256 " + Sha256.hex(truncated)).hasMessageContaining("not the pinned " + Sha256.hex(h5));
    }

    @Test
    void aFilePinnedByItsGitBlobIdIsCheckedByIt() throws Exception {
        byte[] gemini = fixture("arena-gemini.jsonl");
        // git's id of the bytes, as `git hash-object` computes it
        java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
        sha1.update(("blob " + gemini.length + "\0").getBytes(StandardCharsets.US_ASCII));
        String blob = java.util.HexFormat.of().formatHex(sha1.digest(gemini));
        Files.write(dir.resolve("gemini.jsonl"), gemini);
        assertThat(DatasetFetcher.gitBlobId(dir.resolve("gemini.jsonl"))).isEqualTo(blob);
        assertThat(DatasetFetcher.gitBlobId(TestDatasets.write(dir.resolve("empty"), ""))).isEqualTo("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");

        DatasetManifest.Entry arena = DatasetManifest.builtIn().get("arena-hard-v2");
        assertThat(arena.alsoGitBlob()).containsEntry("gemini-2.0-flash-001", "75513a4feb8e2f642a9bdb952d1c3ed245b9c952");
        DatasetManifest m = new DatasetManifest(Map.of("arena-hard-v2", manifest.get("arena-hard-v2").withAlsoGitBlob(Map.of("gemini-2.0-flash-001", blob))));
        DatasetFetcher.Fetched f = fetcher.fetch(m, "arena-hard-v2", dir.resolve("a"), null, null);
        assertThat(f.source().path("files").findValues("sha256")).extracting(JsonNode::asText).contains(Sha256.hex(gemini));
        files.put(ARENA + "model_answer/gemini-2.0-flash-001.jsonl", (new String(gemini, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> fetcher.fetch(m, "arena-hard-v2", dir.resolve("b"), null, null))
                .hasMessageContaining("gemini-2.0-flash-001.jsonl has git blob id").hasMessageContaining("the pinned commit's is " + blob);
        assertThat(dir.resolve("b/arena-hard-v2.jsonl")).doesNotExist();
    }

    @Test
    void theBuiltInEntriesArePinnedAndLicensed() {
        DatasetManifest m = DatasetManifest.builtIn();
        for (String name : List.of("gsm8k", "hellaswag", "gpqa-diamond", "mmlu-prox", "wmt24pp", "aime25", "bfcl", "bfcl-answers", "hotpotqa-dev",
                "ruler-essays", "livecodebench", "arena-hard-v2", "scicode")) {
            assertThat(m.get(name).revision()).as(name).matches("[0-9a-f]{40}");
            assertThat(m.get(name).url()).as(name).contains("{revision}");
        }
        for (String name : List.of("aime25", "bfcl", "bfcl-answers", "squad-v2-dev", "hotpotqa-dev", "ruler-essays", "livecodebench", "arena-hard-v2",
                "scicode", "scicode-targets")) {
            assertThat(m.get(name).license()).as(name).isNotBlank();
            assertThat(m.get(name).gated()).as(name).isNotEqualTo(Boolean.TRUE);
        }
        // BFCL's variants are exactly the single-turn categories the bfcl task supports
        for (String category : m.get("bfcl").variants()) {
            assertThat(m.get("bfcl").variantSha256()).containsKey(category);
        }
        assertThat(m.get("bfcl").variants()).containsAll(m.get("bfcl-answers").variants()).hasSize(13);
        assertThat(m.describe()).contains("ruler-essays").contains("bfcl:VARIANT");
        // these downloads are pinned to their exact bytes: a sha256, or for a file whose sha256 is published nowhere,
        // its git blob id in the pinned commit
        for (String name : List.of("gsm8k", "hellaswag", "gpqa-diamond", "aime25", "squad-v2-dev", "hotpotqa-dev", "ruler-essays", "arena-hard-v2",
                "scicode", "scicode-targets", "mmlu-pro")) {
            assertThat(m.get(name).sha256()).as(name).matches("[0-9a-f]{64}");
        }
        // LiveCodeBench's six release files, each by its own hash
        assertThat(m.get("livecodebench").partSha256()).containsOnlyKeys(m.get("livecodebench").parts());
        assertThat(m.get("livecodebench").partSha256().values()).allMatch(h -> h.matches("[0-9a-f]{64}"));
        for (String name : List.of("arena-hard-v2", "scicode")) {
            DatasetManifest.Entry e = m.get(name);
            for (String also : e.also().keySet()) {
                assertThat(e.alsoSha256() != null && e.alsoSha256().containsKey(also) || e.alsoGitBlob() != null && e.alsoGitBlob().containsKey(also))
                        .as(name + " " + also).isTrue();
            }
        }
    }

    private List<TaskDefinition> tasks(String... taskYaml) {
        StringBuilder yaml = new StringBuilder("tasks:\n");
        for (String t : taskYaml) yaml.append("  - ").append(t).append('\n');
        Path config = TestDatasets.write(dir.resolve("tasks-" + Integer.toHexString(yaml.toString().hashCode()) + ".yaml"), yaml.toString());
        lastConfig = ConfigLoader.load(config, List.of());
        return new TaskFactory(lastConfig, TokenCounter.approximate()).build();
    }

    private static String input(TaskDefinition ruler) {
        return ruler.items().getFirst().fields().path("input").asText();
    }

    private static byte[] fixture(String name) {
        return resource(FIXTURES + name);
    }

    private static byte[] resource(String path) {
        try (InputStream in = BenchmarkDatasetsFetchTest.class.getResourceAsStream(path)) {
            if (in == null) throw new AssertionError("missing test resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> lines(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

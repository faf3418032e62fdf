package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.analysis.Rescorer;
import dev.nemotron4j.eval.analysis.RunComparison;
import dev.nemotron4j.eval.analysis.RunVerifier;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.target.EndpointType;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.OpenAiEndpointTarget;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.gsm8kConfig;
import static dev.nemotron4j.eval.testing.RunFixtures.load;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The harness's own guarantees (issue 18, D1-D4 and the smaller defects), each against the fake endpoint. */
class HarnessDefectsTest {
    @TempDir Path dir;
    FakeOpenAiServer server;
    Path dataset;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
        dataset = TestDatasets.gsm8k(dir, 12);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private EvalRunner.Outcome run(Path out, String extraYaml, String... overrides) {
        return new EvalRunner(QUIET).run(load(gsm8kConfig(dir, server, dataset, extraYaml), overrides), out);
    }

    private static Map<String, String> snapshot(Path run) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (String f : List.of("lock.json", "results.json", "samples.jsonl", "report.html")) files.put(f, Files.readString(run.resolve(f)));
        return files;
    }

    // D1: a rescore that changes the inputs is a new run with its own fingerprint; the original is never rewritten.
    @Test
    void rescoreWithAnOverrideWritesANewRunWithItsOwnFingerprint() throws Exception {
        Path a = dir.resolve("a");
        EvalRunner.Outcome original = run(a, "");
        Map<String, String> before = snapshot(a);
        List<String> override = List.of("interceptors.reasoning.fallback_to_reasoning=false");

        assertThatThrownBy(() -> Rescorer.rescore(a, override))
                .hasMessageContaining("--out").hasMessageContaining("fallback_to_reasoning");
        assertThat(snapshot(a)).isEqualTo(before);

        Path b = dir.resolve("b");
        RunResults rescored = Rescorer.rescore(a, override, b);
        assertThat(rescored.fingerprint()).isNotEqualTo(original.results().fingerprint());
        assertThat(rescored.rescored()).isTrue();
        assertThat(rescored.tasks().get("gsm8k").mean().mean()).isLessThan(original.results().tasks().get("gsm8k").mean().mean());
        RunLock lock = RunLock.read(b);
        assertThat(lock.fingerprint()).isEqualTo(rescored.fingerprint());
        assertThat(lock.inputs().at("/rescore/from_fingerprint").asText()).isEqualTo(original.results().fingerprint());
        assertThat(lock.inputs().at("/rescore/from_samples_digest").asText()).isEqualTo(original.results().samplesDigest());
        assertThat(lock.inputs().at("/rescore/overrides/0").asText()).isEqualTo(override.getFirst());
        assertThat(lock.inputs().at("/config/interceptors/reasoning/fallback_to_reasoning").asBoolean()).isFalse();

        assertThat(RunVerifier.verify(b).drift()).isEmpty();
        assertThat(RunVerifier.verify(a).drift()).isEmpty();
        assertThat(snapshot(a)).isEqualTo(before);
        assertThatThrownBy(() -> new EvalRunner(QUIET).resume(b)).hasMessageContaining("nothing to resume");
        // a rescore that changes nothing may re-finalise in place, under the same fingerprint
        assertThat(Rescorer.rescore(a, List.of()).fingerprint()).isEqualTo(original.results().fingerprint());
        assertThatThrownBy(() -> Rescorer.rescore(a, List.of("interceptors.reasoning.think_end=</t>"), b))
                .hasMessageContaining("already holds another run");
    }

    // D2: RULER lengths against an endpoint are the endpoint tokenizer's count of the prompt as the server reads it (chat
    // template, system prompt and reasoning switch included), and the achieved lengths are recorded.
    @ParameterizedTest(name = "reasoning {0}, system prompt {1}")
    @CsvSource({"default, false", "off, true"})
    void rulerLengthsAgainstAnEndpointCountThePromptAsTheServerTokenizesIt(String reasoning, boolean systemPrompt) {
        Path out = dir.resolve("ruler");
        EvalRunner.Outcome o = new EvalRunner(QUIET).run(ConfigLoader.load(TestDatasets.write(dir.resolve("ruler.yaml"), """
                target:
                  endpoint: {url: "%s", model: fake, type: chat}
                generation: {reasoning: "%s"}
                interceptors:
                  progress: {enabled: false}
                  system_prompt: {text: %s}
                tasks:
                  - name: ruler
                    params: {lengths: [1024, 2048], variants: [niah_single_1, cwe], samples_per_length: 2}
                """.formatted(server.baseUrl(), reasoning, systemPrompt ? "\"You read long documents carefully and answer briefly.\"" : "null")),
                List.of()), out);
        RunLock lock = RunLock.read(out);
        assertThat(lock.inputs().path("token_counter").asText()).startsWith("endpoint-tokenize-chat:");
        Map<String, Integer> reserved = Map.of("niah_single_1", 128, "cwe", 120);   // RULER's tokens_to_generate
        int items = 0;
        for (var e : o.results().tasks().entrySet()) {
            int target = ((Number) e.getValue().axis().get("context_length")).intValue();
            int answer = reserved.get((String) e.getValue().axis().get("ruler_variant"));
            JsonNode achieved = lock.inputs().path("tasks").path(e.getKey()).path("context_tokens");
            // RULER's rule: prompt + the tokens reserved for the answer <= the length
            assertThat(achieved.path("max").asInt() + answer).as(e.getKey()).isLessThanOrEqualTo(target);
            assertThat(achieved.path("min").asInt() + answer).as(e.getKey()).isGreaterThanOrEqualTo((int) (0.85 * target));
            items += e.getValue().items();
        }
        Map<String, List<Integer>> countedBySample = new LinkedHashMap<>();
        for (SampleRecord r : RunOutputs.readSamples(out)) {
            String content = r.prompt().path(0).path("content").asText();
            int target = Integer.parseInt(r.task().substring(r.task().indexOf('@') + 1));
            String variant = r.task().substring(r.task().indexOf('/') + 1, r.task().indexOf('@'));
            // the prompt as the server tokenizes it: <s>, the template's role markers, the system turn, the generation
            // prompt (and the empty think block with reasoning off) around the user turn
            com.fasterxml.jackson.databind.node.ObjectNode sent = CanonicalJson.MAPPER.createObjectNode();
            var messages = sent.putArray("messages");
            if (systemPrompt) messages.addObject().put("role", "system").put("content", "You read long documents carefully and answer briefly.");
            messages.addObject().put("role", "user").put("content", content);
            if (reasoning.equals("off")) sent.putObject("chat_template_kwargs").put("enable_thinking", false);
            int asSent = 1 + FakeOpenAiServer.pieces(FakeOpenAiServer.chatPrompt(sent)).size();
            int userTurn = FakeOpenAiServer.pieces(content).size();
            countedBySample.computeIfAbsent(r.task(), t -> new java.util.ArrayList<>()).add(asSent);
            assertThat(asSent - userTurn).as("template tokens counted").isGreaterThanOrEqualTo(systemPrompt ? 20 : 8);
            // within the task's tolerance of the requested length: the size is fitted on sample 0 to one haystack unit
            // (a noise line, about 35 of the fake's tokens; a numbered word, a few), later samples step down by RULER's
            // increment (5 lines or 10 words below 4096 tokens)
            int tolerance = r.itemId().equals("0") ? (variant.equals("cwe") ? 40 : 90) : (variant.equals("cwe") ? 120 : 250);
            assertThat(asSent + reserved.get(variant)).as(r.key().toString()).isBetween(target - tolerance, target);
        }
        // the recorded achieved lengths are those counts
        countedBySample.forEach((task, counts) -> {
            JsonNode achieved = lock.inputs().path("tasks").path(task).path("context_tokens");
            assertThat(achieved.path("min").asInt()).as(task).isEqualTo(counts.stream().mapToInt(Integer::intValue).min().orElseThrow());
            assertThat(achieved.path("max").asInt()).as(task).isEqualTo(counts.stream().mapToInt(Integer::intValue).max().orElseThrow());
        });
        assertThat(countedBySample).hasSize(4);
        // whole prompts are measured, not every sentence: a few dozen calls per item at most, all of them as chat requests
        assertThat(server.tokenizeRequests()).isLessThan(items * 40);
        assertThat(server.tokenizeChatRequests()).isGreaterThan(items);
    }

    @Test
    void withoutATokenizerRulerWarnsThatLengthsAreEstimated() {
        server.setTokenizeEnabled(false);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        new EvalRunner(new PrintStream(console, true, StandardCharsets.UTF_8)).run(ConfigLoader.load(TestDatasets.write(dir.resolve("r.yaml"), """
                target:
                  endpoint: {url: "%s", model: fake, type: chat}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - name: ruler
                    params: {lengths: [512], variants: [niah_single_1], samples_per_length: 1}
                """.formatted(server.baseUrl())), List.of()), dir.resolve("r"));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("warning").contains("estimated");
        assertThat(RunLock.read(dir.resolve("r")).inputs().path("token_counter").asText()).isEqualTo("approximate-wordpiece-v1");
    }

    // D3: the <s> a server adds before a text prompt is not part of the continuation's log-likelihood.
    @ParameterizedTest(name = "tokenize={0}, <s> counted in offsets={1}")
    @CsvSource({"true, true", "false, true", "false, false"})
    void loglikelihoodExcludesTheAddedBos(boolean tokenize, boolean bosCounted) {
        server.setTokenizeEnabled(tokenize);
        server.setBosCountedInOffsets(bosCounted);
        try (OpenAiEndpointTarget target = new OpenAiEndpointTarget(server.baseUrl(), "fake", EndpointType.COMPLETIONS, null, Duration.ofSeconds(10))) {
            String context = "What is 2 + 3?\n\nA. 5\nB. 6\nAnswer:";
            for (String[] option : new String[][] {{" A", "-0.1"}, {" B", "-2.5"}}) {
                GenerationRequest request = new GenerationRequest(null, context, 0, 1, 0, 0, 1, null, null, null, true, option[0], null);
                assertThat(target.generate(request).continuationLogprob()).as(option[0]).isCloseTo(Double.parseDouble(option[1]), within(1e-9));
            }
        }
        if (tokenize) assertThat(server.bodies().getLast().path("prompt").isArray()).isTrue();   // sent as token ids
    }

    // Smaller defects.
    @Test
    void aLogLikelihoodTaskOnAChatEndpointFailsBeforeAnyRequest() {
        TestDatasets.multipleChoice(dir, 4);
        Path out = dir.resolve("ll-chat");
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(ConfigLoader.load(TestDatasets.write(dir.resolve("ll.yaml"), """
                target:
                  endpoint: {url: "%s", model: fake, type: chat}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - name: gsm8k
                    dataset: gsm8k.jsonl
                  - name: arith-mc
                    type: multiple_choice
                    dataset: mc.jsonl
                    scoring: loglikelihood
                """.formatted(server.baseUrl())), List.of()), out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("arith-mc").hasMessageContaining("needs a completions endpoint");
        assertThat(server.requestCount()).isZero();
        assertThat(out).doesNotExist();
    }

    @Test
    void anEmptyTargetSaysWhatIsMissing() {
        Path config = TestDatasets.write(dir.resolve("empty-target.yaml"), """
                target:
                tasks:
                  - name: gsm8k
                    dataset: gsm8k.jsonl
                """);
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), dir.resolve("e")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no target").hasMessageContaining("target.model").hasMessageContaining("target.endpoint");
    }

    @Test
    void aRunDirectoryHeldByAnotherProcessIsRefused() throws Exception {
        Path out = dir.resolve("locked");
        Process holder = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), ChildLockMain.class.getName(), out.toString()).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> run(out, "")).hasMessageContaining("in use by another eval command")
                    .hasMessageContaining("pid " + holder.pid());
            assertThat(out.resolve("journal.jsonl")).doesNotExist();
            assertThatThrownBy(() -> Rescorer.rescore(out, List.of())).hasMessageContaining("in use");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertThat(run(out, "").results().samples()).isEqualTo(12);   // the OS released the dead holder's lock
    }

    @Test
    void everyFileOfARunHasTheJournalsMode() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path out = dir.resolve("modes");
        run(out, "");
        String journal = PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("journal.jsonl")));
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.getFileName().toString()).isEqualTo(journal);
            }
        }
    }

    @Test
    void tokensRetriesAndLatencyAreRecorded() throws Exception {
        server.failNext(3, 503);
        Path out = dir.resolve("totals");
        EvalRunner.Outcome o = run(out, "");
        var tokens = o.results().tasks().get("gsm8k").tokens();
        long prompt = 0, completion = 0;
        for (SampleRecord r : RunOutputs.readSamples(out)) {
            prompt += r.responses().getFirst().usage().promptTokens();
            completion += r.responses().getFirst().usage().completionTokens();
        }
        assertThat(completion).isEqualTo(12 * 20);
        assertThat(tokens.promptTokens()).isEqualTo(prompt).isPositive();
        assertThat(tokens.completionTokens()).isEqualTo(completion);
        assertThat(CanonicalJson.parse(read(out.resolve("results.json"))).at("/tasks/gsm8k/tokens/completion_tokens").asLong()).isEqualTo(240);

        RunTiming timing = RunTiming.read(out).orElseThrow();
        assertThat(timing.requests().requests()).isEqualTo(12);
        assertThat(timing.requests().retries()).isEqualTo(3);
        assertThat(timing.requests().failedRequests()).isZero();
        assertThat(timing.invocations()).isEqualTo(1);
        assertThat(read(out.resolve("report.html"))).contains("12 requests to the target").contains("3 retries").contains("id=\"tokens\"");

        new EvalRunner(QUIET).resume(out);   // nothing left to do: totals add up, no new requests
        RunTiming after = RunTiming.read(out).orElseThrow();
        assertThat(after.invocations()).isEqualTo(2);
        assertThat(after.requests().requests()).isEqualTo(12);
        assertThat(after.requests().retries()).isEqualTo(3);
    }

    // D4: compare refuses runs that did not ask the same questions.
    @Test
    void compareRefusesDifferentDatasetsOrPromptsUnlessForced() throws Exception {
        Path a = dir.resolve("a"), sameAgain = dir.resolve("a2");
        run(a, "");
        run(sameAgain, "", "run.parallelism=3");
        assertThat(RunComparison.compare(a, sameAgain).warnings()).isEmpty();

        Path otherPrompt = dir.resolve("p");
        run(otherPrompt, "", "tasks.gsm8k.prompt='Question: {{question}}'");
        assertThatThrownBy(() -> RunComparison.compare(a, otherPrompt))
                .isInstanceOf(RunComparison.IncomparableRunsException.class)
                .hasMessageContaining("different prompts").hasMessageContaining("--force");

        Files.writeString(dataset, read(dataset).replaceFirst("#### ", "#### 9"));
        Path otherData = dir.resolve("d");
        run(otherData, "");
        assertThatThrownBy(() -> RunComparison.compare(a, otherData)).hasMessageContaining("different datasets");
        RunComparison.Result forced = RunComparison.compare(a, otherData, true);
        assertThat(forced.warnings()).anyMatch(w -> w.contains("different datasets"));
        assertThat(RunComparison.describe(forced, 0.05, 3)).startsWith("warning (forced)");
    }

    @Test
    void repeatsAreComparedAsClustersAndTasksAreHolmCorrected() {
        Path a = dir.resolve("ra"), b = dir.resolve("rb");
        run(a, "", "run.repeats=3", "generation.temperature=0.7");
        run(b, "", "run.repeats=3", "generation.temperature=0.7");
        RunComparison.Result same = RunComparison.compare(a, b);
        RunComparison.TaskComparison t = same.tasks().get("gsm8k");
        assertThat(t.clustered()).isTrue();
        assertThat(t.items()).isEqualTo(12);
        assertThat(t.pairs()).isEqualTo(36);
        assertThat(t.holmP()).isEqualTo(t.pValue());   // one task: nothing to correct
        assertThat(same.regression(0.05)).isFalse();
        assertThat(RunOutputs.readResults(a).tasks().get("gsm8k").designEffect()).isGreaterThanOrEqualTo(1.0);
    }
}

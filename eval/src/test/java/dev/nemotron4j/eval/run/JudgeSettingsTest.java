package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.config.CommandLineOptions;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.judge.JudgeTotals;
import dev.nemotron4j.eval.testing.ScriptedJudgeServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The judge configured from the command line ({@code --judge-url}, {@code --judge-model}, {@code --judge-api-key-env}),
 * its key read from the named variable and never written anywhere, clear errors for a wrong setting, and the judge's
 * calls, cache hits and tokens in {@code timing.json} and the report.
 */
class JudgeSettingsTest {
    private static final String SECRET = "sk-test-0123456789abcdef";
    @TempDir Path dir;
    private ScriptedJudgeServer judge;
    private Path config;

    @BeforeEach
    void start() throws IOException {
        judge = new ScriptedJudgeServer(ArenaHardJudgeTest::verdict);
        TestDatasets.write(dir.resolve("arena.jsonl"), """
                {"uid": "q1", "category": "hard_prompt", "prompt": "Write a haiku about rain.", "baseline": "BASELINE: rain falls"}
                {"uid": "q2", "category": "creative_writing", "prompt": "Explain TCP vs UDP.", "baseline": "BASELINE: TCP is reliable"}
                """);
        config = TestDatasets.write(dir.resolve("arena.yaml"), """
                target: {model: unused}
                run: {seed: 3, parallelism: 1}
                interceptors:
                  progress: {enabled: false}
                  retry: {max_attempts: 1, initial_backoff_ms: 1, max_backoff_ms: 2}
                tasks:
                  - {name: arena_hard, dataset: arena.jsonl}
                """);
    }

    @AfterEach
    void stop() { judge.close(); }

    private EvalConfig resolve(CommandLineOptions.Judge flags, String... overrides) {
        return new CommandLineOptions(config, null, null, null, null, null, List.of(), null, null, null, null, null, null, null,
                List.of(overrides), null, flags).resolve();
    }

    private EvalRunner.Outcome run(EvalConfig c, Path out, Map<String, String> env) {
        return new EvalRunner(QUIET).withEnvironment(env::get).run(c, out, new ArenaHardJudgeTest.Model());
    }

    @Test
    void theJudgeFlagsSetItsEndpointModelAndKeyVariableAndTheKeyIsNeverWritten() {
        EvalConfig c = resolve(new CommandLineOptions.Judge(judge.baseUrl(), "judge-1", "MY_JUDGE_KEY"),
                "judge.cache_dir=" + dir.resolve("judge-cache"));
        assertThat(c.judge().url()).isEqualTo(judge.baseUrl());
        assertThat(c.judge().model()).isEqualTo("judge-1");
        assertThat(c.judge().apiKeyEnv()).isEqualTo("MY_JUDGE_KEY");
        Path out = dir.resolve("a");
        run(c, out, Map.of("MY_JUDGE_KEY", SECRET));
        assertThat(judge.answered()).isEqualTo(4);
        assertThat(judge.authorizations()).hasSize(4).allMatch(("Bearer " + SECRET)::equals);
        assertThat(judge.bodies()).allMatch(b -> b.path("model").asText().equals("judge-1"));
        // the variable's name is in the stored config (resume needs it), the key in no file of the run or the judge cache
        assertThat(read(out.resolve("lock.json"))).contains("MY_JUDGE_KEY").doesNotContain(SECRET);
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> assertThat(read(f)).as(f.toString()).doesNotContain(SECRET));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // flags override the config file's judge; the key variable is not an input of the run
        EvalConfig other = resolve(new CommandLineOptions.Judge(null, null, "OTHER_KEY"), "judge.url=" + judge.baseUrl(), "judge.model=judge-1",
                "judge.cache_dir=" + dir.resolve("judge-cache"));
        assertThat(other.judge().apiKeyEnv()).isEqualTo("OTHER_KEY");
        EvalRunner.Outcome again = run(other, dir.resolve("b"), Map.of("OTHER_KEY", "another"));
        assertThat(again.results().fingerprint()).isEqualTo(RunOutputs.readResults(out).fingerprint());
    }

    @Test
    void wrongJudgeSettingsAreClearErrorsBeforeAnythingIsAskedOrWritten() {
        // the key itself where its variable's name belongs: refused, and not repeated in the message
        assertThatThrownBy(() -> resolve(new CommandLineOptions.Judge(judge.baseUrl(), "judge-1", SECRET)))
                .hasMessageContaining("--judge-api-key-env takes the name of an environment variable")
                .hasMessageNotContaining(SECRET).hasMessageNotContaining("0123456789");
        assertThatThrownBy(() -> new CommandLineOptions(config, null, "http://h:1/v1", "m", null, "sk-abc.def", List.of(), null, null, null,
                null, null, null, null, List.of(), null).resolve()).hasMessageContaining("--api-key-env").hasMessageNotContaining("sk-abc");
        Path out = dir.resolve("x");
        assertThatThrownBy(() -> run(resolve(new CommandLineOptions.Judge(judge.baseUrl(), "judge-1", "MY_JUDGE_KEY")), out, Map.of()))
                .hasMessageContaining("environment variable MY_JUDGE_KEY (judge.api_key_env (--judge-api-key-env)) is not set");
        assertThatThrownBy(() -> run(resolve(new CommandLineOptions.Judge(judge.baseUrl(), "judge-1", "MY_JUDGE_KEY")), out, Map.of("MY_JUDGE_KEY", " ")))
                .hasMessageContaining("MY_JUDGE_KEY").hasMessageContaining("is empty");
        assertThatThrownBy(() -> run(resolve(new CommandLineOptions.Judge("localhost:8001", "judge-1", null)), out, Map.of()))
                .hasMessageContaining("--judge-url").hasMessageContaining("'localhost:8001' is not an http(s) URL");
        assertThatThrownBy(() -> run(resolve(new CommandLineOptions.Judge(judge.baseUrl(), null, null)), out, Map.of()))
                .hasMessageContaining("--judge-url URL --judge-model NAME").hasMessageContaining("nothing was run");
        assertThat(judge.answered()).isZero();
        assertThat(out).doesNotExist();
    }

    @Test
    void theJudgesCallsCacheHitsAndTokensAreInTimingAndTheReport() {
        EvalConfig c = resolve(new CommandLineOptions.Judge(judge.baseUrl(), "judge-1", null), "judge.cache_dir=" + dir.resolve("judge-cache"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path a = dir.resolve("a");
        new EvalRunner(new PrintStream(console, true, StandardCharsets.UTF_8)).run(c, a, new ArenaHardJudgeTest.Model());
        // two questions, both orders: four calls; the scripted judge reports 100 prompt and 20 completion tokens a call
        assertThat(RunTiming.read(a).orElseThrow().judge()).isEqualTo(new JudgeTotals("judge-1", 4, 0, 0, 0, 400, 80));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("judge: 4 calls to judge-1, 0 judgments from its cache");
        assertThat(read(a.resolve("report.html"))).contains("<p id=\"judge\">judge: 4 calls to judge-1, 0 judgments from its cache, "
                + "0 retries, 0 failed; 400 prompt and 80 completion tokens</p>");

        // a second run finds every judgment in the shared cache: no calls, no tokens, four cache hits
        Path b = dir.resolve("b");
        run(c, b, Map.of());
        assertThat(RunTiming.read(b).orElseThrow().judge()).isEqualTo(new JudgeTotals("judge-1", 0, 4, 0, 0, 0, 0));
        // resuming a finished run adds its invocation (nothing asked again) to the totals
        new EvalRunner(QUIET).resume(a, new ArenaHardJudgeTest.Model());
        RunTiming resumed = RunTiming.read(a).orElseThrow();
        assertThat(resumed.invocations()).isEqualTo(2);
        assertThat(resumed.judge()).isEqualTo(new JudgeTotals("judge-1", 4, 0, 0, 0, 400, 80));
        assertThat(judge.answered()).isEqualTo(4);
    }

    @Test
    void aRunWithoutJudgedTasksHasNoJudgeTotalsAndSaysTheJudgeIsUnused() {
        TestDatasets.gsm8k(dir, 2);
        Path cfg = TestDatasets.write(dir.resolve("g.yaml"), """
                target: {model: unused}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - {name: gsm8k, dataset: gsm8k.jsonl}
                """);
        EvalConfig c = new CommandLineOptions(cfg, null, null, null, null, null, List.of(), null, null, null, null, null, null, null,
                List.of(), null, new CommandLineOptions.Judge(judge.baseUrl(), "judge-1", null)).resolve();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path out = dir.resolve("g");
        new EvalRunner(new PrintStream(console, true, StandardCharsets.UTF_8)).run(c, out, new ArenaHardJudgeTest.Model());
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("no task of this run is judged");
        assertThat(RunTiming.read(out).orElseThrow().judge()).isNull();
        assertThat(read(out.resolve("report.html"))).doesNotContain("id=\"judge\"");
        assertThat(judge.answered()).isZero();
    }
}

package dev.nemotron4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code eval run}'s judge flags reach the run's judge settings, and a wrong setting is one clear line, exit 1. */
class EvalJudgeFlagsCliTest {
    @TempDir Path tmp;

    @Test
    void judgeFlagsAreCheckedBeforeAnythingRuns() throws Exception {
        Path data = tmp.resolve("arena.jsonl");
        Files.writeString(data, "{\"uid\": \"q1\", \"category\": \"hard_prompt\", \"prompt\": \"Say hi.\", \"baseline\": \"Hi.\"}\n");
        String model = dev.nemotron4j.testkit.TestData.tiny("tiny-c").toString();
        String out = tmp.resolve("run").toString();
        String key = "sk-proj-AbCdEf0123456789";

        // the key pasted where the variable's name belongs: refused, never echoed
        CliContractTest.Run pasted = CliContractTest.run("", "eval", "run", "--model", model, "--task", "arena_hard", "--dataset", data.toString(),
                "--judge-url", "http://127.0.0.1:9/v1", "--judge-model", "judge-1", "--judge-api-key-env", key, "--out", out);
        assertThat(pasted.exit()).isEqualTo(1);
        assertThat(pasted.err()).contains("--judge-api-key-env takes the name of an environment variable").doesNotContain("AbCdEf");
        assertThat(pasted.out()).doesNotContain("AbCdEf");

        // the flags set the judge: without --judge-model the run names both flags; an unset variable is named
        CliContractTest.Run noModel = CliContractTest.run("", "eval", "run", "--model", model, "--task", "arena_hard", "--dataset", data.toString(),
                "--judge-url", "http://127.0.0.1:9/v1", "--out", out);
        assertThat(noModel.exit()).isEqualTo(1);
        assertThat(noModel.err()).contains("--judge-url URL --judge-model NAME");
        CliContractTest.Run unset = CliContractTest.run("", "eval", "run", "--model", model, "--task", "arena_hard", "--dataset", data.toString(),
                "--judge-url", "http://127.0.0.1:9/v1", "--judge-model", "judge-1", "--judge-api-key-env", "NEMOTRON4J_TEST_UNSET_JUDGE_KEY",
                "--out", out);
        assertThat(unset.exit()).isEqualTo(1);
        assertThat(unset.err()).contains("environment variable NEMOTRON4J_TEST_UNSET_JUDGE_KEY").contains("is not set");
        assertThat(tmp.resolve("run")).doesNotExist();
    }
}

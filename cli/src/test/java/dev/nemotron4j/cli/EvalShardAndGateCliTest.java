package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code eval run --shard}, {@code eval merge} and {@code eval gate}'s exit codes through the command line, in-process. */
class EvalShardAndGateCliTest {

    @TempDir
    Path tmp;

    @Test
    void shardsMergeToTheWholeRunAndTheGateExitsFourOnAFailedCheck() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add("{\"question\": \"What is " + i + " plus " + (i + 1) + "?\", \"answer\": \"It is " + (2 * i + 1) + ".\\n#### " + (2 * i + 1) + "\"}");
        }
        Path data = tmp.resolve("gsm8k.jsonl");
        Files.write(data, lines);
        String model = TestData.tiny("tiny-a").toString();
        List<String> common = List.of("eval", "run", "--model", model, "--task", "gsm8k", "--dataset", data.toString(), "--max-tokens", "8", "--seed", "3");

        CliContractTest.Run whole = run(common, "--out", tmp.resolve("whole").toString());
        assertThat(whole.exit()).as(whole.err() + whole.out()).isZero();
        assertThat(whole.err()).contains("estimate: 5 samples, 5 requests");
        for (int i = 0; i < 2; i++) {
            CliContractTest.Run shard = run(common, "--shard", i + "/2", "--out", tmp.resolve("shard-" + i).toString());
            assertThat(shard.exit()).as(shard.err() + shard.out()).isZero();
        }
        CliContractTest.Run merge = CliContractTest.run("", "eval", "merge", "--out", tmp.resolve("merged").toString(),
                tmp.resolve("shard-1").toString(), tmp.resolve("shard-0").toString());
        assertThat(merge.exit()).as(merge.err() + merge.out()).isZero();
        assertThat(Files.readString(tmp.resolve("merged/samples.jsonl"))).isEqualTo(Files.readString(tmp.resolve("whole/samples.jsonl")));
        assertThat(Files.readString(tmp.resolve("merged/results.json"))).isEqualTo(Files.readString(tmp.resolve("whole/results.json")));

        Path pass = tmp.resolve("pass.yaml"), fail = tmp.resolve("fail.yaml");
        Files.writeString(pass, "tasks:\n  gsm8k: {min: 0.0}\n");
        Files.writeString(fail, "tasks:\n  gsm8k: {min: 1.01}\n");
        CliContractTest.Run ok = CliContractTest.run("", "eval", "gate", "--policy", pass.toString(), tmp.resolve("merged").toString());
        assertThat(ok.exit()).as(ok.err() + ok.out()).isZero();
        assertThat(ok.out()).contains("gate passed");
        CliContractTest.Run failed = CliContractTest.run("", "eval", "gate", "--policy", fail.toString(), tmp.resolve("merged").toString());
        assertThat(failed.exit()).isEqualTo(4);
        assertThat(failed.out()).contains("FAIL").contains("gate FAILED");
    }

    private static CliContractTest.Run run(List<String> common, String... more) {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of(more));
        return CliContractTest.run("", args.toArray(String[]::new));
    }
}

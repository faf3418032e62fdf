package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code eval run --model DIR}: the in-process engine target is found and runs are byte-identical across parallelism. */
class EvalInProcessTest {

    @TempDir
    Path tmp;

    @Test
    void sameDigestAtParallelismOneAndFour() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("{\"question\": \"What is " + i + " plus " + (i + 1) + "?\", \"answer\": \"It is " + (2 * i + 1) + ".\\n#### " + (2 * i + 1) + "\"}");
        }
        Path data = tmp.resolve("gsm8k.jsonl");
        Files.write(data, lines);
        String model = TestData.tiny("tiny-a").toString();
        List<JsonNode> results = new ArrayList<>();
        for (String par : List.of("1", "4")) {
            Path out = tmp.resolve("run-" + par);
            CliContractTest.Run r = CliContractTest.run("", "eval", "run", "--model", model, "--task", "gsm8k", "--dataset", data.toString(),
                    "--limit", "6", "--max-tokens", "12", "--parallelism", par, "--seed", "5", "--out", out.toString());
            assertThat(r.exit()).as(r.err() + r.out()).isZero();
            results.add(EvalRunFiles.results(out));
        }
        assertThat(results.get(0).get("samples_digest").asText()).isNotBlank().isEqualTo(results.get(1).get("samples_digest").asText());
        assertThat(results.get(0).get("fingerprint").asText()).isEqualTo(results.get(1).get("fingerprint").asText());
        assertThat(Files.readString(tmp.resolve("run-1").resolve("lock.json"))).contains("model_sha256").contains("tokenizer_sha256");
    }
}

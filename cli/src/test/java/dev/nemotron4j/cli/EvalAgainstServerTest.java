package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.server.OpenAiServer;
import dev.nemotron4j.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same greedy evaluation in-process and against {@code nemotron4j serve}: every sample gets the same response,
 * extracted answer and score (the run fingerprints differ only by the target).
 */
class EvalAgainstServerTest {

    @TempDir
    Path tmp;

    @Test
    void greedyScoresMatchBetweenInProcessAndServedModel() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lines.add("{\"question\": \"Compute " + i + " times 3.\", \"answer\": \"It is " + (3 * i) + ".\\n#### " + (3 * i) + "\"}");
        }
        Path data = tmp.resolve("q.jsonl");
        Files.write(data, lines);
        Path model = CliContractTest.tiny("tiny-c");
        String[] common = {"--task", "gsm8k", "--dataset", data.toString(), "--limit", "5", "--max-tokens", "20", "--seed", "1"};

        CliContractTest.Run local = CliContractTest.run("", concat(new String[] {"eval", "run", "--model", model.toString(),
                "--out", tmp.resolve("local").toString()}, common));
        assertThat(local.exit()).as(local.err() + local.out()).isZero();

        try (ModelBundle bundle = ModelBundle.open(model);
             TextService service = new TextService(bundle, TextService.defaultOptions(bundle));
             OpenAiServer server = OpenAiServer.start(service, ServerConfig.local(0, "tiny-c"))) {
            CliContractTest.Run remote = CliContractTest.run("", concat(new String[] {"eval", "run", "--endpoint",
                    "http://127.0.0.1:" + server.port() + "/v1", "--served-model", "tiny-c", "--out", tmp.resolve("remote").toString()}, common));
            assertThat(remote.exit()).as(remote.err() + remote.out()).isZero();
        }
        List<JsonNode> a = samples(tmp.resolve("local")), b = samples(tmp.resolve("remote"));
        assertThat(a).hasSize(5).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            for (String field : List.of("answer_text", "extracted", "score")) {
                assertThat(b.get(i).get(field)).as("sample %d %s", i, field).isEqualTo(a.get(i).get(field));
            }
            JsonNode ra = a.get(i).at("/responses/0"), rb = b.get(i).at("/responses/0");
            assertThat(rb.get("reasoning_content")).as("sample %d reasoning", i).isEqualTo(ra.get("reasoning_content"));
            assertThat(rb.get("content")).as("sample %d content", i).isEqualTo(ra.get("content"));
            assertThat(rb.at("/usage/completion_tokens")).isEqualTo(ra.at("/usage/completion_tokens"));
        }
        JsonNode ra = new ObjectMapper().readTree(tmp.resolve("local/results.json").toFile());
        JsonNode rb = new ObjectMapper().readTree(tmp.resolve("remote/results.json").toFile());
        assertThat(rb.at("/tasks/gsm8k/mean").asDouble()).isEqualTo(ra.at("/tasks/gsm8k/mean").asDouble());
    }

    private static List<JsonNode> samples(Path run) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("samples.jsonl"))) if (!l.isBlank()) out.add(json.readTree(l));
        out.sort(java.util.Comparator.comparingInt(x -> x.path("item_index").asInt()));
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

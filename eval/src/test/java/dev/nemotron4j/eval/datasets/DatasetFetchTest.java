package dev.nemotron4j.eval.datasets;

import com.sun.net.httpserver.HttpServer;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.run.EvalRunner;
import dev.nemotron4j.eval.run.RunLock;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.RunFixtures;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Item 4: eval fetch against a local HTTP server serving small fixture files (no network). */
class DatasetFetchTest {
    static final String GSM8K = """
            {"question": "What is 2 + 3?", "answer": "2 + 3 = 5\\n#### 5"}
            {"question": "What is 10 + 7?", "answer": "10 + 7 = 17\\n#### 17"}
            """;
    static final String GPQA = "Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,Subdomain\r\n"
            + "\"Which gas, at STP, is \"\"noble\"\"?\",Argon,Nitrogen,Oxygen,\"Carbon\ndioxide\",Chemistry\r\n"
            + "What is 2+2?,4,3,5,22,Arithmetic\r\n";

    @TempDir Path dir;
    HttpServer http;
    final AtomicInteger unauthorised = new AtomicInteger();

    @BeforeEach
    void serve() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/gh/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestURI().getPath().equals("/gh/abc123/test.jsonl") ? GSM8K.getBytes(StandardCharsets.UTF_8) : null;
                ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) ex.getResponseBody().write(body);
            }
        });
        http.createContext("/hf/", ex -> {
            try (ex) {
                if (!"Bearer secret-token".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    unauthorised.incrementAndGet();
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                byte[] body = GPQA.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private Path manifest(String gsm8kSha) {
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        return TestDatasets.write(dir.resolve("manifest-" + gsm8kSha.hashCode() + ".yaml"), """
                datasets:
                  gsm8k:
                    description: fixture
                    url: %s/gh/{revision}/test.jsonl
                    revision: abc123
                    sha256: %s
                    license: MIT
                    format: jsonl
                    task: gsm8k
                  gpqa-diamond:
                    description: fixture
                    url: %s/hf/{revision}/gpqa_diamond.csv
                    revision: main
                    license: CC-BY-4.0
                    gated: true
                    token_env: MY_HF_TOKEN
                    format: csv
                    fields: {question: Question, correct: Correct Answer}
                    task: gpqa
                """.formatted(base, gsm8kSha, base));
    }

    @Test
    void fetchesConvertsAndRecordsProvenanceThatRunsCopyIntoTheirLock() throws Exception {
        String sha = Sha256.hex(GSM8K);
        DatasetFetcher.Fetched f = new DatasetFetcher(Map.<String, String>of()::get)
                .fetch(DatasetManifest.load(manifest(sha)), "gsm8k", dir.resolve("data"), null, null);
        assertThat(f.rows()).isEqualTo(2);
        assertThat(f.dataset()).isEqualTo(dir.resolve("data/gsm8k.jsonl"));
        assertThat(Files.readAllLines(f.dataset())).hasSize(2).first().asString().contains("\"question\":\"What is 2 + 3?\"");
        assertThat(f.source().path("url").asText()).endsWith("/gh/abc123/test.jsonl");
        assertThat(f.source().path("revision").asText()).isEqualTo("abc123");
        assertThat(f.source().path("sha256").asText()).isEqualTo(sha);
        assertThat(f.source().path("license").asText()).isEqualTo("MIT");
        assertThat(DatasetFetcher.sourceFileOf(f.dataset())).exists();

        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            Path out = dir.resolve("run");
            new EvalRunner(QUIET).run(RunFixtures.load(RunFixtures.gsm8kConfig(dir, server, f.dataset(), "")), out);
            RunLock lock = RunLock.read(out);
            assertThat(lock.inputs().at("/tasks/gsm8k/source/sha256").asText()).isEqualTo(sha);
            assertThat(lock.inputs().at("/tasks/gsm8k/source/license").asText()).isEqualTo("MIT");
            assertThat(lock.inputs().at("/tasks/gsm8k/source/url").asText()).endsWith("/gh/abc123/test.jsonl");
        }
    }

    @Test
    void aDownloadThatDoesNotMatchThePinnedHashIsRefused() {
        Path m = manifest("0".repeat(64));
        assertThatThrownBy(() -> new DatasetFetcher(Map.<String, String>of()::get).fetch(DatasetManifest.load(m), "gsm8k", dir.resolve("d"), null, null))
                .hasMessageContaining("the source changed").hasMessageContaining(Sha256.hex(GSM8K));
        assertThat(dir.resolve("d/gsm8k.jsonl")).doesNotExist();
        assertThatThrownBy(() -> new DatasetFetcher(Map.<String, String>of()::get)
                .fetch(DatasetManifest.load(m), "gsm8k", dir.resolve("d"), "other-rev", null)).hasMessageContaining("HTTP 404");
    }

    @Test
    void gatedSetsNeedTheUsersOwnTokenAndConvertFromCsv() throws Exception {
        Path m = manifest(Sha256.hex(GSM8K));
        assertThatThrownBy(() -> new DatasetFetcher(Map.<String, String>of()::get).fetch(DatasetManifest.load(m), "gpqa-diamond", dir.resolve("g"), null, null))
                .hasMessageContaining("gated").hasMessageContaining("MY_HF_TOKEN");
        assertThat(unauthorised.get()).isZero();   // nothing was even asked without a token
        DatasetFetcher.Fetched f = new DatasetFetcher(Map.of("MY_HF_TOKEN", "secret-token")::get)
                .fetch(DatasetManifest.load(m), "gpqa-diamond", dir.resolve("g"), null, null);
        List<String> lines = Files.readAllLines(f.dataset());
        assertThat(lines).hasSize(2);
        assertThat(lines.getFirst()).contains("\"question\":\"Which gas, at STP, is \\\"noble\\\"?\"").contains("\"correct\":\"Argon\"")
                .contains("\"Incorrect Answer 3\":\"Carbon\\ndioxide\"").doesNotContain("\"Question\"");
        assertThat(f.source().path("gated").asBoolean()).isTrue();
    }

    @Test
    void theBuiltInManifestListsOpenAndGatedSets() {
        DatasetManifest m = DatasetManifest.builtIn();
        assertThat(m.datasets()).containsKeys("gsm8k", "ifeval", "ifbench", "gpqa-diamond");
        assertThat(m.get("gpqa-diamond").gated()).isTrue();
        assertThat(m.describe()).contains("gsm8k").contains("gated");
        assertThatThrownBy(() -> m.get("nope")).hasMessageContaining("known: ");
    }
}

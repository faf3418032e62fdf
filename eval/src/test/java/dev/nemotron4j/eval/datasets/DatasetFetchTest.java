package dev.nemotron4j.eval.datasets;

import dev.nemotron4j.eval.datasets.parquet.ParquetFileTest;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.run.EvalRunner;
import dev.nemotron4j.eval.run.RunLock;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.RunFixtures;
import dev.nemotron4j.eval.testing.TestDatasets;
import dev.nemotron4j.testkit.LoopbackHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Item 4: eval fetch against a local HTTP server serving small fixture files (no network), JSONL, CSV and Parquet. */
class DatasetFetchTest {
    static final String GSM8K = """
            {"question": "What is 2 + 3?", "answer": "2 + 3 = 5\\n#### 5"}
            {"question": "What is 10 + 7?", "answer": "10 + 7 = 17\\n#### 17"}
            """;
    static final String GPQA = "Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,Subdomain\r\n"
            + "\"Which gas, at STP, is \"\"noble\"\"?\",Argon,Nitrogen,Oxygen,\"Carbon\ndioxide\",Chemistry\r\n"
            + "What is 2+2?,4,3,5,22,Arithmetic\r\n";

    @TempDir Path dir;
    LoopbackHttpServer http;
    final AtomicInteger unauthorised = new AtomicInteger();

    @BeforeEach
    void serve() throws Exception {
        http = LoopbackHttpServer.start().route("/gh/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestURI().getPath().equals("/gh/abc123/test.jsonl") ? GSM8K.getBytes(StandardCharsets.UTF_8) : null;
                ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) ex.getResponseBody().write(body);
            }
        });
        http.route("/hf/", ex -> {
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
        // Parquet fixtures by file name under any revision and variant; "truncated-NAME" serves the first half of NAME
        http.route("/pq/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                String file = path.substring(path.lastIndexOf('/') + 1);
                boolean truncated = file.startsWith("truncated-");
                byte[] body;
                try {
                    body = Files.readAllBytes(ParquetFileTest.fixture(truncated ? file.substring(10) : file));
                } catch (AssertionError missing) {
                    body = null;
                }
                if (body != null && truncated) body = java.util.Arrays.copyOf(body, body.length / 2);
                ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) ex.getResponseBody().write(body);
            }
        });
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private Path manifest(String gsm8kSha) {
        String base = http.url("");
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

    private Path parquetManifest(String mmluProSha) {
        String base = http.url("");
        return TestDatasets.write(dir.resolve("manifest-pq-" + mmluProSha.hashCode() + ".yaml"), """
                datasets:
                  mmlu-pro:
                    description: fixture shaped like TIGER-Lab/MMLU-Pro's test split
                    url: %1$s/pq/{revision}/data/mmlu-pro-shaped.parquet
                    revision: b189ec7
                    sha256: %2$s
                    license: MIT
                    format: parquet
                    task: mmlu_pro
                  mmlu-prox:
                    description: fixture with one file per language
                    url: %1$s/pq/{revision}/{variant}/mmlu-pro-shaped.parquet
                    revision: main
                    license: MIT
                    format: parquet
                    variants: [de, en]
                    variant_sha256: {de: %2$s}
                    task: mmlu_prox
                  broken:
                    description: a Parquet download cut in half
                    url: %1$s/pq/{revision}/truncated-mmlu-pro-shaped.parquet
                    revision: main
                    license: MIT
                    format: parquet
                  zstd:
                    description: a Parquet file compressed with a codec the reader does not support
                    url: %1$s/pq/{revision}/unsupported-zstd.parquet
                    revision: main
                    license: MIT
                    format: parquet
                """.formatted(base, mmluProSha));
    }

    @Test
    void fetchesParquetConvertsItToJsonlAndRecordsProvenanceThatRunsCopyIntoTheirLock() throws Exception {
        String sha = Sha256.ofFile(ParquetFileTest.fixture("mmlu-pro-shaped.parquet"));
        DatasetFetcher.Fetched f = new DatasetFetcher(Map.<String, String>of()::get)
                .fetch(DatasetManifest.load(parquetManifest(sha)), "mmlu-pro", dir.resolve("data"), null, null);
        assertThat(f.rows()).isEqualTo(30);
        assertThat(f.dataset()).isEqualTo(dir.resolve("data/mmlu-pro.jsonl"));
        // the rows pyarrow reads from the file, in our canonical JSONL
        List<String> expected = Files.readAllLines(ParquetFileTest.fixture("mmlu-pro-shaped.expected.jsonl")).stream()
                .map(l -> CanonicalJson.canonical(CanonicalJson.parse(l))).toList();
        assertThat(Files.readAllLines(f.dataset())).containsExactlyElementsOf(expected);
        assertThat(Files.readAllLines(f.dataset()).getFirst()).contains("\"options\":[\"Option A of question 0: \"");
        assertThat(f.source().path("url").asText()).endsWith("/pq/b189ec7/data/mmlu-pro-shaped.parquet");
        assertThat(f.source().path("revision").asText()).isEqualTo("b189ec7");
        assertThat(f.source().path("sha256").asText()).isEqualTo(sha);
        assertThat(f.source().path("format").asText()).isEqualTo("parquet");
        assertThat(f.source().path("license").asText()).isEqualTo("MIT");
        assertThat(f.source().path("converted_sha256").asText()).isEqualTo(Sha256.ofFile(f.dataset()));
        assertThat(CanonicalJson.parse(Files.readString(DatasetFetcher.sourceFileOf(f.dataset())))).isEqualTo(f.source());

        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            Path config = TestDatasets.write(dir.resolve("mmlu-pro.yaml"), """
                    target:
                      endpoint: {url: "%s", model: fake-calculator, type: chat}
                    run: {seed: 7, parallelism: 1}
                    tasks:
                      - {name: mmlu_pro, dataset: %s, limit: 3}
                    interceptors:
                      progress: {enabled: false}
                    """.formatted(server.baseUrl(), f.dataset().toAbsolutePath()));
            Path out = dir.resolve("run");
            new EvalRunner(QUIET).run(RunFixtures.load(config), out);
            RunLock lock = RunLock.read(out);
            assertThat(lock.inputs().at("/tasks/mmlu_pro/source/sha256").asText()).isEqualTo(sha);
            assertThat(lock.inputs().at("/tasks/mmlu_pro/source/revision").asText()).isEqualTo("b189ec7");
            assertThat(lock.inputs().at("/tasks/mmlu_pro/source/license").asText()).isEqualTo("MIT");
            assertThat(lock.inputs().at("/tasks/mmlu_pro/source/url").asText()).endsWith("/pq/b189ec7/data/mmlu-pro-shaped.parquet");
            assertThat(server.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void aDatasetWithVariantsIsFetchedOneVariantAtATime() throws Exception {
        String sha = Sha256.ofFile(ParquetFileTest.fixture("mmlu-pro-shaped.parquet"));
        DatasetManifest m = DatasetManifest.load(parquetManifest(sha));
        DatasetFetcher fetcher = new DatasetFetcher(Map.<String, String>of()::get);
        DatasetFetcher.Fetched de = fetcher.fetch(m, "mmlu-prox:de", dir.resolve("x"), null, null);
        assertThat(de.dataset()).isEqualTo(dir.resolve("x/mmlu-prox-de.jsonl"));
        assertThat(de.source().path("variant").asText()).isEqualTo("de");
        assertThat(de.source().path("name").asText()).isEqualTo("mmlu-prox:de");
        assertThat(de.source().path("url").asText()).endsWith("/pq/main/de/mmlu-pro-shaped.parquet");
        assertThat(de.rows()).isEqualTo(30);
        // the pinned hash is per variant: a wrong one refuses that variant only
        assertThatThrownBy(() -> fetcher.fetch(m, "mmlu-prox:de", dir.resolve("y"), null, "0".repeat(64))).hasMessageContaining("the source changed");
        assertThat(fetcher.fetch(m, "mmlu-prox:en", dir.resolve("x"), null, null).dataset()).isEqualTo(dir.resolve("x/mmlu-prox-en.jsonl"));
        assertThatThrownBy(() -> fetcher.fetch(m, "mmlu-prox", dir.resolve("x"), null, null))
                .hasMessageContaining("mmlu-prox:VARIANT").hasMessageContaining("de, en");
        assertThatThrownBy(() -> fetcher.fetch(m, "mmlu-prox:xx", dir.resolve("x"), null, null)).hasMessageContaining("no variant 'xx'");
        assertThatThrownBy(() -> fetcher.fetch(m, "mmlu-pro:de", dir.resolve("x"), null, null)).hasMessageContaining("has no variants");
    }

    @Test
    void corruptOrUnsupportedParquetDownloadsAreClearErrorsAndWriteNothing() {
        DatasetManifest m = DatasetManifest.load(parquetManifest("0".repeat(64)));
        DatasetFetcher fetcher = new DatasetFetcher(Map.<String, String>of()::get);
        assertThatThrownBy(() -> fetcher.fetch(m, "broken", dir.resolve("b"), null, null))
                .hasMessageContaining("/pq/main/truncated-mmlu-pro-shaped.parquet: ").hasMessageContaining("no PAR1 magic at its end")
                .hasMessageNotContaining("nemotron4j-fetch-");
        assertThatThrownBy(() -> fetcher.fetch(m, "zstd", dir.resolve("b"), null, null))
                .hasMessageContaining("unsupported-zstd.parquet: column 'b' (row group 0): compression ZSTD is not supported");
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void theBuiltInManifestListsOpenAndGatedSets() {
        DatasetManifest m = DatasetManifest.builtIn();
        assertThat(m.datasets()).containsKeys("gsm8k", "ifeval", "ifbench", "gpqa-diamond", "mmlu-pro", "mmlu-pro-validation", "mmlu-prox", "wmt24pp");
        // Parquet sources at their publishers, MMLU-Pro pinned to a commit and a hash
        assertThat(m.get("mmlu-pro").format()).isEqualTo("parquet");
        assertThat(m.get("mmlu-pro").url()).startsWith("https://huggingface.co/datasets/TIGER-Lab/MMLU-Pro/resolve/{revision}/");
        assertThat(m.get("mmlu-pro").revision()).matches("[0-9a-f]{40}");
        assertThat(m.get("mmlu-pro").sha256()).matches("[0-9a-f]{64}");
        assertThat(m.get("mmlu-prox").format()).isEqualTo("parquet");
        // the variants are exactly the languages and pairs the tasks know
        assertThat(m.get("mmlu-prox").variants()).containsExactlyInAnyOrderElementsOf(dev.nemotron4j.eval.task.MmluProxLanguages.languages());
        assertThat(m.get("wmt24pp").variants()).containsExactlyInAnyOrderElementsOf(dev.nemotron4j.eval.translation.Wmt24ppPrompt.LOCALES.keySet());
        assertThat(m.describe()).contains("mmlu-prox:VARIANT").contains("de_DE");
        assertThat(m.get("gpqa-diamond").gated()).isTrue();
        assertThat(m.describe()).contains("gsm8k").contains("gated");
        assertThatThrownBy(() -> m.get("nope")).hasMessageContaining("known: ");
    }
}

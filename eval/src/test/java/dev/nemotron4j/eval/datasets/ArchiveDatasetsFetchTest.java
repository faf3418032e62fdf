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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Item 4 and 5: the base-model suites whose publishers ship archives. MMLU's {@code data.tar} and ARC's
 * {@code ARC-V1-Feb2018.zip} are fetched through the built-in manifest from a local HTTP server answering at the
 * entries' own URL paths, with small archives in the publishers' layouts (written by Python's tarfile and zipfile, see
 * eval/src/test/resources/dev/nemotron4j/eval/datasets/fetch/README.md), converted to the rows the multiple_choice task reads, and used as few-shot pools.
 */
class ArchiveDatasetsFetchTest {
    private static final String FIXTURES = "/dev/nemotron4j/eval/datasets/fetch/";
    private static final String MMLU = "/huggingface.co/datasets/cais/mmlu/resolve/c30699e8356da336a370243923dbaf21066bb9fe/data.tar";
    private static final String ARC = "/ai2-public-datasets.s3-us-west-2.amazonaws.com/arc/ARC-V1-Feb2018.zip";

    @TempDir Path dir;
    LoopbackHttpServer http;
    final Map<String, byte[]> files = new HashMap<>();
    DatasetManifest manifest;
    final DatasetFetcher fetcher = new DatasetFetcher(Map.<String, String>of()::get);

    @BeforeEach
    void serve() throws IOException {
        http = LoopbackHttpServer.start().route("/", ex -> {
            try (ex) {
                byte[] body = files.get(ex.getRequestURI().getPath());
                ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) ex.getResponseBody().write(body);
            }
        });
        String base = http.url("");
        manifest = DatasetManifest.builtIn().rehosted(url -> base + "/" + url.substring(url.indexOf("://") + 3));
        files.put(MMLU, fixture("mmlu-data.tar"));
        files.put(ARC, fixture("ARC-V1-Feb2018.zip"));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void mmlusSplitsAreReadFromTheAuthorsTarSubjectsInNameOrder() throws IOException {
        DatasetFetcher.Fetched test = fetcher.fetch(manifest, "mmlu", dir, null, null);
        assertThat(test.dataset()).isEqualTo(dir.resolve("mmlu.jsonl"));
        assertThat(test.rows()).isEqualTo(3);
        // abstract_algebra before astronomy although the archive has them the other way round; the "._" resource fork
        // and the other splits are not read; a quoted field keeps its comma and its newline
        assertThat(Files.readAllLines(test.dataset())).containsExactly(
                "{\"answer\":\"B\",\"choices\":[\"0\",\"2\",\"1\",\"3\"],\"id\":\"abstract_algebra/0\","
                        + "\"question\":\"Find the degree for the given field extension Q(sqrt(2)) over Q.\",\"subject\":\"abstract_algebra\"}",
                "{\"answer\":\"D\",\"choices\":[\"True, True\",\"False, False\",\"True, False\",\"False, True\"],\"id\":\"abstract_algebra/1\","
                        + "\"question\":\"Statement 1 | Every group of order 4 is cyclic.\\nStatement 2 | Z_4, under addition, is a group.\","
                        + "\"subject\":\"abstract_algebra\"}",
                "{\"answer\":\"A\",\"choices\":[\"This type occurs in binary systems.\",\"This type occurs in young galaxies.\","
                        + "\"This type produces gamma-ray bursts.\",\"This type produces high amounts of X-rays.\"],\"id\":\"astronomy/0\","
                        + "\"question\":\"What is true for a type-Ia (\\\"type one-a\\\") supernova?\",\"subject\":\"astronomy\"}");
        assertThat(test.source().path("sha256").asText()).isEqualTo(Sha256.hex(fixture("mmlu-data.tar")));
        assertThat(test.source().path("revision").asText()).isEqualTo("c30699e8356da336a370243923dbaf21066bb9fe");
        assertThat(test.source().path("conversion").asText()).isEqualTo("mmlu");
        assertThat(test.source().path("license").asText()).isEqualTo("MIT");

        DatasetFetcher.Fetched dev = fetcher.fetch(manifest, "mmlu-dev", dir, null, null);
        assertThat(dev.rows()).isEqualTo(3);
        assertThat(Files.readAllLines(dev.dataset())).extracting(l -> CanonicalJson.parse(l).path("id").asText())
                .containsExactly("abstract_algebra/0", "abstract_algebra/1", "astronomy/0");

        // the same archive written in pax format (long names as pax records) converts to the same bytes
        files.put(MMLU, fixture("mmlu-data-pax.tar"));
        DatasetFetcher.Fetched pax = fetcher.fetch(manifest, "mmlu", dir.resolve("pax"), null, null);
        assertThat(Files.readAllBytes(pax.dataset())).isEqualTo(Files.readAllBytes(test.dataset()));
    }

    @Test
    void mmluFiveShotTakesTheDevExamplesOfTheQuestionsOwnSubject() {
        fetcher.fetch(manifest, "mmlu", dir, null, null);
        fetcher.fetch(manifest, "mmlu-dev", dir, null, null);
        TaskDefinition mmlu = tasks("{name: mmlu, type: multiple_choice, dataset: mmlu.jsonl, id_field: id, scoring: loglikelihood, "
                + "few_shot: {count: 1, dataset: mmlu-dev.jsonl, match_field: subject}}").getFirst();
        List<EvalItem> items = mmlu.items();
        assertThat(items).extracting(EvalItem::id).containsExactly("abstract_algebra/0", "abstract_algebra/1", "astronomy/0");
        String algebra = mmlu.scoringSpec().context(mmlu, items.get(1));
        assertThat(algebra).startsWith("Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\n"
                + "Statement 1 | Every group of order 4 is cyclic.");
        assertThat(algebra).endsWith("D. False, True\nAnswer:");
        String astronomy = mmlu.scoringSpec().context(mmlu, items.get(2));
        assertThat(astronomy).startsWith("You are pushing a truck along a road.").contains("Answer: B\n\nWhat is true for a type-Ia");
        assertThat(astronomy).doesNotContain("Z_3");

        // astronomy has one dev example here: two are refused when the task is built, naming the item and the subject
        assertThatThrownBy(() -> tasks("{name: mmlu2, type: multiple_choice, dataset: mmlu.jsonl, id_field: id, scoring: loglikelihood, "
                + "few_shot: {count: 2, dataset: mmlu-dev.jsonl, match_field: subject}}"))
                .hasMessageContaining("task mmlu2: item astronomy/0 has 1 few-shot examples with subject 'astronomy', few_shot.count is 2");
        TaskDefinition two = tasks("{name: mmlu2, type: multiple_choice, dataset: mmlu.jsonl, id_field: id, scoring: loglikelihood, limit: 2, "
                + "few_shot: {count: 2, dataset: mmlu-dev.jsonl, match_field: subject}}").getFirst();
        assertThat(two.scoringSpec().context(two, two.items().getFirst())).contains("Find all c in Z_3").contains("Which element generates Z_5");
        // a pool without the field is refused when the task is built
        assertThatThrownBy(() -> tasks("{name: mmlu3, type: multiple_choice, dataset: mmlu.jsonl, id_field: id, scoring: loglikelihood, "
                + "few_shot: {count: 1, dataset: mmlu-dev.jsonl, match_field: topic}}"))
                .hasMessageContaining("has no field 'topic' (few_shot.match_field)");
    }

    @Test
    void arcChallengeIsOneMemberOfAi2sZipWithAnswersByLabelPosition() throws IOException {
        DatasetFetcher.Fetched test = fetcher.fetch(manifest, "arc-challenge", dir, null, null);
        assertThat(test.rows()).isEqualTo(3);
        List<JsonNode> rows = Files.readAllLines(test.dataset()).stream().map(CanonicalJson::parse).toList();
        assertThat(rows).extracting(r -> r.path("id").asText()).containsExactly("Mercury_7175875", "NYSEDREGENTS_2015_4_8", "MCAS_2000_4_6");
        assertThat(rows).extracting(r -> r.path("answer").asText()).containsExactly("C", "D", "A");   // "4" is the fourth label
        assertThat(rows.get(1).path("question").asText()).isEqualTo("Which object is the best conductor of electricity?");
        assertThat(rows.get(1).path("choices").toString()).isEqualTo("[\"a wax crayon\",\"a plastic spoon\",\"a rubber eraser\",\"an iron nail\"]");
        assertThat(rows.get(2).path("choices")).hasSize(3);
        assertThat(test.source().path("sha256").asText()).isEqualTo(Sha256.hex(fixture("ARC-V1-Feb2018.zip")));
        assertThat(test.source().path("license").asText()).isEqualTo("CC-BY-SA-4.0");

        // the train split (a stored, not deflated, member) is the 25-shot pool; options are scored as their text
        DatasetFetcher.Fetched train = fetcher.fetch(manifest, "arc-challenge-train", dir, null, null);
        assertThat(Files.readAllLines(train.dataset())).containsExactly("{\"answer\":\"B\",\"choices\":[\"oxygen\",\"carbon dioxide\",\"nitrogen\","
                + "\"helium\",\"argon\"],\"id\":\"Mercury_SC_401\",\"question\":\"Which gas do plants take in from the air?\"}");
        TaskDefinition arc = tasks("{name: arc, type: multiple_choice, dataset: arc-challenge.jsonl, id_field: id, scoring: loglikelihood_norm, "
                + "continuation: choice_text, prompt: \"Question: {{question}}\\nAnswer:\", few_shot: {count: 1, dataset: arc-challenge-train.jsonl}}").getFirst();
        EvalItem nail = arc.items().get(1);
        assertThat(arc.scoringSpec().context(arc, nail)).isEqualTo("Question: Which gas do plants take in from the air?\nAnswer: carbon dioxide\n\n"
                + "Question: Which object is the best conductor of electricity?\nAnswer:");
        assertThat(arc.scoringSpec().continuation(arc, nail, 3)).isEqualTo(" an iron nail");
    }

    @Test
    void truncatedOrCorruptArchivesAreClearErrorsAndWriteNothing() {
        byte[] tar = fixture("mmlu-data.tar");
        files.put(MMLU, Arrays.copyOf(tar, 1800));   // inside the first file's padding
        assertThatThrownBy(() -> fetcher.fetch(manifest, "mmlu", dir.resolve("a"), null, null))
                .hasMessageContaining("data.tar: the tar archive ends inside data/test/").hasMessageContaining("truncated?");
        files.put(MMLU, Arrays.copyOf(tar, 1024 + 100));   // inside the third header
        assertThatThrownBy(() -> fetcher.fetch(manifest, "mmlu", dir.resolve("a"), null, null))
                .hasMessageContaining("ends inside the header at byte 1024");
        byte[] flipped = tar.clone();
        flipped[1024 + 10] ^= 0x20;   // a letter of the third member's name
        files.put(MMLU, flipped);
        assertThatThrownBy(() -> fetcher.fetch(manifest, "mmlu", dir.resolve("a"), null, null))
                .hasMessageContaining("the tar header at byte 1024 has checksum").hasMessageContaining("corrupt archive");
        files.put(MMLU, "<!doctype html><html>quota exceeded</html>".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> fetcher.fetch(manifest, "mmlu", dir.resolve("a"), null, null))
                .hasMessageContaining("ends inside the header at byte 0");
        assertThat(dir.resolve("a")).doesNotExist();

        byte[] zip = fixture("ARC-V1-Feb2018.zip");
        files.put(ARC, Arrays.copyOf(zip, zip.length - 30));   // the end of the central directory cut off
        assertThatThrownBy(() -> fetcher.fetch(manifest, "arc-challenge", dir.resolve("b"), null, null))
                .hasMessageContaining("ARC-V1-Feb2018.zip: not a readable zip archive");
        byte[] garbled = zip.clone();
        int at = indexOf(garbled, "Which gas do plants".getBytes(StandardCharsets.UTF_8));
        garbled[at] = 'w';   // inside the stored train member: only its CRC-32 tells
        files.put(ARC, garbled);
        assertThatThrownBy(() -> fetcher.fetch(manifest, "arc-challenge-train", dir.resolve("b"), null, null))
                .hasMessageContaining("ARC-Challenge-Train.jsonl in the zip archive is corrupt").hasMessageContaining("CRC-32");
        DatasetManifest.Entry easy = new DatasetManifest.Entry("fixture", http.url("") + ARC, null, null, "CC-BY-SA-4.0", null, null, "zip", null,
                null, "multiple_choice", null, null, null, null, null, null, null, "arc", Map.of("member", "ARC-V1-Feb2018-2/ARC-Easy/ARC-Easy-Dev.jsonl"),
                null, null);
        files.put(ARC, zip);
        assertThatThrownBy(() -> fetcher.fetch(new DatasetManifest(Map.of("arc-easy", easy)), "arc-easy", dir.resolve("b"), null, null))
                .hasMessageContaining("the zip archive has no file ARC-V1-Feb2018-2/ARC-Easy/ARC-Easy-Dev.jsonl");
        assertThat(dir.resolve("b")).doesNotExist();
    }

    @Test
    void theTarReaderFollowsGnuAndPaxLongNames() throws IOException {
        String aux = "data/auxiliary_train/a_very_long_auxiliary_training_file_name_that_does_not_fit_the_one_hundred_bytes_of_a_tar_name_field.csv";
        for (String archive : List.of("mmlu-data.tar", "mmlu-data-pax.tar")) {
            Path file = Files.write(dir.resolve(archive), fixture(archive));
            List<TarArchive.Member> all = TarArchive.read(file, name -> true, archive);
            assertThat(all).as(archive).extracting(TarArchive.Member::name).containsExactly("data/test/astronomy_test.csv",
                    "data/test/abstract_algebra_test.csv", "data/test/._abstract_algebra_test.csv", "data/dev/abstract_algebra_dev.csv",
                    "data/dev/astronomy_dev.csv", "data/val/abstract_algebra_val.csv", aux);
            assertThat(new String(all.getLast().bytes(), StandardCharsets.UTF_8)).isEqualTo("q,a,b,c,d,A\n");
        }
    }

    @Test
    void theBuiltInArchiveEntriesArePinnedToTheirPublishedHashes() {
        DatasetManifest m = DatasetManifest.builtIn();
        assertThat(m.get("mmlu").sha256()).isEqualTo(m.get("mmlu-dev").sha256()).isEqualTo("bec563ba4bac1d6aaf04141cd7d1605d7a5ca833e38f994051e818489592989b");
        assertThat(m.get("mmlu").revision()).matches("[0-9a-f]{40}");
        assertThat(m.get("arc-challenge").sha256()).isEqualTo(m.get("arc-challenge-train").sha256())
                .isEqualTo("6d2d5ab50b2ceec6ba5f79c921be77cf2de712ea25a2b3f4fff3acc101cecfa0");
        assertThat(m.get("mmlu").params()).containsEntry("split", "test");
        assertThat(m.get("mmlu-dev").params()).containsEntry("split", "dev");
        assertThat(m.get("arc-challenge-train").params().get("member")).endsWith("/ARC-Challenge-Train.jsonl");
    }

    private List<TaskDefinition> tasks(String... taskYaml) {
        StringBuilder yaml = new StringBuilder("tasks:\n");
        for (String t : taskYaml) yaml.append("  - ").append(t).append('\n');
        Path config = TestDatasets.write(dir.resolve("tasks-" + Integer.toHexString(yaml.toString().hashCode()) + ".yaml"), yaml.toString());
        return new TaskFactory(ConfigLoader.load(config, List.of()), TokenCounter.approximate()).build();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    private static byte[] fixture(String name) {
        try (InputStream in = ArchiveDatasetsFetchTest.class.getResourceAsStream(FIXTURES + name)) {
            if (in == null) throw new AssertionError("missing test resource " + FIXTURES + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

package dev.nemotron4j.eval.ruler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.score.Scorer;
import dev.nemotron4j.eval.target.TokenCounter;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.testkit.TestData;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** RULER's 13 tasks: lengths counted by a real tokenizer, RULER's templates and answers, determinism, metrics. */
class RulerGeneratorTest {
    /** Llama 3's BPE tokenizer (testdata): lengths here are real token counts, not estimates. */
    private static TokenCounter llama3;
    @TempDir static Path data;
    private static RulerSources sources;

    @BeforeAll
    static void load() throws IOException {
        Tokenizer tokenizer;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(TestData.path("tokenizers/llama3/tokenizer.json.gz")))) {
            tokenizer = Tokenizer.fromJson(in);
        }
        llama3 = text -> tokenizer.encode(text, false).length;
        // tiny stand-ins in SQuAD v2 and HotpotQA's published layouts
        StringBuilder squad = new StringBuilder("{\"version\": \"v2.0\", \"data\": [");
        for (int a = 0; a < 6; a++) {
            squad.append(a > 0 ? "," : "").append("{\"title\": \"T").append(a).append("\", \"paragraphs\": [");
            for (int p = 0; p < 3; p++) {
                squad.append(p > 0 ? "," : "").append("{\"context\": \"Article ").append(a).append(" paragraph ").append(p)
                        .append(" says the river town of Keld").append(a).append(p).append(" has a bell cast in 18").append(10 + a * 3 + p)
                        .append(". The harbor is quiet.\", \"qas\": [{\"question\": \"When was the bell of Keld").append(a).append(p)
                        .append(" cast?\", \"id\": \"q").append(a).append(p).append("\", \"answers\": [{\"text\": \"18").append(10 + a * 3 + p)
                        .append("\", \"answer_start\": 0}, {\"text\": \"in 18").append(10 + a * 3 + p).append("\", \"answer_start\": 0}], ")
                        .append("\"is_impossible\": false}, {\"question\": \"Who rang it?\", \"id\": \"x").append(a).append(p)
                        .append("\", \"answers\": [], \"is_impossible\": true}]}");
            }
            squad.append("]}");
        }
        Files.writeString(data.resolve("squad.json"), squad.append("]}").toString());
        StringBuilder hotpot = new StringBuilder("[");
        for (int q = 0; q < 4; q++) {
            hotpot.append(q > 0 ? "," : "").append("{\"_id\": \"h").append(q).append("\", \"question\": \"Which valley holds mill ").append(q)
                    .append("?\", \"answer\": \"Vale").append(q).append("\", \"context\": [");
            for (int d = 0; d < 3; d++) {
                hotpot.append(d > 0 ? "," : "").append("[\"Mill ").append(q).append('-').append(d).append("\", [\"Mill ").append(q)
                        .append(" stands in Vale").append(d == 0 ? String.valueOf(q) : "x" + d).append(". \", \"It grinds oats.\"]]");
            }
            hotpot.append("]}");
        }
        Files.writeString(data.resolve("hotpot.json"), hotpot.append("]").toString());
        sources = new RulerSources(null, data.resolve("squad.json"), data.resolve("hotpot.json"));
    }

    @ParameterizedTest
    @EnumSource(RulerTask.class)
    void promptAndReservedAnswerFitTheLengthByTheTokenizersCount(RulerTask task) {
        RulerGenerator generator = new RulerGenerator(llama3, 42, sources);
        for (int length : new int[] {1024, 4096}) {
            for (int index = 0; index < 2; index++) {
                ObjectNode row = generator.generate(task, length, index);
                int tokens = llama3.count(RulerGenerator.promptOf(row));
                assertThat(row.get("context_tokens").asInt()).isEqualTo(tokens);
                assertThat(row.get("length").asInt()).isEqualTo(tokens + task.tokensToGenerate());
                assertThat(tokens + task.tokensToGenerate()).as("%s @ %d #%d", task, length, index).isLessThanOrEqualTo(length);
                // the size is fitted on sample 0 to within one haystack unit (a QA document, a noise or needle line, a
                // word); a later sample that comes out longer steps down by RULER's increment, so only sample 0 is this close
                int slack = task.kind() == RulerTask.Kind.QA ? 120 : task == RulerTask.FWE ? length / 32 * 2 : 90;
                if (index == 0) assertThat(tokens + task.tokensToGenerate()).as("%s @ %d", task, length).isGreaterThan(length - slack);
                row.get("outputs").forEach(o -> assertThat(row.get("input").asText()).as(task.key()).contains(o.asText()));
            }
        }
    }

    @Test
    void singleNeedleUsesRulersSingularTemplate() {
        ObjectNode row = new RulerGenerator(llama3, 7, sources).generate(RulerTask.NIAH_SINGLE_1, 1024, 0);
        String input = row.get("input").asText(), key = key(input);
        assertThat(input).startsWith("A special magic number is hidden within the following text. Make sure to memorize it. "
                + "I will quiz you about the number afterwards.\nThe grass is green. The sky is blue.");
        assertThat(input).endsWith("\nWhat is the special magic number for " + key + " mentioned in the provided text?");
        assertThat(row.get("answer_prefix").asText()).isEqualTo(" The special magic number for " + key + " mentioned in the provided text is");
        String value = row.get("outputs").get(0).asText();
        assertThat(value).matches("[1-9]\\d{6}");
        assertThat(input).contains("\nOne of the special magic numbers for " + key + " is: " + value + ".\n");
        assertThat(key).matches("[a-z]+-[a-z]+");
    }

    @Test
    void multiValueAndMultiQueryAskForEveryValue() {
        RulerGenerator generator = new RulerGenerator(llama3, 3, sources);
        ObjectNode multivalue = generator.generate(RulerTask.NIAH_MULTIVALUE, 2048, 0);
        assertThat(multivalue.get("input").asText()).startsWith("Some special magic numbers are hidden within the following text.")
                .contains("What are all the special magic numbers for ");
        assertThat(multivalue.get("outputs")).hasSize(4);
        assertThat(count(multivalue.get("input").asText(), "One of the special magic numbers for " + key(multivalue.get("input").asText()) + " is"))
                .isEqualTo(4);
        ObjectNode multiquery = generator.generate(RulerTask.NIAH_MULTIQUERY, 2048, 0);
        Matcher q = Pattern.compile("special magic numbers for (\\S+), (\\S+), (\\S+), and (\\S+) mentioned").matcher(multiquery.get("input").asText());
        assertThat(q.find()).isTrue();
        assertThat(multiquery.get("outputs")).hasSize(4);
        for (int i = 1; i <= 4; i++) assertThat(multiquery.get("input").asText()).contains("magic numbers for " + q.group(i) + " is: " + multiquery.get("outputs").get(i - 1).asText());
        ObjectNode uuids = generator.generate(RulerTask.NIAH_SINGLE_3, 2048, 0);
        assertThat(uuids.get("outputs").get(0).asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void multiKeyHaystacksAreDistractorNeedles() {
        RulerGenerator generator = new RulerGenerator(llama3, 5, sources);
        ObjectNode row = generator.generate(RulerTask.NIAH_MULTIKEY_3, 2048, 1);
        String input = row.get("input").asText();
        String context = input.substring(input.indexOf("afterwards.\n") + 12, input.lastIndexOf("\nWhat is"));
        String[] lines = context.split("\n");
        assertThat(lines.length).isGreaterThan(20);
        for (String line : lines) assertThat(line).matches("One of the special magic uuids for [0-9a-f-]{36} is: [0-9a-f-]{36}\\.");
        String key = key(input);
        assertThat(java.util.Arrays.stream(lines).filter(l -> l.contains(key))).hasSize(1);
        ObjectNode essay = generator.generate(RulerTask.NIAH_MULTIKEY_1, 2048, 1);
        assertThat(count(essay.get("input").asText(), "One of the special magic numbers for")).isEqualTo(4);
    }

    @Test
    void variableTrackingHasAnExampleThenAFiveNameChain() {
        ObjectNode row = new RulerGenerator(llama3, 9, sources).generate(RulerTask.VT, 4096, 1);
        String input = row.get("input").asText();
        assertThat(count(input, "Memorize and track the chain(s) of variable assignment")).isEqualTo(2);
        String question = input.substring(input.lastIndexOf("Memorize and track"));
        Matcher value = Pattern.compile("assigned the value (\\d{5}) in the text above\\.$").matcher(question);
        assertThat(value.find()).isTrue();
        Map<String, String> bindings = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^VAR ([A-Z]{5}) = (?:VAR )?(\\w+) ?$").matcher(question);
        while (m.find()) bindings.put(m.group(1), m.group(2));
        assertThat(bindings).hasSize(5);
        assertThat(row.get("outputs")).hasSize(5);
        for (var name : row.get("outputs")) {
            String v = name.asText();
            while (bindings.containsKey(v)) v = bindings.get(v);
            assertThat(v).isEqualTo(value.group(1));
        }
        // the example is answered: its five 3-letter names follow its answer prefix
        assertThat(input).containsPattern("5 variables are assigned the value \\d{5}, they are: {2}[A-Z]{3} [A-Z]{3} [A-Z]{3} [A-Z]{3} [A-Z]{3}\n\n");
        assertThat(row.get("answer_prefix").asText()).isEqualTo(" Answer: According to the chain(s) of variable assignment in the text above, "
                + "5 variables are assigned the value " + value.group(1) + ", they are: ");
    }

    @Test
    void commonWordsAreTheTenMostFrequentOfTheList() {
        for (int length : new int[] {2048, 8192}) {
            ObjectNode row = new RulerGenerator(llama3, 4, sources).generate(RulerTask.CWE, length, 0);
            String input = row.get("input").asText();
            String list = input.substring(input.lastIndexOf("most often.\n") + 12, input.lastIndexOf("\nQuestion:"));
            Map<String, Integer> freq = new HashMap<>();
            Matcher m = Pattern.compile("(\\d+)\\. (\\S+)").matcher(list);
            int entries = 0;
            while (m.find()) {
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(++entries);
                freq.merge(m.group(2), 1, Integer::sum);
            }
            List<String> common = new ArrayList<>();
            row.get("outputs").forEach(n -> common.add(n.asText()));
            assertThat(common).hasSize(10);
            // RULER: 30 and 3 repeats from 4096 tokens on, 6 and 1 below
            int commonRepeats = length < 4096 ? 6 : 30, otherRepeats = length < 4096 ? 1 : 3;
            for (var e : freq.entrySet()) assertThat(e.getValue()).as(e.getKey()).isEqualTo(common.contains(e.getKey()) ? commonRepeats : otherRepeats);
            assertThat(input).startsWith("Below is a numbered list of words.").contains("Answer: The top 10 words that appear most often in the list are: 1. ");
        }
    }

    @Test
    void frequentWordsFollowTheZetaDistribution() {
        ObjectNode row = new RulerGenerator(llama3, 6, sources).generate(RulerTask.FWE, 4096, 0);
        String input = row.get("input").asText();
        String text = input.substring(input.indexOf("coded words. ") + 13, input.lastIndexOf("\nQuestion:"));
        Map<String, Integer> freq = new HashMap<>();
        for (String w : text.split(" ")) freq.merge(w, 1, Integer::sum);
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(freq.entrySet());
        ranked.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        assertThat(ranked.getFirst().getKey()).isEqualTo("...");
        for (int i = 0; i < 3; i++) assertThat(ranked.get(i + 1).getKey()).isEqualTo(row.get("outputs").get(i).asText());
        int n = ranked.getFirst().getValue();   // int(N / zeta(2)) for rank 1
        assertThat(ranked.get(1).getValue()).isBetween(n / 4 - 1, n / 4 + 1);
        assertThat(ranked.get(2).getValue()).isBetween(n / 9 - 1, n / 9 + 1);
        assertThat(freq).hasSizeLessThanOrEqualTo((4096 - 50) / 50);
    }

    @Test
    void qaMixesTheQuestionsDocumentsWithOthers() {
        RulerGenerator generator = new RulerGenerator(llama3, 8, sources);
        ObjectNode squad = generator.generate(RulerTask.QA_1, 1024, 2);
        assertThat(squad.get("outputs")).extracting(n -> n.asText()).containsExactly("1812", "in 1812");   // question 2, answerable only
        assertThat(squad.get("input").asText()).contains("Document 1:\n").contains("says the river town of Keld02 has a bell cast in 1812.")
                .endsWith("Question: When was the bell of Keld02 cast?");
        assertThat(squad.get("answer_prefix").asText()).isEqualTo(" Answer:");
        ObjectNode hotpot = generator.generate(RulerTask.QA_2, 1024, 1);
        assertThat(hotpot.get("outputs")).extracting(n -> n.asText()).containsExactly("Vale1");
        assertThat(hotpot.get("input").asText()).contains("Mill 1-0\nMill 1 stands in Vale1. It grinds oats.");
        assertThatThrownBy(() -> new RulerGenerator(llama3, 8, RulerSources.none()).generate(RulerTask.QA_1, 1024, 0))
                .hasMessageContaining("qa_1 needs SQuAD v2.0 dev").hasMessageContaining("params.squad_file").hasMessageContaining("dev-v2.0.json");
        assertThatThrownBy(() -> new RulerGenerator(llama3, 8, RulerSources.none()).generate(RulerTask.QA_2, 1024, 0))
                .hasMessageContaining("qa_2 needs HotpotQA").hasMessageContaining("params.hotpotqa_file");
    }

    @Test
    void anEssayFileIsTheHaystackWhenGiven() throws IOException {
        Path essay = data.resolve("essays.json");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 400; i++) text.append("Essay sentence number ").append(i).append(" is about startups. ");
        Files.writeString(essay, CanonicalJson.canonical(CanonicalJson.MAPPER.createObjectNode().put("text", text.toString())));
        ObjectNode row = new RulerGenerator(llama3, 1, new RulerSources(essay, null, null)).generate(RulerTask.NIAH_SINGLE_2, 2048, 0);
        assertThat(row.get("input").asText()).contains("Essay sentence number 0 is about startups. Essay sentence number 1");
        ObjectNode generated = new RulerGenerator(llama3, 1).generate(RulerTask.NIAH_SINGLE_2, 2048, 0);
        assertThat(generated.get("input").asText()).doesNotContain("Essay sentence");
    }

    @Test
    void generationIsAFunctionOfSeedTaskLengthAndIndex() {
        ObjectNode a = new RulerGenerator(llama3, 1).generate(RulerTask.NIAH_MULTIKEY_2, 2048, 5);
        RulerGenerator other = new RulerGenerator(llama3, 1);
        other.generate(RulerTask.NIAH_MULTIKEY_2, 2048, 0);   // generating others first changes nothing
        assertThat(other.generate(RulerTask.NIAH_MULTIKEY_2, 2048, 5)).isEqualTo(a);
        assertThat(new RulerGenerator(llama3, 2).generate(RulerTask.NIAH_MULTIKEY_2, 2048, 5)).isNotEqualTo(a);
        assertThat(new RulerGenerator(llama3, 1).generate(RulerTask.NIAH_MULTIKEY_2, 2048, 6)).isNotEqualTo(a);
    }

    @Test
    void aLengthBelowTheSmallestPromptIsAClearError() {
        assertThatThrownBy(() -> new RulerGenerator(llama3, 1).generate(RulerTask.VT, 512, 0))
                .hasMessageContaining("vt @ 512: the length is too short");
        assertThatThrownBy(() -> RulerTask.of("niah_single")).hasMessageContaining("niah_single_1, niah_single_2");
    }

    /** RULER's string_match_all (share of references found) and string_match_part (any), both ignoring case. */
    @Test
    void scoresAreRulersStringMatches() {
        var refs = CanonicalJson.parse("[\"Alpha\", \"beta\", \"GAMMA\", \"delta\"]");
        Extraction answer = new Extraction("alpha, BETA and gamma", "full_text");
        assertThat(Scorer.named("contains_all").score(answer, refs)).isCloseTo(0.75, within(1e-12));
        assertThat(Scorer.named("contains_any").score(answer, refs)).isEqualTo(1.0);
        assertThat(Scorer.named("contains_any").score(new Extraction("epsilon", "full_text"), refs)).isZero();
        assertThat(Scorer.named("contains_any").score(Extraction.none(), refs)).isZero();
        assertThat(RulerTask.QA_1.scorer()).isEqualTo("contains_any");
        assertThat(RulerTask.NIAH_MULTIVALUE.scorer()).isEqualTo("contains_all");
    }

    @Test
    void rulerTaskExpandsIntoOneTaskPerVariantAndLength() throws IOException {
        var tree = ConfigLoader.defaults();
        tree.put("tasks", List.of(Map.of("name", "ruler", "params", Map.of("lengths", List.of(1024, 2048),
                "variants", List.of("niah_single_1", "qa_1"), "samples_per_length", 2, "squad_file", data.resolve("squad.json").toString()))));
        List<TaskDefinition> tasks = new TaskFactory(ConfigLoader.bind(tree), llama3).build();
        assertThat(tasks).extracting(TaskDefinition::name).containsExactly(
                "ruler/niah_single_1@1024", "ruler/niah_single_1@2048", "ruler/qa_1@1024", "ruler/qa_1@2048");
        assertThat(tasks.get(1).axis()).containsEntry("context_length", 2048).containsEntry("ruler_variant", "niah_single_1");
        assertThat(tasks.get(0).scorer().name()).isEqualTo("contains_all");
        assertThat(tasks.get(2).scorer().name()).isEqualTo("contains_any");
        var item = tasks.get(1).items().getFirst();
        // sent without RULER's answer prefix by default (NeMo-Skills' chat setup); answer_prefix: true appends it
        assertThat(tasks.get(1).prompt().render(item, null).getFirst().content()).isEqualTo(item.fields().get("input").asText());
        tree.put("tasks", List.of(Map.of("name", "ruler", "params", Map.of("lengths", List.of(1024), "variants", List.of("niah_single_1"),
                "samples_per_length", 1, "answer_prefix", true))));
        TaskDefinition prefixed = new TaskFactory(ConfigLoader.bind(tree), llama3).build().getFirst();
        var row = prefixed.items().getFirst();
        assertThat(prefixed.prompt().render(row, null).getFirst().content()).isEqualTo(RulerGenerator.promptOf(row.fields()));
        tree.put("tasks", List.of(Map.of("name", "ruler", "params", Map.of("lengths", List.of(1024), "samples_per_length", 1,
                "squad_file", data.resolve("squad.json").toString()))));
        // by default all 13 but a QA task without its dataset
        assertThat(new TaskFactory(ConfigLoader.bind(tree), llama3).build()).extracting(t -> t.axis().get("ruler_variant"))
                .hasSize(12).contains("niah_multiquery", "vt", "cwe", "fwe", "qa_1").doesNotContain("qa_2");
        tree.put("tasks", List.of(Map.of("name", "ruler", "params", Map.of("variants", List.of("qa_2")))));
        assertThatThrownBy(() -> new TaskFactory(ConfigLoader.bind(tree), llama3).build()).hasMessageContaining("task ruler: RULER qa_2 needs HotpotQA");
    }

    @Test
    @Tag("slow")
    void millionTokenContextIsGenerated() {
        TokenCounter approximate = TokenCounter.approximate();
        ObjectNode row = new RulerGenerator(approximate, 5).generate(RulerTask.NIAH_SINGLE_2, 1 << 20, 0);
        int tokens = approximate.count(RulerGenerator.promptOf(row));
        assertThat(tokens + 128).isBetween((1 << 20) - 600, 1 << 20);
        assertThat(row.get("input").asText()).contains(row.get("outputs").get(0).asText());
    }

    private static String key(String input) {
        Matcher m = Pattern.compile("special magic \\w+ for (\\S+) mentioned").matcher(input);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
        return n;
    }
}

package dev.nemotron4j.eval.ruler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.target.TokenCounter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class RulerGeneratorTest {
    private static final TokenCounter COUNTER = TokenCounter.approximate();

    @ParameterizedTest
    @EnumSource(RulerVariant.class)
    void contextsHitTheTargetLengthAndContainTheAnswers(RulerVariant variant) {
        RulerGenerator generator = new RulerGenerator(COUNTER, 42);
        for (int length : new int[] {1024, 8192}) {
            ObjectNode row = generator.generate(variant, length, 3);
            int tokens = COUNTER.count(RulerGenerator.promptOf(row));
            assertThat(tokens).as("%s @ %d", variant, length).isBetween((int) (length * 0.9), length + 16);
            assertThat(row.get("context_tokens").asInt()).isEqualTo(tokens);
            if (variant != RulerVariant.COMMON_WORDS) {
                row.get("expected").forEach(e -> assertThat(row.get("context").asText()).contains(e.asText()));
            }
        }
    }

    @Test
    void generationIsAFunctionOfSeedVariantLengthAndIndex() {
        ObjectNode a = new RulerGenerator(COUNTER, 1).generate(RulerVariant.NIAH_MULTIKEY, 2048, 5);
        assertThat(new RulerGenerator(COUNTER, 1).generate(RulerVariant.NIAH_MULTIKEY, 2048, 5)).isEqualTo(a);
        assertThat(new RulerGenerator(COUNTER, 2).generate(RulerVariant.NIAH_MULTIKEY, 2048, 5)).isNotEqualTo(a);
        assertThat(new RulerGenerator(COUNTER, 1).generate(RulerVariant.NIAH_MULTIKEY, 2048, 6)).isNotEqualTo(a);
    }

    @Test
    void multiKeyHasDistractorsAndMultiValueAsksForAllValues() {
        ObjectNode multikey = new RulerGenerator(COUNTER, 3).generate(RulerVariant.NIAH_MULTIKEY, 2048, 0);
        assertThat(count(multikey.get("context").asText(), "special magic numbers for")).isEqualTo(4);
        assertThat(multikey.get("expected")).hasSize(1);
        ObjectNode multivalue = new RulerGenerator(COUNTER, 3).generate(RulerVariant.NIAH_MULTIVALUE, 2048, 0);
        assertThat(multivalue.get("expected")).hasSize(4);
        assertThat(multivalue.get("question").asText()).contains("all the special magic numbers");
    }

    @Test
    void variableTrackingChainResolvesToTheValue() {
        ObjectNode row = new RulerGenerator(COUNTER, 9).generate(RulerVariant.VARIABLE_TRACKING, 4096, 1);
        String context = row.get("context").asText();
        Matcher value = Pattern.compile("assigned the value (\\d+)").matcher(row.get("question").asText());
        assertThat(value.find()).isTrue();
        Map<String, String> bindings = new HashMap<>();
        Matcher m = Pattern.compile("VAR (\\w+) = (VAR )?(\\w+)\\.").matcher(context);
        while (m.find()) bindings.put(m.group(1), m.group(3));
        for (var name : row.get("expected")) {
            String v = name.asText();
            while (bindings.containsKey(v)) v = bindings.get(v);
            assertThat(v).isEqualTo(value.group(1));
        }
        assertThat(row.get("expected")).hasSize(5);
    }

    @Test
    void commonWordsAreStrictlyTheMostFrequent() {
        ObjectNode row = new RulerGenerator(COUNTER, 4).generate(RulerVariant.COMMON_WORDS, 4096, 0);
        Map<String, Integer> freq = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\d+\\. (\\S+)$").matcher(row.get("context").asText());
        while (m.find()) freq.merge(m.group(1), 1, Integer::sum);
        int minCommon = Integer.MAX_VALUE;
        for (var w : row.get("expected")) minCommon = Math.min(minCommon, freq.getOrDefault(w.asText(), 0));
        int maxOther = 0;
        List<String> common = new java.util.ArrayList<>();
        row.get("expected").forEach(n -> common.add(n.asText()));
        for (var e : freq.entrySet()) if (!common.contains(e.getKey())) maxOther = Math.max(maxOther, e.getValue());
        assertThat(minCommon).isGreaterThan(maxOther);
    }

    @Test
    void rulerTaskExpandsIntoOneVariantPerLengthWithItsOwnCounter() {
        var tree = ConfigLoader.defaults();
        tree.put("tasks", List.of(Map.of("name", "ruler", "params",
                Map.of("lengths", List.of(1024, 2048), "variants", List.of("niah_single", "common_words"), "samples_per_length", 3))));
        TokenCounter chars = text -> text.length() / 3;   // a plugged-in "tokenizer"
        List<TaskDefinition> tasks = new TaskFactory(ConfigLoader.bind(tree), chars).build();
        assertThat(tasks).extracting(TaskDefinition::name).containsExactly(
                "ruler/niah_single@1024", "ruler/niah_single@2048", "ruler/common_words@1024", "ruler/common_words@2048");
        assertThat(tasks.get(1).axis()).containsEntry("context_length", 2048).containsEntry("ruler_variant", "niah_single");
        String prompt = RulerGenerator.promptOf(tasks.get(1).items().getFirst().fields());
        assertThat(chars.count(prompt)).isBetween(1800, 2048 + 16);
        assertThat(tasks.get(0).scorer().name()).isEqualTo("contains_all");
    }

    @Test
    @Tag("slow")
    void millionTokenContextIsGenerated() {
        ObjectNode row = new RulerGenerator(COUNTER, 5).generate(RulerVariant.NIAH_SINGLE, 1 << 20, 0);
        assertThat(COUNTER.count(RulerGenerator.promptOf(row))).isBetween((int) ((1 << 20) * 0.95), (1 << 20) + 16);
        assertThat(row.get("context").asText()).contains(row.get("expected").get(0).asText());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
        return n;
    }
}

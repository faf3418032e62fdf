package dev.nemotron4j.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.json.Sha256;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * GPQA-style options: the correct answer and the incorrect ones ({@code correct}, {@code incorrect_1}, ...) shuffled
 * afresh for every sample, seeded by (run seed, task, item, repeat), so a model's position bias averages out over
 * repeats and any run can be reproduced. The shuffled options go to {@code choices}, the correct one's letter to the
 * expected answer; both are in the sample record, so rescoring needs no reshuffle.
 */
public final class ChoiceShuffle {
    private ChoiceShuffle() {}

    public static EvalItem forSample(EvalItem item, long runSeed, SampleKey key) {
        ObjectNode fields = item.fields().deepCopy();
        JsonNode correct = fields.get("correct");
        if (correct == null) throw new IllegalArgumentException("item " + item.id() + ": a gpqa row needs 'correct' and 'incorrect_*' fields");
        Map<String, JsonNode> incorrect = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().startsWith("incorrect_")) incorrect.put(f.getKey(), f.getValue());
        }
        if (incorrect.isEmpty()) throw new IllegalArgumentException("item " + item.id() + ": no 'incorrect_*' options");
        List<String> options = new ArrayList<>();
        options.add(correct.asText().strip());
        incorrect.values().forEach(v -> options.add(v.asText().strip()));
        SplittableRandom random = new SplittableRandom(Long.parseUnsignedLong(
                Sha256.hex("shuffle|" + runSeed + "|" + key.task() + "|" + key.itemId() + "|" + key.repeat()).substring(0, 15), 16));
        int[] order = new int[options.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        ArrayNode choices = fields.putArray("choices");
        int correctAt = -1;
        for (int i = 0; i < order.length; i++) {
            choices.add(options.get(order[i]));
            if (order[i] == 0) correctAt = i;
        }
        return new EvalItem(item.id(), item.index(), fields, TextNode.valueOf(String.valueOf((char) ('A' + correctAt))), order.length);
    }
}

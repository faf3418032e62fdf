package dev.nemotron4j.eval.ruler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.target.TokenCounter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates RULER-style long-context items in-process. Each item is a function of
 * (seed, variant, target length, index) only, and its context is filled to the target length as
 * measured by the supplied {@link TokenCounter} (the model's tokenizer when available).
 *
 * <p>Rows have fields {@code context}, {@code question}, {@code expected} (list of strings that must
 * all appear in the answer) and {@code context_tokens} (measured length of the full prompt).
 */
public final class RulerGenerator {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int NEEDLES_MULTIKEY = 4, VALUES_MULTIVALUE = 4, CHAIN_HOPS = 4, COMMON_TOP = 10;

    private final TokenCounter counter;
    private final long seed;

    public RulerGenerator(TokenCounter counter, long seed) {
        this.counter = counter;
        this.seed = seed;
    }

    /** The prompt text (context + question) of a generated row. */
    public static String promptOf(ObjectNode row) {
        return row.get("context").asText() + "\n\n" + row.get("question").asText();
    }

    public ObjectNode generate(RulerVariant variant, int targetTokens, int index) {
        SplittableRandom random = new SplittableRandom(streamSeed(variant, targetTokens, index));
        return switch (variant) {
            case NIAH_SINGLE -> needles(random, targetTokens, 1, 1);
            case NIAH_MULTIKEY -> needles(random, targetTokens, NEEDLES_MULTIKEY, 1);
            case NIAH_MULTIVALUE -> needles(random, targetTokens, 1, VALUES_MULTIVALUE);
            case VARIABLE_TRACKING -> variableTracking(random, targetTokens);
            case COMMON_WORDS -> commonWords(random, targetTokens);
        };
    }

    private long streamSeed(RulerVariant variant, int length, int index) {
        return Long.parseUnsignedLong(Sha256.hex("ruler|" + seed + "|" + variant.key() + "|" + length + "|" + index).substring(0, 15), 16);
    }

    private ObjectNode needles(SplittableRandom random, int targetTokens, int keys, int valuesPerKey) {
        List<String> keyNames = new ArrayList<>(distinctWords(random, keys));
        String asked = keyNames.getFirst();
        List<String> inserts = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String key : keyNames) {
            for (int v = 0; v < valuesPerKey; v++) {
                String value = String.valueOf(1_000_000 + random.nextInt(9_000_000));
                inserts.add("One of the special magic numbers for " + key + " is: " + value + ".");
                if (key.equals(asked)) expected.add(value);
            }
        }
        Collections.shuffle(inserts, new java.util.Random(random.nextLong()));
        String question = valuesPerKey > 1
                ? "What are all the special magic numbers for " + asked + " mentioned in the provided text? List every one."
                : "What is the special magic number for " + asked + " mentioned in the provided text?";
        return haystack(random, targetTokens, inserts, question, expected);
    }

    private ObjectNode variableTracking(SplittableRandom random, int targetTokens) {
        List<String> names = new ArrayList<>(distinctUpperNames(random, CHAIN_HOPS + 1));
        String value = String.valueOf(10_000 + random.nextInt(90_000));
        List<String> inserts = new ArrayList<>();
        inserts.add("VAR " + names.getFirst() + " = " + value + ".");
        for (int i = 1; i < names.size(); i++) inserts.add("VAR " + names.get(i) + " = VAR " + names.get(i - 1) + ".");
        String question = "Find all variables that are assigned the value " + value
                + " in the text above, directly or through other variables. List their names.";
        return haystack(random, targetTokens, inserts, question, names);  // chain order kept: later hops depend on earlier
    }

    private ObjectNode commonWords(SplittableRandom random, int targetTokens) {
        List<String> vocabulary = new ArrayList<>(distinctWords(random, 400));
        List<String> common = vocabulary.subList(0, COMMON_TOP);
        String question = "What are the 10 most common words in the list above? Answer with the words only.";
        String header = "Below is a numbered list of words. Some words repeat more often than others.";
        List<String> entries = new ArrayList<>();
        int[] round = {0};
        addWordRounds(random, vocabulary, entries, round, targetTokens - counter.count(header + "\n\n\n" + question));
        // Per-entry costs only approximate the joined text's count: top up once with the measured deficit.
        int measured = counter.count(header + "\n" + String.join("\n", entries) + "\n\n" + question);
        if (measured < targetTokens) addWordRounds(random, vocabulary, entries, round, targetTokens - measured);
        String context = header + "\n" + String.join("\n", entries);
        return row(context, question, common, targetTokens);
    }

    /** Adds shuffled rounds (each common word 3 times, one rarer word once) until {@code budget} tokens are used. */
    private void addWordRounds(SplittableRandom random, List<String> vocabulary, List<String> entries, int[] round, int budget) {
        int used = 0;
        while (true) {
            List<String> batch = new ArrayList<>();
            for (String w : vocabulary.subList(0, COMMON_TOP)) for (int r = 0; r < 3; r++) batch.add(w);
            batch.add(vocabulary.get(COMMON_TOP + (round[0] % (vocabulary.size() - COMMON_TOP))));
            Collections.shuffle(batch, new java.util.Random(random.nextLong()));
            round[0]++;
            for (String w : batch) {
                String entry = (entries.size() + 1) + ". " + w;
                int cost = counter.count(entry + "\n");
                // at least 40 entries so even tiny lengths have a clear top ten
                if (used + cost > budget && entries.size() >= 40) return;
                entries.add(entry);
                used += cost;
            }
        }
    }

    /** Filler sentences up to the token budget, with the inserts placed at seeded depths (order preserved). */
    private ObjectNode haystack(SplittableRandom random, int targetTokens, List<String> inserts, String question, List<String> expected) {
        String header = "Read the following text carefully; you will be asked about it afterwards.";
        int fixed = counter.count(header + "\n\n" + String.join(" ", inserts) + "\n\n" + question);
        List<String> sentences = new ArrayList<>();
        addSentences(random, sentences, Math.max(0, targetTokens - fixed));
        java.util.function.IntSupplier measure = () -> counter.count(
                header + "\n\n" + String.join(" ", sentences) + " " + String.join(" ", inserts) + "\n\n" + question);
        // Per-sentence costs only approximate the joined text's count: top up once, then trim any overshoot.
        int measured = measure.getAsInt();
        if (measured < targetTokens) addSentences(random, sentences, targetTokens - measured);
        for (int guard = 0; guard < 64 && !sentences.isEmpty() && measure.getAsInt() > targetTokens; guard++) {
            sentences.removeLast();
        }
        int[] positions = new int[inserts.size()];
        for (int i = 0; i < positions.length; i++) positions[i] = random.nextInt(sentences.size() + 1);
        java.util.Arrays.sort(positions);
        StringBuilder context = new StringBuilder(header).append("\n\n");
        int next = 0;
        for (int i = 0; i <= sentences.size(); i++) {
            while (next < positions.length && positions[next] == i) context.append(inserts.get(next++)).append(' ');
            if (i < sentences.size()) context.append(sentences.get(i)).append(' ');
        }
        return row(context.toString().stripTrailing(), question, expected, targetTokens);
    }

    private void addSentences(SplittableRandom random, List<String> sentences, int budget) {
        int used = 0;
        while (true) {
            String sentence = FillerText.sentence(random);
            int cost = counter.count(sentence + " ");
            if (used + cost > budget) return;
            sentences.add(sentence);
            used += cost;
        }
    }

    private ObjectNode row(String context, String question, List<String> expected, int targetTokens) {
        ObjectNode row = JSON.objectNode();
        row.put("context", context);
        row.put("question", question);
        ArrayNode e = row.putArray("expected");
        expected.forEach(e::add);
        row.put("target_tokens", targetTokens);
        row.put("context_tokens", counter.count(context + "\n\n" + question));
        return row;
    }

    private static Set<String> distinctWords(SplittableRandom random, int n) {
        Set<String> words = new LinkedHashSet<>();
        int guard = 0;
        while (words.size() < n && guard++ < n * 50) words.add(FillerText.word(random));
        for (int i = 0; words.size() < n; i++) words.add("token" + i + "x" + random.nextInt(1000));
        return words;
    }

    private static Set<String> distinctUpperNames(SplittableRandom random, int n) {
        Set<String> names = new LinkedHashSet<>();
        while (names.size() < n) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 5; i++) sb.append((char) ('A' + random.nextInt(26)));
            names.add(sb.toString());
        }
        return names;
    }
}

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
    /** Costs single sentences and entries: the counter itself when local, else a local estimate (see {@link #fill}). */
    private final TokenCounter pieces;
    private final long seed;

    public RulerGenerator(TokenCounter counter, long seed) {
        this.counter = counter;
        this.pieces = counter.local() ? counter : TokenCounter.approximate();
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
        WordRounds rounds = new WordRounds(random, vocabulary);
        // at least 40 entries so even tiny lengths have a clear top ten
        fill(entries, rounds::next, e -> e + "\n", 40, targetTokens, header + "\n\n\n" + question,
                list -> header + "\n" + String.join("\n", list) + "\n\n" + question);
        String context = header + "\n" + String.join("\n", entries);
        return row(context, question, common, targetTokens);
    }

    /** Numbered entries in shuffled rounds: each common word 3 times, one rarer word once. */
    private static final class WordRounds {
        private final SplittableRandom random;
        private final List<String> vocabulary;
        private final List<String> batch = new ArrayList<>();
        private int round;

        WordRounds(SplittableRandom random, List<String> vocabulary) {
            this.random = random;
            this.vocabulary = vocabulary;
        }

        /** The next entry ("N. word"); numbering counts every entry handed out that the caller kept. */
        String next(int kept) {
            if (batch.isEmpty()) {
                for (String w : vocabulary.subList(0, COMMON_TOP)) for (int r = 0; r < 3; r++) batch.add(w);
                batch.add(vocabulary.get(COMMON_TOP + (round % (vocabulary.size() - COMMON_TOP))));
                Collections.shuffle(batch, new java.util.Random(random.nextLong()));
                round++;
            }
            return (kept + 1) + ". " + batch.removeFirst();
        }
    }

    /** Filler sentences up to the token budget, with the inserts placed at seeded depths (order preserved). */
    private ObjectNode haystack(SplittableRandom random, int targetTokens, List<String> inserts, String question, List<String> expected) {
        String header = "Read the following text carefully; you will be asked about it afterwards.";
        List<String> sentences = new ArrayList<>();
        fill(sentences, kept -> FillerText.sentence(random), sentence -> sentence + " ", 0, targetTokens,
                header + "\n\n" + String.join(" ", inserts) + "\n\n" + question,
                list -> header + "\n\n" + String.join(" ", list) + " " + String.join(" ", inserts) + "\n\n" + question);
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

    /**
     * Adds pieces until the whole prompt, as the target's counter measures it, reaches {@code targetTokens}, then
     * cuts back to the longest prefix that fits. Pieces are costed one by one with {@link #pieces} (the counter
     * itself when it is local; for a counter behind an endpoint a local estimate, scaled by the ratio measured on
     * the text so far), and the whole prompt is measured once per round and O(log n) times while cutting back, so a
     * remote counter is asked a few dozen times per item, not once per sentence.
     *
     * @param minPieces never cut below this many pieces
     * @param fixedText the prompt without pieces (calibrates the first round's scale)
     * @param prompt    the whole prompt for a list of pieces
     */
    private void fill(List<String> out, java.util.function.IntFunction<String> next, java.util.function.UnaryOperator<String> costText,
                      int minPieces, int targetTokens, String fixedText, java.util.function.Function<List<String>, String> prompt) {
        int measured = counter.count(fixedText);
        int estimated = pieces.count(fixedText);
        double scale = pieces == counter || estimated == 0 ? 1.0 : (double) measured / estimated;
        measured = counter.count(prompt.apply(out));
        for (int round = 0; round < 8 && (measured < targetTokens || out.size() < minPieces); round++) {
            int budget = (int) Math.floor((targetTokens - measured) / scale);
            int used = 0, added = 0;
            while (true) {
                String piece = next.apply(out.size());
                int cost = pieces.count(costText.apply(piece));
                if (used + cost > budget && out.size() >= minPieces) break;
                out.add(piece);
                used += cost;
                added++;
            }
            int before = measured;
            measured = counter.count(prompt.apply(out));
            if (added == 0) break;   // not even one more piece fits
            if (used > 0 && measured > before) scale = (double) (measured - before) / used;
        }
        if (measured <= targetTokens) return;
        int lo = minPieces, hi = out.size();   // the answer is the largest prefix length in [lo, hi] that fits
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (counter.count(prompt.apply(out.subList(0, mid))) <= targetTokens) lo = mid;
            else hi = mid - 1;
        }
        out.subList(lo, out.size()).clear();
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

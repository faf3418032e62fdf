package dev.nemotron4j.train.data;

import dev.nemotron4j.tokenizer.text.ByteLevelAlphabet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns byte-level BPE merges from {@link WordCounts}, deterministically: the same counts give the same vocabulary.
 *
 * <p>Each step merges the most frequent adjacent pair of symbols (ties: the pair with the smaller left id, then the
 * smaller right id), until the vocabulary reaches the requested size or no pair occurs {@code minFrequency} times.
 * Pair counts are kept incrementally: every pair knows the words it occurs in, so a merge only rescans those words
 * (subtracting their old pairs, adding their new ones) instead of the corpus, and a priority queue with lazily
 * corrected entries yields the next best pair. A merge whose result spells an existing token reuses that token's id
 * (as the Rust trainer does), so the merge list can be longer than the number of merged ids.
 */
public final class BpeTrainer {

    /** One learned merge, in byte-level spelling. */
    public record Merge(String left, String right) {}

    /**
     * The learned tokenizer model.
     *
     * @param tokens every token by id: {@link ReservedTokens} first, the 256 byte tokens, then merged tokens
     * @param merges the merges in rank order
     */
    public record Vocabulary(List<String> tokens, List<Merge> merges) {
        public Vocabulary {
            tokens = List.copyOf(tokens);
            merges = List.copyOf(merges);
        }
    }

    private record Candidate(long count, int left, int right) {}

    private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingLong(Candidate::count).reversed()
            .thenComparingInt(Candidate::left).thenComparingInt(Candidate::right);

    /** Occurrences of one pair and the words it was seen in (possibly stale: rechecked on use). */
    private static final class PairStats {
        long count;
        int[] words = new int[4];
        int size;

        void addWord(int word) {
            if (size > 0 && words[size - 1] == word) return;
            if (size == words.length) words = Arrays.copyOf(words, size * 2);
            words[size++] = word;
        }
    }

    private final List<String> tokens = new ArrayList<>();
    private final Map<String, Integer> idByToken = new HashMap<>();
    private final List<Merge> merges = new ArrayList<>();
    private final Set<Long> mergedPairs = new HashSet<>();
    private final Map<Long, PairStats> pairs = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);
    private int[][] words;
    private long[] wordCounts;
    private int[] visitedAtMerge;
    private int mergeSteps;

    private BpeTrainer() {
    }

    /**
     * Trains a vocabulary of at most {@code vocabSize} tokens (fewer when the corpus runs out of pairs occurring
     * {@code minFrequency} times).
     */
    public static Vocabulary train(WordCounts corpus, int vocabSize, int minFrequency) {
        return train(corpus, vocabSize, minFrequency, false);
    }

    /**
     * As {@link #train(WordCounts, int, int)}; with {@code individualDigits} no merge ever joins digits, so every
     * number is tokenized digit by digit (the split regex keeps digits in words of their own, which are then left
     * out of the pair counts). Small models learn column arithmetic far more easily when a token is one digit.
     */
    public static Vocabulary train(WordCounts corpus, int vocabSize, int minFrequency, boolean individualDigits) {
        if (vocabSize < ReservedTokens.FIRST_MERGE_ID) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below the " + ReservedTokens.FIRST_MERGE_ID
                    + " reserved and byte tokens");
        }
        if (minFrequency < 1) throw new IllegalArgumentException("minimum pair frequency must be at least 1, got " + minFrequency);
        BpeTrainer trainer = new BpeTrainer();
        Map<String, Long> counts = corpus.counts();
        if (individualDigits) {
            counts = new HashMap<>(counts);
            counts.keySet().removeIf(BpeTrainer::isDigits);
        }
        trainer.initialise(counts);
        trainer.run(vocabSize, minFrequency);
        return new Vocabulary(trainer.tokens, trainer.merges);
    }

    private void initialise(Map<String, Long> counts) {
        for (String reserved : ReservedTokens.contents()) {
            // a merge spelling a reserved token (impossible with the split regex, but cheap to rule out) reuses its id,
            // so the vocabulary never holds one string twice
            idByToken.put(reserved, tokens.size());
            tokens.add(reserved);
        }
        for (int b = 0; b < 256; b++) {
            String token = String.valueOf(ByteLevelAlphabet.charOf(b));
            idByToken.put(token, tokens.size());
            tokens.add(token);
        }
        // sorted, so ids and queue order never depend on hash iteration order
        String[] distinct = counts.keySet().toArray(String[]::new);
        Arrays.sort(distinct);
        words = new int[distinct.length][];
        wordCounts = new long[distinct.length];
        visitedAtMerge = new int[distinct.length];
        Arrays.fill(visitedAtMerge, -1);
        for (int w = 0; w < distinct.length; w++) {
            String word = distinct[w];
            int[] symbols = new int[word.length()];
            for (int i = 0; i < symbols.length; i++) {
                int b = ByteLevelAlphabet.byteOf(word.charAt(i));
                if (b < 0) throw new IllegalArgumentException("word is not in byte-level spelling: " + word);
                symbols[i] = ReservedTokens.FIRST_BYTE_ID + b;
            }
            words[w] = symbols;
            wordCounts[w] = counts.get(word);
            addPairs(w, null);
        }
        for (Map.Entry<Long, PairStats> e : pairs.entrySet()) {
            queue.add(new Candidate(e.getValue().count, left(e.getKey()), right(e.getKey())));
        }
    }

    private void run(int vocabSize, int minFrequency) {
        List<Long> touched = new ArrayList<>();
        while (tokens.size() < vocabSize && !queue.isEmpty()) {
            Candidate best = queue.poll();
            long key = key(best.left, best.right);
            PairStats stats = pairs.get(key);
            if (stats == null || stats.count <= 0) continue;
            if (stats.count != best.count) {
                // stale entry: the pair's count changed since it was queued; requeue with the current count
                queue.add(new Candidate(stats.count, best.left, best.right));
                continue;
            }
            if (best.count < minFrequency) break;
            String merged = tokens.get(best.left) + tokens.get(best.right);
            Integer id = idByToken.get(merged);
            if (id == null) {
                id = tokens.size();
                idByToken.put(merged, id);
                tokens.add(merged);
            }
            if (mergedPairs.add(key)) merges.add(new Merge(tokens.get(best.left), tokens.get(best.right)));
            touched.clear();
            applyMerge(best.left, best.right, id, stats, touched);
            for (long pair : touched) {
                PairStats s = pairs.get(pair);
                if (s != null && s.count > 0) queue.add(new Candidate(s.count, left(pair), right(pair)));
            }
        }
    }

    private void applyMerge(int left, int right, int mergedId, PairStats stats, List<Long> touched) {
        int mergeIndex = mergeSteps++;
        int[] candidates = Arrays.copyOf(stats.words, stats.size);
        for (int w : candidates) {
            if (visitedAtMerge[w] == mergeIndex) continue;
            visitedAtMerge[w] = mergeIndex;
            int[] symbols = words[w];
            if (!contains(symbols, left, right)) continue;
            removePairs(w);
            words[w] = merged(symbols, left, right, mergedId);
            addPairs(w, touched);
        }
        // every occurrence is gone now
        pairs.remove(key(left, right));
        // touched pairs that contain the merged id may have been queued before it existed: dedupe happens on poll
        touched.removeIf(pair -> left(pair) != mergedId && right(pair) != mergedId);
    }

    private void addPairs(int w, List<Long> touched) {
        int[] s = words[w];
        long count = wordCounts[w];
        for (int i = 0; i + 1 < s.length; i++) {
            long key = key(s[i], s[i + 1]);
            PairStats stats = pairs.computeIfAbsent(key, k -> new PairStats());
            stats.count += count;
            stats.addWord(w);
            if (touched != null) touched.add(key);
        }
    }

    private void removePairs(int w) {
        int[] s = words[w];
        long count = wordCounts[w];
        for (int i = 0; i + 1 < s.length; i++) {
            pairs.get(key(s[i], s[i + 1])).count -= count;
        }
    }

    private static boolean contains(int[] symbols, int left, int right) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            if (symbols[i] == left && symbols[i + 1] == right) return true;
        }
        return false;
    }

    /** Left-to-right, non-overlapping replacement of the pair (as BPE encoding applies a single merge). */
    private static int[] merged(int[] symbols, int left, int right, int mergedId) {
        int[] out = new int[symbols.length];
        int n = 0;
        for (int i = 0; i < symbols.length; i++) {
            if (i + 1 < symbols.length && symbols[i] == left && symbols[i + 1] == right) {
                out[n++] = mergedId;
                i++;
            } else {
                out[n++] = symbols[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int left(long key) {
        return (int) (key >>> 32);
    }

    private static int right(long key) {
        return (int) key;
    }

    /** Whether a word (byte-level spelling) consists of ASCII digits only. */
    private static boolean isDigits(String word) {
        if (word.isEmpty()) return false;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}

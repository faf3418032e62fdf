package dev.nemotron4j.tokenizer.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The BPE model: turns one pre-tokenized word into token ids by starting from single characters and repeatedly
 * applying the lowest-ranked merge (leftmost first among equal ranks), exactly like the Rust {@code tokenizers}
 * library. Merging uses a linked list of symbols and a heap of candidate merges, so a word of n characters costs
 * O(n log n) rather than the O(n²) of rescanning after every merge. Thread-safe.
 */
public final class BytePairEncoder {

    private static final int NO_ID = -1;

    private final Map<String, Integer> vocab;
    private final String[] tokensById;
    private final MergeTable merges;
    private final BpeOptions options;
    private final int unkId;
    /** Ids of single BMP characters (the usual initial symbols), NO_ID where absent. */
    private final int[] charIds;
    /** Ids of the byte-fallback tokens {@code <0x00>}..{@code <0xFF>}, NO_ID where absent. */
    private final int[] byteFallbackIds;
    private final WordCache cache;

    /**
     * @param vocab token → id
     * @param mergeRules merges in priority order (the first has rank 0)
     * @param options the other model settings
     * @param cacheCapacity how many words to remember (0 disables the cache)
     * @throws IllegalArgumentException if a merge or the unknown token refers to a token missing from the vocabulary
     */
    public BytePairEncoder(Map<String, Integer> vocab, List<MergeRule> mergeRules, BpeOptions options,
                           int cacheCapacity) {
        // A HashMap probes much faster than Map.copyOf's immutable map on this hot path.
        this.vocab = new HashMap<>(vocab);
        this.options = Objects.requireNonNull(options, "options");
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.tokensById = new String[maxId + 1];
        vocab.forEach((token, id) -> {
            if (id < 0) {
                throw new IllegalArgumentException("negative id " + id + " for token \"" + token + "\"");
            }
            tokensById[id] = token;
        });
        this.unkId = options.unkToken() == null ? NO_ID : vocab.getOrDefault(options.unkToken(), NO_ID);
        this.merges = buildMerges(mergeRules);
        this.charIds = new int[Character.MAX_VALUE + 1];
        Arrays.fill(charIds, NO_ID);
        if (options.continuingSubwordPrefix() == null && options.endOfWordSuffix() == null) {
            vocab.forEach((token, id) -> {
                if (token.length() == 1) {
                    charIds[token.charAt(0)] = id;
                }
            });
        }
        this.byteFallbackIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteFallbackIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), NO_ID);
        }
        this.cache = new WordCache(cacheCapacity);
    }

    private MergeTable buildMerges(List<MergeRule> rules) {
        MergeTable table = new MergeTable(rules.size());
        String prefix = options.continuingSubwordPrefix();
        for (int rank = 0; rank < rules.size(); rank++) {
            MergeRule rule = rules.get(rank);
            int left = requireId(rule.left(), rule);
            int right = requireId(rule.right(), rule);
            String rightPart = prefix != null && rule.right().startsWith(prefix)
                    ? rule.right().substring(prefix.length()) : rule.right();
            int merged = requireId(rule.left() + rightPart, rule);
            table.put(left, right, rank, merged);
        }
        return table;
    }

    private int requireId(String token, MergeRule rule) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("merge \"" + rule.left() + " " + rule.right()
                    + "\" uses token \"" + token + "\", which is not in the vocabulary");
        }
        return id;
    }

    /** Number of entries in the model vocabulary. */
    public int size() {
        return vocab.size();
    }

    /** Highest id of the model vocabulary plus one. */
    public int idLimit() {
        return tokensById.length;
    }

    public OptionalInt tokenToId(String token) {
        Integer id = vocab.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token spelled by {@code id}, or null if the model has no such id. */
    public String idToToken(int id) {
        return id >= 0 && id < tokensById.length ? tokensById[id] : null;
    }

    public BpeOptions options() {
        return options;
    }

    /** Appends the ids of {@code word} to {@code out}. */
    public void encode(String word, IdBuffer out) {
        if (word.isEmpty()) {
            return;
        }
        int[] ids = cache.get(word);
        if (ids == null) {
            Integer whole = options.ignoreMerges() ? vocab.get(word) : null;
            ids = whole != null ? new int[] {whole} : mergeWord(word);
            cache.put(word, ids);
        }
        if (ids.length == 1) {
            out.add(ids[0]);
        } else {
            out.addAll(ids);
        }
    }

    /**
     * Initial symbols of the word (one per character, byte tokens or the unknown token where the vocabulary lacks
     * the character), then merged.
     */
    private int[] mergeWord(String word) {
        IdBuffer symbols = new IdBuffer(word.length() + 2);
        int pendingUnk = NO_ID;
        for (int i = 0; i < word.length(); ) {
            int next = i + Character.charCount(word.codePointAt(i));
            int id = symbolId(word, i, next);
            if (id != NO_ID) {
                if (pendingUnk != NO_ID) {
                    symbols.add(pendingUnk);
                    pendingUnk = NO_ID;
                }
                symbols.add(id);
            } else if (options.byteFallback() && appendByteFallback(symbolText(word, i, next), symbols)) {
                // Like the Rust library, a pending unknown token is not flushed before byte tokens.
            } else if (unkId != NO_ID) {
                if (pendingUnk != NO_ID && !options.fuseUnk()) {
                    symbols.add(pendingUnk);
                }
                pendingUnk = unkId;
            } else if (options.unkToken() != null) {
                throw new IllegalStateException("unk_token \"" + options.unkToken() + "\" is not in the vocabulary");
            }
            // Without an unknown token, a character missing from the vocabulary is dropped (as in the Rust library).
            i = next;
        }
        if (pendingUnk != NO_ID) {
            symbols.add(pendingUnk);
        }
        return merge(symbols.toArray(), symbols.size());
    }

    /** The vocabulary entry for the character {@code word[start, end)}, with the word-position affixes applied. */
    private int symbolId(String word, int start, int end) {
        if (end - start == 1 && options.continuingSubwordPrefix() == null && options.endOfWordSuffix() == null) {
            return charIds[word.charAt(start)];
        }
        Integer id = vocab.get(symbolText(word, start, end));
        return id == null ? NO_ID : id;
    }

    private String symbolText(String word, int start, int end) {
        String s = word.substring(start, end);
        if (start > 0 && options.continuingSubwordPrefix() != null) {
            s = options.continuingSubwordPrefix() + s;
        }
        if (end == word.length() && options.endOfWordSuffix() != null) {
            s = s + options.endOfWordSuffix();
        }
        return s;
    }

    /** Appends one {@code <0xNN>} token per UTF-8 byte of the symbol, if all of them exist. */
    private boolean appendByteFallback(String symbol, IdBuffer symbols) {
        byte[] bytes = symbol.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (byteFallbackIds[b & 0xFF] == NO_ID) {
                return false;
            }
        }
        for (byte b : bytes) {
            symbols.add(byteFallbackIds[b & 0xFF]);
        }
        return true;
    }

    private int[] merge(int[] ids, int count) {
        if (count < 2) {
            return Arrays.copyOf(ids, count);
        }
        int[] prev = new int[count];
        int[] next = new int[count];
        for (int i = 0; i < count; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }
        MergeQueue queue = new MergeQueue();
        for (int i = 0; i + 1 < count; i++) {
            int slot = merges.find(ids[i], ids[i + 1]);
            if (slot >= 0) {
                queue.push(merges.rankAt(slot), i, merges.mergedIdAt(slot));
            }
        }
        int remaining = count;
        while (!queue.isEmpty()) {
            int pos = queue.topPosition();
            int mergedId = queue.topMergedId();
            queue.pop();
            int right = next[pos];
            if (ids[pos] == NO_ID || right < 0) {
                continue;
            }
            // The entry is stale if either symbol changed since it was queued.
            int slot = merges.find(ids[pos], ids[right]);
            if (slot < 0 || merges.mergedIdAt(slot) != mergedId) {
                continue;
            }
            ids[pos] = mergedId;
            ids[right] = NO_ID;
            remaining--;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
            }
            int before = prev[pos];
            if (before >= 0) {
                int s = merges.find(ids[before], mergedId);
                if (s >= 0) {
                    queue.push(merges.rankAt(s), before, merges.mergedIdAt(s));
                }
            }
            if (after >= 0) {
                int s = merges.find(mergedId, ids[after]);
                if (s >= 0) {
                    queue.push(merges.rankAt(s), pos, merges.mergedIdAt(s));
                }
            }
        }
        int[] result = new int[remaining];
        int k = 0;
        for (int i = 0; i >= 0 && k < remaining; i = next[i]) {
            result[k++] = ids[i];
        }
        return result;
    }
}

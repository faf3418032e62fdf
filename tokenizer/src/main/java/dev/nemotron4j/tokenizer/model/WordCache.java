package dev.nemotron4j.tokenizer.model;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the encoding of recently seen words. Bounded: when full it is emptied and refilled, which keeps the
 * common words of the current text hot without any bookkeeping per lookup. Safe for concurrent use.
 */
final class WordCache {

    /** Longer words are rare and would make the memory bound meaningless. */
    static final int MAX_WORD_LENGTH = 256;

    private final int capacity;
    private final ConcurrentHashMap<String, int[]> map;

    WordCache(int capacity) {
        this.capacity = capacity;
        this.map = new ConcurrentHashMap<>(Math.min(capacity, 1 << 16));
    }

    int[] get(String word) {
        return capacity == 0 ? null : map.get(word);
    }

    void put(String word, int[] ids) {
        if (capacity == 0 || word.length() > MAX_WORD_LENGTH) {
            return;
        }
        if (map.size() >= capacity) {
            map.clear();
        }
        map.put(word, ids);
    }
}

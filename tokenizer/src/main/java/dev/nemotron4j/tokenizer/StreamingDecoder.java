package dev.nemotron4j.tokenizer;

import java.util.Arrays;

/**
 * Decodes generated ids one at a time and hands out only text that is complete: a multi-byte character split
 * across several byte tokens is held back until its last byte arrives, so the output never contains a broken
 * UTF-8 sequence or half a surrogate pair.
 *
 * <p>It decodes a small window of recent ids and emits the part of the text beyond what the window's older ids
 * already produced; keeping those older ids in the window lets decoders that depend on context (such as
 * Metaspace dropping the leading space of the first token) give the same text as a one-shot {@code decode}.
 * Not thread-safe.
 */
public final class StreamingDecoder {

    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] window = new int[8];
    private int size;
    /** Ids [0, prefixEnd) of the window have been emitted; prefixText is their decoded text. */
    private int prefixEnd;
    private String prefixText = "";

    StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one id; returns the newly completed text (possibly empty, never null). */
    public String accept(int id) {
        if (size == window.length) {
            window = Arrays.copyOf(window, size * 2);
        }
        window[size++] = id;
        String text = tokenizer.decode(Arrays.copyOf(window, size), skipSpecialTokens);
        if (text.length() <= prefixText.length() || text.charAt(text.length() - 1) == REPLACEMENT) {
            // Nothing new, or an incomplete character at the end: wait for more ids.
            return "";
        }
        String fresh = newText(text);
        // Keep the ids just emitted as the context of the next step and forget the older ones.
        int keepFrom = prefixEnd;
        System.arraycopy(window, keepFrom, window, 0, size - keepFrom);
        size -= keepFrom;
        prefixEnd = size;
        prefixText = tokenizer.decode(Arrays.copyOf(window, size), skipSpecialTokens);
        return fresh;
    }

    /** Emits whatever is still held back (an incomplete character comes out as U+FFFD) and resets. */
    public String flush() {
        String text = tokenizer.decode(Arrays.copyOf(window, size), skipSpecialTokens);
        String rest = text.length() > prefixText.length() ? newText(text) : "";
        size = 0;
        prefixEnd = 0;
        prefixText = "";
        return rest;
    }

    private String newText(String text) {
        int from = text.startsWith(prefixText) ? prefixText.length() : commonPrefixLength(text, prefixText);
        if (from > 0 && from < text.length() && Character.isLowSurrogate(text.charAt(from))
                && Character.isHighSurrogate(text.charAt(from - 1))) {
            from--;
        }
        return text.substring(from);
    }

    private static int commonPrefixLength(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}

package dev.nemotron4j.train.data;

import dev.nemotron4j.tokenizer.pretokenizer.ByteLevel;
import dev.nemotron4j.tokenizer.pretokenizer.PreTokenizer;
import dev.nemotron4j.tokenizer.pretokenizer.PreTokenizerSequence;
import dev.nemotron4j.tokenizer.pretokenizer.Split;
import dev.nemotron4j.tokenizer.pretokenizer.SplitDelimiterBehavior;
import dev.nemotron4j.tokenizer.pretokenizer.SplitPattern;
import dev.nemotron4j.tokenizer.pretokenizer.TextPiece;
import dev.nemotron4j.tokenizer.text.OnigurumaPattern;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How often each pre-tokenized word occurs in a training corpus — the input of {@link BpeTrainer}. Text is cut
 * exactly as the written {@code tokenizer.json} cuts it when encoding: reserved tokens out first (they never take part
 * in merges), then the Llama-3/"pixtral" split regex, then the byte-level alphabet. Words are kept in their byte-level
 * spelling (one alphabet character per UTF-8 byte).
 */
public final class WordCounts {

    /** The split regex of the written tokenizer (the one Nemotron's GGUFs name "pixtral"; PROTOCOL.md §1). */
    public static final String SPLIT_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final PreTokenizer PRE_TOKENIZER = new PreTokenizerSequence(List.of(
            new Split(new SplitPattern.Regex(OnigurumaPattern.compile(SPLIT_REGEX)), SplitDelimiterBehavior.ISOLATED,
                    false),
            new ByteLevel(false, false)));

    private static final List<String> RESERVED = ReservedTokens.contents();

    private final Map<String, Long> counts = new HashMap<>();
    private final List<TextPiece> pieces = new ArrayList<>();
    private long bytes;

    /** Counts the words of one text. */
    public void add(String text) {
        // next occurrence of each reserved token at or after the cursor (-1: none left), recomputed only when passed
        int[] next = new int[RESERVED.size()];
        for (int t = 0; t < next.length; t++) next[t] = text.indexOf(RESERVED.get(t));
        int start = 0;
        while (start < text.length()) {
            // leftmost reserved token, the longest one at that position (as the tokenizer's added-token pass)
            int best = -1;
            int bestLength = 0;
            for (int t = 0; t < next.length; t++) {
                if (next[t] >= 0 && next[t] < start) next[t] = text.indexOf(RESERVED.get(t), start);
                int at = next[t];
                int length = RESERVED.get(t).length();
                if (at >= 0 && (best < 0 || at < best || (at == best && length > bestLength))) {
                    best = at;
                    bestLength = length;
                }
            }
            int end = best < 0 ? text.length() : best;
            if (end > start) addPlain(text.substring(start, end));
            if (best < 0) break;
            start = best + bestLength;
        }
    }

    private void addPlain(String text) {
        pieces.clear();
        PRE_TOKENIZER.split(new TextPiece(text, true), pieces);
        for (TextPiece piece : pieces) {
            counts.merge(piece.text(), 1L, Long::sum);
            bytes += piece.text().length();
        }
    }

    /** Distinct words seen, each with its count (byte-level spelling → occurrences). */
    public Map<String, Long> counts() {
        return counts;
    }

    /** UTF-8 bytes counted (outside reserved tokens). */
    public long bytes() {
        return bytes;
    }
}

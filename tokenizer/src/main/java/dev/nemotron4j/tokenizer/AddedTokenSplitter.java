package dev.nemotron4j.tokenizer;

import dev.nemotron4j.tokenizer.normalizer.Normalizer;
import dev.nemotron4j.tokenizer.pretokenizer.TextPiece;
import dev.nemotron4j.tokenizer.text.UnicodeWhitespace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in the input and cuts it into added-token segments and text segments, normalizing the text
 * segments on the way. As in the Rust library there are two passes: tokens with {@code normalized=false} are
 * matched in the raw text; the remaining text is normalized and then searched for the {@code normalized=true}
 * tokens (spelled in their normalized form). Each pass takes, at the leftmost position where any token matches,
 * the longest one.
 */
final class AddedTokenSplitter {

    /** A piece of the input: an added token's id, or text still to be pre-tokenized (then id is -1). */
    record Segment(int addedId, TextPiece text) {
        boolean isAddedToken() {
            return addedId >= 0;
        }
    }

    private final TokenTrie rawTokens;
    private final TokenTrie normalizedTokens;

    AddedTokenSplitter(List<AddedToken> tokens, Normalizer normalizer) {
        rawTokens = new TokenTrie();
        normalizedTokens = new TokenTrie();
        for (AddedToken t : tokens) {
            if (t.normalized()) {
                String spelled = normalizer == null ? t.content() : normalizer.normalize(t.content());
                if (!spelled.isEmpty()) {
                    normalizedTokens.add(spelled, t);
                }
            } else {
                rawTokens.add(t.content(), t);
            }
        }
    }

    /** Cuts {@code input} into segments; text segments are normalized with {@code normalizer} (may be null). */
    List<Segment> split(String input, Normalizer normalizer) {
        List<Segment> out = new ArrayList<>();
        for (Segment raw : rawTokens.split(new TextPiece(input, true))) {
            if (raw.isAddedToken()) {
                out.add(raw);
                continue;
            }
            TextPiece piece = raw.text();
            if (normalizer != null) {
                piece = new TextPiece(normalizer.normalize(piece.text()), piece.atInputStart());
            }
            for (Segment s : normalizedTokens.split(piece)) {
                if (s.isAddedToken() || !s.text().text().isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** A character trie over token spellings, searched leftmost-longest. */
    private static final class TokenTrie {
        private final Node root = new Node();
        /** Quick filter: can a token start with this char at all? */
        private final boolean[] firstChars = new boolean[Character.MAX_VALUE + 1];
        private boolean empty = true;

        private static final class Node {
            final Map<Character, Node> children = new HashMap<>(4);
            AddedToken token;
        }

        void add(String spelling, AddedToken token) {
            Node node = root;
            for (int i = 0; i < spelling.length(); i++) {
                node = node.children.computeIfAbsent(spelling.charAt(i), c -> new Node());
            }
            // The first token listed with a given spelling wins, like the first pattern of an Aho-Corasick set.
            if (node.token == null) {
                node.token = token;
            }
            firstChars[spelling.charAt(0)] = true;
            empty = false;
        }

        List<Segment> split(TextPiece piece) {
            String text = piece.text();
            List<Segment> out = new ArrayList<>();
            if (empty || text.isEmpty()) {
                out.add(new Segment(-1, piece));
                return out;
            }
            int segmentStart = 0;
            int i = 0;
            while (i < text.length()) {
                if (!firstChars[text.charAt(i)]) {
                    i++;
                    continue;
                }
                AddedToken found = null;
                int foundEnd = -1;
                Node node = root;
                for (int j = i; j < text.length(); j++) {
                    node = node.children.get(text.charAt(j));
                    if (node == null) {
                        break;
                    }
                    if (node.token != null) {
                        found = node.token;
                        foundEnd = j + 1;
                    }
                }
                if (found == null) {
                    i++;
                    continue;
                }
                int start = i;
                int stop = foundEnd;
                i = foundEnd;
                if (found.singleWord() && !standsAlone(text, start, stop)) {
                    continue;
                }
                if (found.lstrip()) {
                    start = Math.max(whitespaceStartBefore(text, start), segmentStart);
                }
                if (found.rstrip()) {
                    stop = whitespaceEndAfter(text, stop);
                    i = stop;
                }
                if (segmentStart < start) {
                    out.add(new Segment(-1, piece.slice(segmentStart, start)));
                }
                out.add(new Segment(found.id(), null));
                segmentStart = stop;
            }
            if (segmentStart < text.length()) {
                out.add(new Segment(-1, piece.slice(segmentStart, text.length())));
            }
            return out;
        }

        private static boolean standsAlone(String text, int start, int stop) {
            boolean wordBefore = start > 0 && isWordChar(text.codePointBefore(start));
            boolean wordAfter = stop < text.length() && isWordChar(text.codePointAt(stop));
            return !wordBefore && !wordAfter;
        }

        private static int whitespaceStartBefore(String text, int end) {
            int i = end;
            while (i > 0 && UnicodeWhitespace.is(text.codePointBefore(i))) {
                i -= Character.charCount(text.codePointBefore(i));
            }
            return i;
        }

        private static int whitespaceEndAfter(String text, int start) {
            int i = start;
            while (i < text.length() && UnicodeWhitespace.is(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            return i;
        }

        /** Unicode {@code \w}: alphabetic, marks, decimal digits, connector punctuation, joiners. */
        private static boolean isWordChar(int cp) {
            if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
                return true;
            }
            int type = Character.getType(cp);
            return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK || type == Character.DECIMAL_DIGIT_NUMBER
                    || type == Character.CONNECTOR_PUNCTUATION;
        }
    }
}

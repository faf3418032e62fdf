package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a splitting pre-tokenizer looks for: regex matches, or single characters with some property. */
public sealed interface SplitPattern {

    /**
     * Cuts {@code text} into consecutive spans covering all of it, each flagged as a match or not.
     * An empty text gives a single empty non-matching span.
     */
    List<Span> spans(String text);

    /** Regex (or quoted literal) matches; empty matches only produce empty pieces, which are dropped later. */
    record Regex(Pattern pattern) implements SplitPattern {
        @Override
        public List<Span> spans(String text) {
            List<Span> spans = new ArrayList<>();
            if (text.isEmpty()) {
                spans.add(new Span(0, 0, false));
                return spans;
            }
            Matcher m = pattern.matcher(text);
            int prev = 0;
            while (m.find()) {
                if (prev != m.start()) {
                    spans.add(new Span(prev, m.start(), false));
                }
                spans.add(new Span(m.start(), m.end(), true));
                prev = m.end();
            }
            if (prev != text.length()) {
                spans.add(new Span(prev, text.length(), false));
            }
            return spans;
        }
    }

    /** Every character (code point) satisfying the predicate is a match of its own. */
    record CharClass(IntPredicate predicate) implements SplitPattern {
        @Override
        public List<Span> spans(String text) {
            List<Span> spans = new ArrayList<>();
            if (text.isEmpty()) {
                spans.add(new Span(0, 0, false));
                return spans;
            }
            int runStart = 0;
            int i = 0;
            while (i < text.length()) {
                int cp = text.codePointAt(i);
                int next = i + Character.charCount(cp);
                if (predicate.test(cp)) {
                    if (runStart < i) {
                        spans.add(new Span(runStart, i, false));
                    }
                    spans.add(new Span(i, next, true));
                    runStart = next;
                }
                i = next;
            }
            if (runStart < text.length()) {
                spans.add(new Span(runStart, text.length(), false));
            }
            return spans;
        }
    }
}

package dev.nemotron4j.tokenizer.pretokenizer;

import java.util.ArrayList;
import java.util.List;

/** What happens to the matched parts ("delimiters") when a piece is split. */
public enum SplitDelimiterBehavior {
    /** Delimiters are dropped. */
    REMOVED,
    /** Every delimiter becomes a piece of its own. */
    ISOLATED,
    /** A delimiter is glued to the end of the piece before it. */
    MERGED_WITH_PREVIOUS,
    /** A delimiter is glued to the start of the piece after it. */
    MERGED_WITH_NEXT,
    /** Consecutive delimiters form one piece. */
    CONTIGUOUS;

    /** Parses the {@code tokenizer.json} spelling ({@code "MergedWithPrevious"} etc.). */
    public static SplitDelimiterBehavior fromJson(String name) {
        return switch (name) {
            case "Removed" -> REMOVED;
            case "Isolated" -> ISOLATED;
            case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> MERGED_WITH_NEXT;
            case "Contiguous" -> CONTIGUOUS;
            default -> throw new IllegalArgumentException("unknown split behavior \"" + name + "\"");
        };
    }

    /** The ranges to keep as pieces, given the spans of a piece (which cover it). */
    List<Span> apply(List<Span> spans) {
        List<Span> out = new ArrayList<>(spans.size());
        switch (this) {
            case REMOVED -> {
                for (Span s : spans) {
                    if (!s.matched()) {
                        out.add(s);
                    }
                }
            }
            case ISOLATED -> out.addAll(spans);
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatched = false;
                for (Span s : spans) {
                    if (s.matched() && !previousMatched && !out.isEmpty()) {
                        out.set(out.size() - 1, out.getLast().withEnd(s.end()));
                    } else {
                        out.add(s);
                    }
                    previousMatched = s.matched();
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previousMatched = false;
                for (int i = spans.size() - 1; i >= 0; i--) {
                    Span s = spans.get(i);
                    if (s.matched() && !previousMatched && !out.isEmpty()) {
                        out.set(out.size() - 1, out.getLast().withStart(s.start()));
                    } else {
                        out.add(s);
                    }
                    previousMatched = s.matched();
                }
                java.util.Collections.reverse(out);
            }
            case CONTIGUOUS -> {
                boolean previousMatched = false;
                for (Span s : spans) {
                    if (s.matched() == previousMatched && !out.isEmpty()) {
                        out.set(out.size() - 1, out.getLast().withEnd(s.end()));
                    } else {
                        out.add(s);
                    }
                    previousMatched = s.matched();
                }
            }
        }
        return out;
    }

    /** Splits {@code piece} by {@code pattern} (flags inverted when {@code invert}) and appends the kept pieces. */
    void split(TextPiece piece, SplitPattern pattern, boolean invert, List<TextPiece> out) {
        List<Span> spans = pattern.spans(piece.text());
        if (invert) {
            spans.replaceAll(s -> new Span(s.start(), s.end(), !s.matched()));
        }
        for (Span s : apply(spans)) {
            if (s.end() > s.start()) {
                out.add(piece.slice(s.start(), s.end()));
            }
        }
    }
}

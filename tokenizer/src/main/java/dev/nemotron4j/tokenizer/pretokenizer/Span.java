package dev.nemotron4j.tokenizer.pretokenizer;

/** A range {@code [start, end)} of a piece, flagged when a split pattern matched it. */
record Span(int start, int end, boolean matched) {

    Span withEnd(int newEnd) {
        return new Span(start, newEnd, matched);
    }

    Span withStart(int newStart) {
        return new Span(newStart, end, matched);
    }
}

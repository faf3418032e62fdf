package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.state.SequenceState;

/**
 * How the rows of one forward pass map to sequences: segment s covers rows
 * {@code [start(s), start(s)+length(s))} and continues sequence {@code state(s)}. A prefill is one long
 * segment; a batched decode step is one single-row segment per sequence; continuous batching mixes both.
 * Position-free layers (projections, MoE) see only rows; Mamba and attention work per segment.
 */
public record BatchLayout(SequenceState[] states, int[] starts, int[] lengths, int segments, int rows) {

    /** A layout over the first {@code segments} entries of the arrays (callers may reuse larger arrays). */
    public BatchLayout {
        if (segments > states.length || segments > starts.length || segments > lengths.length) {
            throw new IllegalArgumentException(segments + " segments for arrays of " + states.length);
        }
    }

    /** A layout for the given sequences and token counts, rows in order. */
    public static BatchLayout of(SequenceState[] states, int[] lengths) {
        int[] starts = new int[states.length];
        int rows = 0;
        for (int i = 0; i < states.length; i++) {
            starts[i] = rows;
            rows += lengths[i];
        }
        return new BatchLayout(states, starts, lengths.clone(), states.length, rows);
    }

    public SequenceState state(int s) {
        return states[s];
    }

    public int start(int s) {
        return starts[s];
    }

    public int length(int s) {
        return lengths[s];
    }
}

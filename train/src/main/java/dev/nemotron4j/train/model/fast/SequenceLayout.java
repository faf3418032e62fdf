package dev.nemotron4j.train.model.fast;

import dev.nemotron4j.train.data.PackedSequence;

/**
 * The documents of the packed row being trained on: its length, where each document starts and ends, and for every
 * position the start of its document (where the Mamba state and the attention window reset). Reused from row to
 * row; grows only when a longer row arrives.
 */
final class SequenceLayout {
    int rows;
    int segments;
    /** Document starts, then {@link #rows}: document s is {@code [bounds[s], bounds[s+1])}. */
    int[] bounds = new int[2];
    /** For each position, the first position of its document. */
    int[] docStart = new int[0];
    /** For each document, how many of its positions are targets (masked in). */
    int[] targets = new int[1];
    /**
     * Weight of the sequence-wise balancing loss per target of a document (α × scale; 0 = off): a document's loss
     * α·Σᵢ fᵢ·Pᵢ counts with weight α × scale × its targets, as in the reference model.
     */
    double auxPerTarget;

    /** Reads and checks {@code seq}'s segment starts, counts each document's targets. */
    void set(PackedSequence seq, double auxPerTarget) {
        this.auxPerTarget = auxPerTarget;
        int n = seq.tokens().length;
        int[] starts = seq.segmentStarts();
        if (starts == null || starts.length == 0 || starts[0] != 0) {
            throw new IllegalArgumentException("packed sequence: segmentStarts must begin with 0, got "
                    + (starts == null ? "null" : java.util.Arrays.toString(starts)));
        }
        if (bounds.length < starts.length + 1) bounds = new int[starts.length + 1];
        if (docStart.length < n) docStart = new int[n];
        for (int s = 0; s < starts.length; s++) {
            if (starts[s] >= n || (s > 0 && starts[s] <= starts[s - 1])) {
                throw new IllegalArgumentException("packed sequence: segmentStarts must increase and stay below the length "
                        + n + ", got " + starts[s] + " at index " + s);
            }
            bounds[s] = starts[s];
        }
        bounds[starts.length] = n;
        rows = n;
        segments = starts.length;
        if (targets.length < segments) targets = new int[segments];
        boolean[] mask = seq.targetMask();
        for (int s = 0; s < segments; s++) {
            targets[s] = 0;
            for (int t = bounds[s]; t < bounds[s + 1]; t++) {
                docStart[t] = bounds[s];
                if (mask != null && t < mask.length && mask[t]) targets[s]++;
            }
        }
    }

    /** Whether position {@code t} is the last of its document. */
    boolean endsDocument(int t) {
        return t + 1 == rows || docStart[t + 1] == t + 1;
    }
}

package dev.nemotron4j.engine.generation;

/**
 * How a prompt is cut into the segments the model is fed, and where a sequence may be saved and resumed without
 * changing a single bit of its outputs.
 *
 * <p>The canonical schedule feeds a prompt in pieces {@code [k·piece, (k+1)·piece)} from position 0. The model's
 * Mamba scan runs each segment in chunks of {@code chunk} tokens from the segment's start (a one-token segment runs the
 * recurrence instead, whose roundings differ); everything else in a forward pass is the same per row whatever the
 * segment. So a piece may be split where one of its chunks starts ({@link #isChunkStart}) and give the same bits,
 * unless the split leaves a one-token part where the piece had none. {@link #splitsExactly} and
 * {@link #resumesExactly} say when that holds; a sequence saved at such a position and resumed from there computes
 * exactly what the canonical schedule computes.
 *
 * @param piece most prompt tokens fed per step (the scheduler's prefill chunk)
 * @param chunk the model's SSD chunk length (0 or 1: every position is a chunk start)
 */
public record PrefillSchedule(int piece, int chunk) {
    public PrefillSchedule {
        if (piece < 1) throw new IllegalArgumentException("piece must be >= 1, is " + piece);
        if (chunk < 0) throw new IllegalArgumentException("chunk must be >= 0, is " + chunk);
    }

    /** Where the canonical piece holding {@code position} starts. */
    public int pieceStart(int position) {
        return position - position % piece;
    }

    /** Where the canonical piece holding {@code position} ends, for a prompt of {@code length} tokens. */
    public int pieceEnd(int position, int length) {
        return Math.min(pieceStart(position) + piece, length);
    }

    /** Whether a scan chunk of the canonical schedule starts at {@code position}. */
    public boolean isChunkStart(int position) {
        return chunk <= 1 || (position - pieceStart(position)) % chunk == 0;
    }

    /**
     * Whether feeding {@code [pieceStart, at)} and {@code [at, pieceEnd)} as two segments gives the bits of feeding the
     * canonical piece at once: {@code at} starts a chunk strictly inside the piece and neither part is a single token
     * (the canonical piece, longer than one token, never takes the one-token recurrence).
     */
    public boolean splitsExactly(int at, int length) {
        int start = pieceStart(at), end = pieceEnd(at, length);
        return at > start && at < end && isChunkStart(at) && at - start >= 2 && end - at >= 2;
    }

    /**
     * Whether a sequence saved after its first {@code at} tokens (computed by this schedule) may resume there and
     * prefill the rest of a prompt of {@code length} tokens with exactly the canonical bits: at least one token is
     * left, {@code at} is a piece start, or a chunk start whose remaining piece is not a single token.
     */
    public boolean resumesExactly(int at, int length) {
        if (at <= 0 || at >= length) return false;
        if (at == pieceStart(at)) return true;
        return isChunkStart(at) && pieceEnd(at, length) - at >= 2;
    }

    /**
     * The last position in {@code (0, limit]} where a sequence prefilling a prompt of {@code length} tokens can be
     * saved exactly: a piece boundary, or an exact split of the piece ({@link #splitsExactly}); 0 if none.
     */
    public int savePoint(int limit, int length) {
        limit = Math.min(limit, length);
        if (limit <= 0) return 0;
        int start = pieceStart(limit);
        if (limit == start) return limit;
        int step = Math.max(chunk, 1);
        for (int at = start + (limit - start) / step * step; at > start; at -= step) {
            if (splitsExactly(at, length)) return at;
        }
        return start;
    }
}

package dev.nemotron4j.train.data;

/** A deterministic, resumable stream of packed rows. */
public interface TrainingData {
    /** The next row of {@code length} tokens (packed from documents; a document longer than a row is split). */
    PackedSequence next(int length);
    /** Opaque position (e.g. document index + offset + RNG state), restorable with {@link #restore}. */
    byte[] position();
    void restore(byte[] position);
}

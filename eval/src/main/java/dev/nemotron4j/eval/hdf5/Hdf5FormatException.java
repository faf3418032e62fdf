package dev.nemotron4j.eval.hdf5;

/**
 * An HDF5 file this reader cannot read: corrupt, truncated, or using a feature outside the subset it supports. The
 * message names the file and, where known, the object path.
 */
public final class Hdf5FormatException extends IllegalArgumentException {
    public Hdf5FormatException(String message) {
        super(message);
    }

    public Hdf5FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

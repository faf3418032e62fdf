package dev.nemotron4j.eval.datasets.parquet;

/**
 * A Parquet file this reader cannot read: corrupt or truncated bytes, or a feature outside what it supports (a
 * compression codec, an encoding, nesting beyond one list level). The message names the file and, where one is
 * involved, the column.
 */
public final class ParquetException extends IllegalArgumentException {
    public ParquetException(String message) {
        super(message);
    }

    public ParquetException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.json.CanonicalJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Append-only record of finished samples, the run's crash-safety log. Each line is written whole and
 * forced to disk before the sample counts as done. After a kill the last line may be torn; reading
 * stops at the last complete line and {@link #open} truncates the torn tail so appends stay clean.
 */
public final class Journal implements AutoCloseable {
    private final FileChannel channel;

    private Journal(FileChannel channel) {
        this.channel = channel;
    }

    /** Reads the complete records of a journal (none if it does not exist). Duplicates keep the first. */
    public static Map<SampleKey, SampleRecord> read(Path file) {
        Map<SampleKey, SampleRecord> records = new LinkedHashMap<>();
        if (!Files.exists(file)) return records;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal " + file, e);
        }
        int start = 0;
        for (int nl; (nl = text.indexOf('\n', start)) >= 0; start = nl + 1) {
            String line = text.substring(start, nl);
            if (line.isBlank()) continue;
            SampleRecord record = CanonicalJson.bind(CanonicalJson.parse(line), SampleRecord.class);
            records.putIfAbsent(record.key(), record);
        }
        return records;
    }

    /** Opens for appending, first cutting off an incomplete last line left by a crash. */
    public static Journal open(Path file) {
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = ch.size();
            long keep = size;
            if (size > 0) {
                byte[] bytes = Files.readAllBytes(file);
                int lastNewline = -1;
                for (int i = bytes.length - 1; i >= 0; i--) if (bytes[i] == '\n') { lastNewline = i; break; }
                keep = lastNewline + 1;
            }
            ch.truncate(keep);
            ch.position(keep);
            return new Journal(ch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal " + file, e);
        }
    }

    /** Appends one record durably. Thread-safe. */
    public synchronized void append(SampleRecord record) {
        byte[] line = (CanonicalJson.canonical(record) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to journal", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

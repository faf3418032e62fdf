package dev.nemotron4j.engine.formats.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.weights.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes one {@code .safetensors} file tensor by tensor: the header (every name, dtype, shape and offset) is written
 * first from the declared {@link Entry entries}, then each tensor's bytes in declaration order, so a writer holds one
 * tensor at a time however large the file. The header is padded with spaces to a multiple of 8 bytes, as the reference
 * implementation does.
 */
public final class SafetensorsWriter implements AutoCloseable {

    /** A tensor to be written: its name, element type and shape. */
    public record Entry(String name, DType dtype, long[] shape) {
        public Entry {
            if (dtype.isQuantized()) throw new IllegalArgumentException(dtype + " is a GGUF block type, not a safetensors dtype");
            shape = shape.clone();
        }

        /** Bytes of its data. */
        public long bytes() {
            long n = dtype.bytes();
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final List<Entry> entries;
    private int next;

    private SafetensorsWriter(Path file, FileChannel channel, List<Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
    }

    /** Creates (or replaces) {@code file} with a header for {@code entries} and the optional {@code __metadata__}. */
    public static SafetensorsWriter create(Path file, List<Entry> entries, Map<String, String> metadata) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            if (header.has(e.name())) throw new IllegalArgumentException("tensor '" + e.name() + "' declared twice");
            ObjectNode t = header.putObject(e.name());
            t.put("dtype", e.dtype().name());
            var shape = t.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            var offsets = t.putArray("data_offsets");
            offsets.add(offset);
            offset += e.bytes();
            offsets.add(offset);
        }
        byte[] text;
        try {
            text = json.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (text.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(text);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            while (head.hasRemaining()) ch.write(head);
            return new SafetensorsWriter(file, ch, List.copyOf(entries));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The next declared tensor's data (little-endian bytes, exactly its size). */
    public void write(String name, ByteBuffer data) {
        Entry e = expect(name, data.remaining());
        try {
            while (data.hasRemaining()) channel.write(data);
        } catch (IOException ex) {
            throw new UncheckedIOException(file + ": cannot write tensor '" + e.name() + "': " + ex.getMessage(), ex);
        }
    }

    /** {@link #write(String, ByteBuffer)} from a memory segment (a mapped tensor copied as is, in chunks of 1 GiB). */
    public void write(String name, MemorySegment data) {
        Entry e = expect(name, data.byteSize());
        try {
            for (long at = 0; at < data.byteSize(); at += CHUNK) {
                ByteBuffer b = data.asSlice(at, Math.min(CHUNK, data.byteSize() - at)).asByteBuffer();
                while (b.hasRemaining()) channel.write(b);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(file + ": cannot write tensor '" + e.name() + "': " + ex.getMessage(), ex);
        }
    }

    private static final long CHUNK = 1L << 30;

    private Entry expect(String name, long bytes) {
        if (next >= entries.size()) throw new IllegalStateException(file + ": tensor '" + name + "' was not declared");
        Entry e = entries.get(next);
        if (!e.name().equals(name)) throw new IllegalStateException(file + ": tensor '" + name + "' written where '" + e.name() + "' was declared");
        if (bytes != e.bytes()) {
            throw new IllegalStateException(file + ": tensor '" + name + "' " + e.dtype() + Arrays.toString(e.shape()) + " needs " + e.bytes() + " bytes, got " + bytes);
        }
        next++;
        return e;
    }

    /** Closes the file; every declared tensor must have been written. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close: " + e.getMessage(), e);
        }
        if (next != entries.size()) {
            throw new IllegalStateException(file + ": " + (entries.size() - next) + " declared tensor(s) not written, first '" + entries.get(next).name() + "'");
        }
    }
}

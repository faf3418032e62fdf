package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.weights.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file the way llama.cpp's writers lay it out: header, metadata in insertion order, tensor
 * infos in insertion order with offsets aligned to 32 bytes, zero padding to the data section, then each
 * tensor's bytes padded with zeros to the alignment. Tensor data is streamed: {@link #begin} writes the
 * header once all tensors are declared, then {@link #writeTensorData} is called per tensor in declaration order,
 * so memory stays bounded whatever the model size.
 */
public final class GgufWriter implements AutoCloseable {

    /** A declared tensor: GGUF name, ggml dims ({@code ne}, innermost first) and type. */
    public record TensorDecl(String name, long[] ne, DType type) {
        public long elements() {
            long n = 1;
            for (long d : ne) n *= d;
            return n;
        }

        public long bytes() {
            return type.byteSize(elements());
        }
    }

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<TensorDecl> tensors = new ArrayList<>();
    private final int alignment = GgufFile.DEFAULT_ALIGNMENT;
    private final FileChannel out;
    private int next;
    private long written;

    public GgufWriter(Path file) throws IOException {
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    public void put(String key, GgufValue value) {
        if (metadata.put(key, value) != null) throw new IllegalArgumentException("duplicate key " + key);
    }

    public void declare(TensorDecl t) {
        tensors.add(t);
    }

    public List<TensorDecl> tensors() {
        return tensors;
    }

    /** Writes header, metadata and tensor infos, padded to the start of the data section. */
    public void begin() throws IOException {
        Buf b = new Buf();
        b.u32(GgufFile.MAGIC).u32(3).u64(tensors.size()).u64(metadata.size());
        for (var e : metadata.entrySet()) {
            b.str(e.getKey());
            switch (e.getValue()) {
                case GgufValue.U32 v -> b.u32(4).u32((int) v.value());
                case GgufValue.I32 v -> b.u32(5).u32(v.value());
                case GgufValue.F32 v -> b.u32(6).u32(Float.floatToRawIntBits(v.value()));
                case GgufValue.Bool v -> b.u32(7).u8(v.value() ? 1 : 0);
                case GgufValue.Str v -> b.u32(8).str(v.value());
                case GgufValue.I32Array v -> {
                    b.u32(9).u32(5).u64(v.values().length);
                    for (int x : v.values()) b.u32(x);
                }
                case GgufValue.StrArray v -> {
                    b.u32(9).u32(8).u64(v.values().size());
                    for (String s : v.values()) b.str(s);
                }
            }
        }
        long offset = 0;
        for (TensorDecl t : tensors) {
            b.str(t.name()).u32(t.ne().length);
            for (long d : t.ne()) b.u64(d);
            b.u32(GgmlType.id(t.type())).u64(offset);
            offset += GgufFile.alignUp(t.bytes(), alignment);
        }
        b.pad(alignment);
        b.flushTo(out);
        written = 0;
    }

    /** Appends the data of the next declared tensor (exactly its byte size), then the alignment padding. */
    public void writeTensorData(ByteBuffer data) throws IOException {
        TensorDecl t = tensors.get(next);
        if (data.remaining() != t.bytes()) throw new IllegalArgumentException(t.name() + ": " + data.remaining() + " bytes, expected " + t.bytes());
        writeChunk(data);
        finishTensor();
    }

    /** Streams part of the next tensor's data; call {@link #finishTensor} after the last part. */
    public void writeChunk(ByteBuffer data) throws IOException {
        written += data.remaining();
        while (data.hasRemaining()) out.write(data);
    }

    public void finishTensor() throws IOException {
        TensorDecl t = tensors.get(next);
        if (written != t.bytes()) throw new IllegalStateException(t.name() + ": wrote " + written + " bytes, expected " + t.bytes());
        long pad = GgufFile.alignUp(written, alignment) - written;
        out.write(ByteBuffer.allocate((int) pad));
        next++;
        written = 0;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Growing little-endian byte buffer for the header. */
    private static final class Buf {
        private ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
        }

        Buf u8(int v) { room(1); b.put((byte) v); return this; }
        Buf u32(int v) { room(4); b.putInt(v); return this; }
        Buf u64(long v) { room(8); b.putLong(v); return this; }

        Buf str(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            u64(bytes.length);
            room(bytes.length);
            b.put(bytes);
            return this;
        }

        void pad(int alignment) {
            int n = (int) (GgufFile.alignUp(b.position(), alignment) - b.position());
            room(n);
            b.put(new byte[n]);
        }

        void flushTo(FileChannel out) throws IOException {
            b.flip();
            while (b.hasRemaining()) out.write(b);
        }
    }
}

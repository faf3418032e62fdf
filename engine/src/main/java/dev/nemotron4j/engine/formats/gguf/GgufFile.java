package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A GGUF (version 2 or 3) file, memory-mapped: its metadata key/value pairs and its tensors under their
 * GGUF names. Every length, count, offset and size in the header is checked against the file, so a
 * truncated or corrupt file fails with a {@link ModelFormatException} naming the file and, where one is
 * involved, the key or tensor.
 *
 * <p>Tensor shapes are reported row-major (outermost first), i.e. ggml's {@code ne} reversed: a GGUF
 * {@code {H, V}} matrix is {@code [V, H]} here, as in the Hugging Face checkpoint it came from.
 *
 * <p>Metadata values are Java objects: integers up to 32 bits as {@link Integer} (UINT32 as {@link Long}),
 * 64-bit integers as {@link Long}, FLOAT32 as {@link Float}, FLOAT64 as {@link Double}, BOOL as
 * {@link Boolean}, STRING as {@link String}, ARRAY as an unmodifiable {@link List} of those.
 */
public final class GgufFile implements TensorSource {

    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;

    private final Path path;
    private final Arena arena;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, TensorInfo> tensors;
    private final long dataOffset;
    private final int alignment;

    private GgufFile(Path path, Arena arena, int version, Map<String, Object> metadata, Map<String, TensorInfo> tensors,
                     long dataOffset, int alignment) {
        this.path = path;
        this.arena = arena;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataOffset = dataOffset;
        this.alignment = alignment;
    }

    /** Maps and parses {@code path}. */
    public static GgufFile open(Path path) {
        return open(path, Long.MAX_VALUE);
    }

    /**
     * Maps and parses {@code path}, leaving metadata arrays of more than {@code maxArrayLength} elements out: they
     * are checked and stepped over and appear as a {@link SkippedArray}. For reading a model's configuration
     * without decoding its vocabulary (hundreds of thousands of token and merge strings).
     */
    public static GgufFile open(Path path, long maxArrayLength) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment all = ch.size() == 0 ? MemorySegment.ofArray(new byte[0]) : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return parse(path, arena, all, maxArrayLength);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ModelFormatException(path + ": file not found");
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment all, long maxArrayLength) {
        Reader r = new Reader(path, all, maxArrayLength);
        r.context = "header";
        if (all.byteSize() < 4 || r.u32() != MAGIC) throw new ModelFormatException(path + ": not a GGUF file (magic is not 'GGUF')");
        int version = r.u32();
        if (version != 2 && version != 3) throw new ModelFormatException(path + ": GGUF version " + Integer.toUnsignedString(version) + " is not supported (2 or 3)");
        long tensorCount = r.u64();
        long kvCount = r.u64();
        // Each tensor info and key/value pair takes at least 8+4+8 bytes: reject absurd counts before looping.
        if (tensorCount < 0 || kvCount < 0 || tensorCount > all.byteSize() / 24 || kvCount > all.byteSize() / 12) {
            throw new ModelFormatException(path + ": header declares " + Long.toUnsignedString(tensorCount) + " tensors and "
                    + Long.toUnsignedString(kvCount) + " metadata entries, more than the " + all.byteSize() + "-byte file can hold");
        }

        Map<String, Object> meta = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            r.context = "metadata entry " + i;
            String key = r.string();
            r.context = "metadata key '" + key + "'";
            int type = r.u32();
            Object value = r.value(type, 0);
            if (meta.putIfAbsent(key, value) != null) throw r.error("duplicate key");
        }
        int alignment = DEFAULT_ALIGNMENT;
        Object a = meta.get("general.alignment");
        if (a != null) {
            if (!(a instanceof Long || a instanceof Integer) || ((Number) a).longValue() <= 0 || Long.bitCount(((Number) a).longValue()) != 1
                    || ((Number) a).longValue() > (1 << 20)) {
                throw new ModelFormatException(path + ": metadata key 'general.alignment': " + a + " is not a power of two");
            }
            alignment = ((Number) a).intValue();
        }

        record Raw(String name, DType type, long[] shape, long offset) {}
        List<Raw> raws = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            r.context = "tensor info " + i;
            String name = r.string();
            r.context = "tensor '" + name + "'";
            int nDims = r.u32();
            if (nDims < 1 || nDims > MAX_DIMS) throw r.error(Integer.toUnsignedString(nDims) + " dimensions (1 to " + MAX_DIMS + " allowed)");
            long[] ne = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                ne[d] = r.u64();
                if (ne[d] <= 0 || ne[d] > all.byteSize() * 8) throw r.error("dimension " + d + " is " + Long.toUnsignedString(ne[d]));
                elements = Math.multiplyExact(elements, ne[d]);
            }
            int typeId = r.u32();
            DType type = GgmlType.toDType(typeId).orElseThrow(() -> r.error("ggml type " + GgmlType.describe(typeId) + " is not supported"));
            if (ne[0] % type.blockSize() != 0) throw r.error("rows of " + ne[0] + " are not whole " + type + " blocks of " + type.blockSize());
            long offset = r.u64();
            if (offset < 0 || offset % alignment != 0) throw r.error("data offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) shape[d] = ne[nDims - 1 - d];
            raws.add(new Raw(name, type, shape, offset));
        }
        long dataOffset = alignUp(r.pos, alignment);
        if (tensorCount > 0 && dataOffset > all.byteSize()) {
            throw new ModelFormatException(path + ": truncated: the tensor data section would start at byte " + dataOffset + " of " + all.byteSize());
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Raw t : raws) {
            long elements = 1;
            for (long d : t.shape) elements *= d;
            long bytes = t.type.byteSize(elements);
            long start = dataOffset + t.offset;
            if (start < dataOffset || start + bytes > all.byteSize()) {
                throw new ModelFormatException(path + ": tensor '" + t.name + "': data [" + start + ", " + (start + bytes) + ") lies beyond the end of the "
                        + all.byteSize() + "-byte file (truncated?)");
            }
            TensorInfo info = new TensorInfo(t.name, t.type, t.shape, all.asSlice(start, bytes), path);
            if (tensors.putIfAbsent(t.name, info) != null) throw new ModelFormatException(path + ": tensor '" + t.name + "' appears twice");
        }
        checkOverlaps(path, tensors);
        return new GgufFile(path, arena, version, Collections.unmodifiableMap(meta), Collections.unmodifiableMap(tensors), dataOffset, alignment);
    }

    private static void checkOverlaps(Path path, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort((x, y) -> Long.compare(x.data().address(), y.data().address()));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1), cur = sorted.get(i);
            if (prev.data().address() + prev.data().byteSize() > cur.data().address()) {
                throw new ModelFormatException(path + ": tensor '" + cur.name() + "' overlaps tensor '" + prev.name() + "'");
            }
        }
    }

    static long alignUp(long v, long alignment) {
        return (v + alignment - 1) / alignment * alignment;
    }

    /** Bounds-checked little-endian cursor over the header. */
    private static final class Reader {
        private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        final Path path;
        final MemorySegment seg;
        final long maxArrayLength;
        long pos;
        String context = "";

        Reader(Path path, MemorySegment seg, long maxArrayLength) {
            this.path = path;
            this.seg = seg;
            this.maxArrayLength = maxArrayLength;
        }

        ModelFormatException error(String what) {
            return new ModelFormatException(path + ": " + context + ": " + what);
        }

        private void need(long n) {
            if (n < 0 || pos + n > seg.byteSize()) {
                throw new ModelFormatException(path + ": truncated: " + context + " needs " + n + " bytes at offset " + pos + " of a "
                        + seg.byteSize() + "-byte file");
            }
        }

        byte u8() { need(1); return seg.get(ValueLayout.JAVA_BYTE, pos++); }
        short u16() { need(2); short v = seg.get(S, pos); pos += 2; return v; }
        int u32() { need(4); int v = seg.get(I, pos); pos += 4; return v; }
        long u64() { need(8); long v = seg.get(J, pos); pos += 8; return v; }

        String string() {
            long len = u64();
            if (len < 0 || len > seg.byteSize() - pos) {
                throw new ModelFormatException(path + ": truncated or corrupt: " + context + ": string of " + Long.toUnsignedString(len)
                        + " bytes at offset " + (pos - 8) + " exceeds the file");
            }
            byte[] b = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
            pos += len;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw error("string is not valid UTF-8");
            }
        }

        /** Steps over {@code n} elements of {@code type}, checking that they lie in the file. */
        void skip(int type, long n) {
            int size = switch (type) {
                case 0, 1, 7 -> 1;
                case 2, 3 -> 2;
                case 4, 5, 6 -> 4;
                case 10, 11, 12 -> 8;
                case 8 -> 0;
                case 9 -> throw error("nested arrays are not supported");
                default -> throw error("unknown value type " + Integer.toUnsignedString(type));
            };
            if (size > 0) {
                need(Math.multiplyExact(n, size));
                pos += n * size;
                return;
            }
            for (long i = 0; i < n; i++) {
                long len = u64();
                if (len < 0 || len > seg.byteSize() - pos) {
                    throw error("string of " + Long.toUnsignedString(len) + " bytes at offset " + (pos - 8) + " exceeds the file");
                }
                pos += len;
            }
        }

        Object value(int type, int depth) {
            return switch (type) {
                case 0 -> u8() & 0xFF;
                case 1 -> (int) u8();
                case 2 -> u16() & 0xFFFF;
                case 3 -> (int) u16();
                case 4 -> u32() & 0xFFFFFFFFL;
                case 5 -> u32();
                case 6 -> Float.intBitsToFloat(u32());
                case 7 -> {
                    byte b = u8();
                    if (b != 0 && b != 1) throw error("bool value " + b);
                    yield b == 1;
                }
                case 8 -> string();
                case 9 -> {
                    if (depth > 0) throw error("nested arrays are not supported");
                    int elemType = u32();
                    long n = u64();
                    if (n < 0 || n > seg.byteSize() - pos) throw error("array of " + Long.toUnsignedString(n) + " elements exceeds the file (truncated?)");
                    if (n > maxArrayLength) {
                        skip(elemType, n);
                        yield new SkippedArray(elemType, n);
                    }
                    List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 20));
                    for (long i = 0; i < n; i++) list.add(value(elemType, depth + 1));
                    yield Collections.unmodifiableList(list);
                }
                case 10, 11 -> u64();
                case 12 -> { need(8); double v = seg.get(D, pos); pos += 8; yield v; }
                default -> throw error("unknown value type " + Integer.toUnsignedString(type));
            };
        }
    }

    /** A metadata array left out by {@link #open(Path, long)}: its element type and length. */
    public record SkippedArray(int elementType, long length) {}

    /** The GGUF version (2 or 3). */
    public int version() {
        return version;
    }

    /** Every metadata key/value pair, in file order (including the tokenizer's {@code tokenizer.ggml.*} keys). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Tensors by GGUF name, in file order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Byte offset of the tensor data section. */
    public long dataOffset() {
        return dataOffset;
    }

    public int alignment() {
        return alignment;
    }

    /** The architecture ({@code general.architecture}). */
    public String architecture() {
        Object a = metadata.get("general.architecture");
        if (!(a instanceof String s)) throw new ModelFormatException(path + ": metadata key 'general.architecture' is missing or not a string");
        return s;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Path location() {
        return path;
    }

    @Override
    public void close() {
        arena.close();
    }
}

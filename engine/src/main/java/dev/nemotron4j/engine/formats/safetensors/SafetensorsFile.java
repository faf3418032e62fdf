package dev.nemotron4j.engine.formats.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file, memory-mapped: an 8-byte little-endian header length, a JSON header
 * mapping tensor names to {@code dtype}, {@code shape} and {@code data_offsets}, then raw little-endian
 * row-major data. Tensors are slices of the mapping; nothing is copied to the heap.
 *
 * <p>Everything in the header is validated before any tensor is handed out: every problem becomes a
 * {@link ModelFormatException} naming the file and tensor.
 */
public final class SafetensorsFile {

    /** Headers larger than this are rejected (the real 31.6B release needs about 1 MB per shard). */
    static final long MAX_HEADER_BYTES = 100L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Maps and validates {@code path}. The mapping lives as long as {@code arena}.
     *
     * @throws ModelFormatException if the file is missing, truncated or its header is malformed
     */
    public static SafetensorsFile open(Path path, Arena arena) {
        long size;
        MemorySegment whole;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(path + ": truncated safetensors file (" + size + " bytes, need at least 8 for the header length)");
            }
            whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": file not found");
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot read: " + e.getMessage(), e);
        }
        long headerLen = whole.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 2 || headerLen > size - 8) {
            throw new ModelFormatException(path + ": header length " + headerLen + " does not fit in the file ("
                    + size + " bytes): truncated or not a safetensors file");
        }
        if (headerLen > MAX_HEADER_BYTES) {
            throw new ModelFormatException(path + ": header length " + headerLen + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        byte[] headerBytes = whole.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = JSON.readTree(headerBytes);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(path + ": malformed JSON header: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelFormatException(path + ": unreadable JSON header: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelFormatException(path + ": header is not a JSON object");
        }
        MemorySegment data = whole.asSlice(8 + headerLen);
        return parse(path, header, data);
    }

    private static SafetensorsFile parse(Path path, JsonNode header, MemorySegment data) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        record Span(String name, long begin, long end) {}
        List<Span> spans = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode node = e.getValue();
            if (name.equals("__metadata__")) {
                if (node.isObject()) node.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            String where = path + ": tensor '" + name + "'";
            if (!node.isObject()) throw new ModelFormatException(where + ": header entry is not an object");
            JsonNode dt = node.get("dtype");
            if (dt == null || !dt.isTextual()) throw new ModelFormatException(where + ": missing or non-string 'dtype'");
            DType dtype = DType.fromSafetensorsName(dt.asText())
                    .orElseThrow(() -> new ModelFormatException(where + ": unknown dtype '" + dt.asText() + "'"));
            long[] shape = longArray(node.get("shape"), where, "shape", -1);
            long[] offsets = longArray(node.get("data_offsets"), where, "data_offsets", 2);
            long count = 1;
            try {
                for (long d : shape) count = Math.multiplyExact(count, d);
                count = Math.multiplyExact(count, (long) dtype.bytes());
            } catch (ArithmeticException overflow) {
                throw new ModelFormatException(where + ": shape " + java.util.Arrays.toString(shape) + " overflows");
            }
            long begin = offsets[0], end = offsets[1];
            if (begin > end) throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end + "] are reversed");
            if (end > data.byteSize()) {
                throw new ModelFormatException(where + ": data_offsets [" + begin + ", " + end + "] exceed the data section ("
                        + data.byteSize() + " bytes): file truncated or header corrupt");
            }
            if (end - begin != count) {
                throw new ModelFormatException(where + ": " + dtype + java.util.Arrays.toString(shape) + " needs " + count
                        + " bytes but data_offsets span " + (end - begin));
            }
            tensors.put(name, new TensorInfo(name, dtype, shape, data.asSlice(begin, end - begin), path));
            spans.add(new Span(name, begin, end));
        }
        spans.sort(Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
        for (int i = 1; i < spans.size(); i++) {
            Span a = spans.get(i - 1), b = spans.get(i);
            if (b.begin() < a.end() && b.end() > b.begin() && a.end() > a.begin()) {
                throw new ModelFormatException(path + ": tensors '" + a.name() + "' and '" + b.name() + "' overlap in the data section");
            }
        }
        return new SafetensorsFile(path, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static long[] longArray(JsonNode node, String where, String field, int expectedLength) {
        if (node == null || !node.isArray()) throw new ModelFormatException(where + ": missing or non-array '" + field + "'");
        if (expectedLength >= 0 && node.size() != expectedLength) {
            throw new ModelFormatException(where + ": '" + field + "' must have " + expectedLength + " entries, has " + node.size());
        }
        if (node.size() > 8) throw new ModelFormatException(where + ": '" + field + "' has " + node.size() + " entries (rank too large)");
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new ModelFormatException(where + ": '" + field + "' entry " + i + " is not a non-negative integer: " + v);
            }
            out[i] = v.asLong();
        }
        return out;
    }

    public Path path() {
        return path;
    }

    /** Tensors in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The optional {@code __metadata__} string map. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Convenience for tools and tests: whether a file looks like safetensors (exists, at least 8 bytes). */
    public static boolean looksLikeSafetensors(Path p) {
        try {
            return Files.isRegularFile(p) && Files.size(p) >= 8;
        } catch (IOException e) {
            return false;
        }
    }
}

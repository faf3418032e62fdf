package dev.nemotron4j.eval.datasets.parquet;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads one column chunk's pages into levels and values: an optional dictionary page (PLAIN entries), then data pages
 * v1 (repetition levels, definition levels, values, all behind the codec; levels RLE with a 4-byte length) or v2
 * (levels first, uncompressed, lengths in the header; then the values, compressed unless the header says not). Values
 * are PLAIN, dictionary indices (PLAIN_DICTIONARY / RLE_DICTIONARY: a bit-width byte then RLE/bit-packed indices) or,
 * for booleans, RLE. Codecs: UNCOMPRESSED, SNAPPY, GZIP. Uncompressed pages are read in place from the mapped file.
 */
final class ColumnChunkReader {
    private static final List<String> CODECS = List.of("UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW");
    private static final List<String> ENCODINGS = List.of("PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
            "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT", "ALP");
    private static final int PLAIN = 0, PLAIN_DICTIONARY = 2, RLE = 3, RLE_DICTIONARY = 8;
    private static final int UNCOMPRESSED = 0, SNAPPY = 1, GZIP = 2;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Entries of one chunk held at once (levels and values): far above any evaluation dataset's row group. */
    static final int MAX_ENTRIES = 1 << 25;

    /**
     * A chunk's entries: levels for every entry, values for the present ones, in order.
     *
     * @param entries the number of entries (values, nulls, empty lists)
     * @param def     definition levels ({@code null} when the column's maximum is 0: all present)
     * @param rep     repetition levels ({@code null} for a scalar column)
     * @param values  the present values, in entry order
     */
    record Entries(int entries, int[] def, int[] rep, JsonNode[] values, int valueCount) {}

    private final PlainDecoder plain = new PlainDecoder();

    /**
     * @param file  the whole file, mapped
     * @param limit   where the column chunks end (the footer's start)
     * @param numRows the row group's rows
     */
    Entries read(MemorySegment file, long limit, FileMetadata.ColumnChunk chunk, FieldColumn column, int numRows) {
        if (chunk.type() != column.physicalType()) {
            throw new ParquetException("the chunk's type " + FieldColumn.typeName(chunk.type()) + " differs from the schema's " + FieldColumn.typeName(column.physicalType()));
        }
        if (chunk.codec() != UNCOMPRESSED && chunk.codec() != SNAPPY && chunk.codec() != GZIP) {
            throw new ParquetException("compression " + name(CODECS, chunk.codec()) + " is not supported (UNCOMPRESSED, SNAPPY, GZIP)");
        }
        long start = chunk.start();
        long end = start + chunk.totalCompressedSize();
        if (start < 4 || chunk.totalCompressedSize() < 0 || end > limit) {
            throw new ParquetException("the column chunk [" + start + ", " + end + ") lies outside the file's data [4, " + limit + ") (corrupt or truncated)");
        }
        long total = chunk.numValues();
        // a scalar column has one entry per row, a list column at least one; RLE levels can describe millions of
        // null entries in a few bytes, so the chunk's size bounds nothing: the row count and a cap do
        if (column.isList() ? total < numRows : total != numRows) {
            throw new ParquetException("corrupt metadata: " + total + " entries for " + numRows + " rows");
        }
        if (total > MAX_ENTRIES) {
            throw new ParquetException(total + " entries in one column chunk; at most " + MAX_ENTRIES + " are supported");
        }
        int n = (int) total;
        int[] def = column.maxDef() > 0 ? new int[n] : null;
        int[] rep = column.maxRep() > 0 ? new int[n] : null;
        JsonNode[] values = new JsonNode[n];
        int entries = 0, valueCount = 0;
        JsonNode[] dictionary = null;
        long pos = start;
        while (entries < n) {
            if (pos >= end) throw new ParquetException("the column chunk ends after " + entries + " of " + n + " values (corrupt or truncated)");
            ThriftCompactReader thrift = new ThriftCompactReader(file, pos, end);
            PageHeader page = PageHeader.of(thrift.readStruct("PageHeader"));
            long body = thrift.position();
            if (page.compressedSize() > end - body) {
                throw new ParquetException("a page of " + page.compressedSize() + " bytes at byte " + body + " runs past its column chunk (corrupt or truncated)");
            }
            MemorySegment raw = file.asSlice(body, page.compressedSize());
            pos = body + page.compressedSize();
            switch (page.type()) {
                case PageHeader.INDEX_PAGE -> { }
                case PageHeader.DICTIONARY_PAGE -> {
                    if (page.encoding() != PLAIN && page.encoding() != PLAIN_DICTIONARY) {
                        throw new ParquetException("dictionary page encoding " + name(ENCODINGS, page.encoding()) + " is not supported (PLAIN)");
                    }
                    if (page.numValues() < 0 || page.numValues() > page.uncompressedSize() * 8L + 8) {
                        throw new ParquetException("corrupt dictionary page: " + page.numValues() + " entries in " + page.uncompressedSize() + " bytes");
                    }
                    MemorySegment data = decompress(chunk.codec(), raw, page.uncompressedSize());
                    dictionary = new JsonNode[page.numValues()];
                    plain.decode(data, 0, data.byteSize(), column.kind(), page.numValues(), dictionary, 0);
                }
                case PageHeader.DATA_PAGE, PageHeader.DATA_PAGE_V2 -> {
                    int count = page.numValues();
                    if (count < 0 || count > n - entries) {
                        throw new ParquetException("a data page of " + count + " values after " + entries + " of the chunk's " + n + " (corrupt)");
                    }
                    MemorySegment data;
                    long at;
                    if (page.type() == PageHeader.DATA_PAGE) {
                        data = decompress(chunk.codec(), raw, page.uncompressedSize());
                        at = 0;
                        if (rep != null) at = levelsV1(data, at, page.repLevelEncoding(), column.maxRep(), rep, entries, count, "repetition levels");
                        if (def != null) at = levelsV1(data, at, page.defLevelEncoding(), column.maxDef(), def, entries, count, "definition levels");
                    } else {
                        long levels = page.repLevelsLength() + (long) page.defLevelsLength();
                        if (rep != null) {
                            RleBitPackedHybrid.decode(raw, 0, page.repLevelsLength(), RleBitPackedHybrid.bitWidth(column.maxRep()), rep, entries, count, "repetition levels");
                        }
                        if (def != null) {
                            RleBitPackedHybrid.decode(raw, page.repLevelsLength(), levels, RleBitPackedHybrid.bitWidth(column.maxDef()), def, entries, count, "definition levels");
                        }
                        MemorySegment rest = raw.asSlice(levels);
                        data = page.compressed() ? decompress(chunk.codec(), rest, page.uncompressedSize() - (int) levels) : rest;
                        at = 0;
                    }
                    checkLevels(def, column.maxDef(), entries, count, "definition");
                    checkLevels(rep, column.maxRep(), entries, count, "repetition");
                    int present = 0;
                    if (def == null) present = count;
                    else for (int i = entries; i < entries + count; i++) if (def[i] == column.maxDef()) present++;
                    values(data, at, page.encoding(), column, dictionary, present, values, valueCount);
                    entries += count;
                    valueCount += present;
                }
                default -> throw new AssertionError(page.type());
            }
        }
        return new Entries(entries, def, rep, values, valueCount);
    }

    private void values(MemorySegment data, long at, int encoding, FieldColumn column, JsonNode[] dictionary, int count,
                        JsonNode[] out, int offset) {
        long end = data.byteSize();
        switch (encoding) {
            case PLAIN -> plain.decode(data, at, end, column.kind(), count, out, offset);
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
                if (count == 0) return;
                if (dictionary == null) throw new ParquetException("a dictionary-encoded page without a dictionary page (corrupt)");
                if (at >= end) throw new ParquetException("a dictionary-encoded page without its bit width (corrupt or truncated)");
                int bitWidth = data.get(ValueLayout.JAVA_BYTE, at) & 0xff;
                int[] indices = new int[count];
                RleBitPackedHybrid.decode(data, at + 1, end, bitWidth, indices, 0, count, "dictionary indices");
                for (int i = 0; i < count; i++) {
                    int index = indices[i];
                    if (index < 0 || index >= dictionary.length) {
                        throw new ParquetException("dictionary index " + index + " outside the dictionary's " + dictionary.length + " entries (corrupt)");
                    }
                    out[offset + i] = dictionary[index];
                }
            }
            case RLE -> {
                if (column.kind() != FieldColumn.Kind.BOOLEAN) {
                    throw new ParquetException("RLE-encoded values of a " + column.kind() + " column are not supported (only booleans)");
                }
                if (end - at < 4) throw new ParquetException("RLE booleans without their length (corrupt or truncated)");
                long length = Integer.toUnsignedLong(data.get(INT, at));
                int[] bits = new int[count];
                RleBitPackedHybrid.decode(data, at + 4, Math.min(end, at + 4 + length), 1, bits, 0, count, "RLE booleans");
                for (int i = 0; i < count; i++) out[offset + i] = com.fasterxml.jackson.databind.node.BooleanNode.valueOf(bits[i] != 0);
            }
            default -> throw new ParquetException("encoding " + name(ENCODINGS, encoding) + " is not supported (PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, RLE for booleans)");
        }
    }

    /** v1 levels: RLE with a 4-byte length prefix. */
    private static long levelsV1(MemorySegment data, long at, int encoding, int max, int[] out, int offset, int count, String what) {
        if (encoding != RLE) throw new ParquetException(what + " encoding " + name(ENCODINGS, encoding) + " is not supported (RLE)");
        if (data.byteSize() - at < 4) throw new ParquetException(what + " without their length (corrupt or truncated)");
        long length = Integer.toUnsignedLong(data.get(INT, at));
        if (length > data.byteSize() - at - 4) throw new ParquetException(what + " of " + length + " bytes run past their page (corrupt)");
        RleBitPackedHybrid.decode(data, at + 4, at + 4 + length, RleBitPackedHybrid.bitWidth(max), out, offset, count, what);
        return at + 4 + length;
    }

    private static void checkLevels(int[] levels, int max, int from, int count, String what) {
        if (levels == null) return;
        for (int i = from; i < from + count; i++) {
            if (levels[i] > max) throw new ParquetException(what + " level " + levels[i] + " above the column's maximum " + max + " (corrupt)");
        }
    }

    static MemorySegment decompress(int codec, MemorySegment raw, int uncompressedSize) {
        if (uncompressedSize < 0) throw new ParquetException("corrupt page header: negative uncompressed size");
        if (uncompressedSize == 0 && raw.byteSize() == 0) return raw;   // an empty values section (all nulls) some writers leave uncompressed
        return switch (codec) {
            case UNCOMPRESSED -> {
                if (raw.byteSize() != uncompressedSize) {
                    throw new ParquetException("an uncompressed page of " + raw.byteSize() + " bytes whose header says " + uncompressedSize + " (corrupt)");
                }
                yield raw;
            }
            case SNAPPY -> MemorySegment.ofArray(SnappyBlock.decompress(raw, uncompressedSize));
            case GZIP -> {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw.toArray(ValueLayout.JAVA_BYTE)))) {
                    byte[] out = in.readNBytes(uncompressedSize);
                    if (out.length != uncompressedSize || in.read() != -1) {
                        throw new ParquetException("a GZIP page that does not inflate to the " + uncompressedSize + " bytes its header says (corrupt)");
                    }
                    yield MemorySegment.ofArray(out);
                } catch (IOException e) {
                    throw new ParquetException("a corrupt GZIP page: " + e.getMessage(), e);
                }
            }
            default -> throw new AssertionError(codec);
        };
    }

    private static String name(List<String> names, int code) {
        return code >= 0 && code < names.size() ? names.get(code) : "#" + code;
    }
}

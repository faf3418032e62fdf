package dev.nemotron4j.eval.datasets.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Parquet file's rows as JSON objects, for {@code eval fetch} of datasets published only as Parquet (MMLU-Pro,
 * MMLU-ProX on Hugging Face). A small reader written from parquet-format's specification, not a general one: the
 * footer (PAR1 magic, Thrift compact {@code FileMetaData}), row groups and column chunks; data pages v1 and v2 and
 * dictionary pages; PLAIN and dictionary encodings (RLE for booleans); RLE/bit-packed definition and repetition
 * levels; columns that are scalars (BOOLEAN, INT32, INT64, FLOAT, DOUBLE, UTF-8 BYTE_ARRAY; optional or required) or
 * lists of such scalars one level deep; codecs UNCOMPRESSED, SNAPPY and GZIP. Anything else (ZSTD, LZ4, structs,
 * maps, deeper nesting, other encodings) and any corrupt or truncated byte is a {@link ParquetException} naming the
 * file and column. The file is memory-mapped, never read whole onto the heap; uncompressed pages are decoded in place.
 */
public final class ParquetFile {
    private static final int MAGIC = 0x31524150;          // "PAR1" read little-endian
    private static final int ENCRYPTED_MAGIC = 0x45524150; // "PARE"
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ParquetFile() {}

    /** Every row of {@code file}, in file order, each field under its column name in schema order. */
    public static List<ObjectNode> readRows(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            if (size < 12) throw new ParquetException(file + ": not a Parquet file (" + size + " bytes, too short for its magic and footer)");
            MemorySegment bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return read(bytes, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The rows of a Parquet file held in {@code bytes}; {@code name} labels messages. */
    static List<ObjectNode> read(MemorySegment bytes, String name) {
        try {
            return rows(bytes);
        } catch (ParquetException e) {
            throw new ParquetException(name + ": " + e.getMessage(), e);
        } catch (IndexOutOfBoundsException | ArithmeticException | NegativeArraySizeException e) {
            // every read is bounds-checked; this is the last guard, so corrupt bytes can never surface as a crash
            throw new ParquetException(name + ": corrupt Parquet data (" + e + ")", e);
        }
    }

    private static List<ObjectNode> rows(MemorySegment bytes) {
        long size = bytes.byteSize();
        if (size < 12) throw new ParquetException("not a Parquet file (" + size + " bytes, too short for its magic and footer)");
        int tail = bytes.get(INT, size - 4);
        if (tail == ENCRYPTED_MAGIC) throw new ParquetException("encrypted Parquet files (PARE) are not supported");
        if (bytes.get(INT, 0) != MAGIC || tail != MAGIC) {
            throw new ParquetException("not a Parquet file: no PAR1 magic at its " + (bytes.get(INT, 0) != MAGIC ? "start" : "end (truncated?)"));
        }
        long footerLength = Integer.toUnsignedLong(bytes.get(INT, size - 8));
        long footerStart = size - 8 - footerLength;
        if (footerLength == 0 || footerStart < 4) {
            throw new ParquetException("corrupt footer length " + footerLength + " in a file of " + size + " bytes");
        }
        ThriftCompactReader thrift = new ThriftCompactReader(bytes, footerStart, size - 8);
        FileMetadata meta = FileMetadata.of(thrift.readStruct("FileMetaData"));
        List<FieldColumn> fields = ParquetSchema.fields(meta.schema());
        if (meta.numRows() < 0 || meta.numRows() > Integer.MAX_VALUE - 8) throw new ParquetException("corrupt metadata: " + meta.numRows() + " rows");
        List<ObjectNode> rows = new ArrayList<>((int) Math.min(meta.numRows(), 1 << 20));
        ColumnChunkReader reader = new ColumnChunkReader();
        for (int g = 0; g < meta.rowGroups().size(); g++) {
            FileMetadata.RowGroup group = meta.rowGroups().get(g);
            if (group.numRows() < 0 || group.numRows() > meta.numRows()) throw new ParquetException("corrupt metadata: row group " + g + " has " + group.numRows() + " rows");
            int numRows = (int) group.numRows();
            Map<String, FileMetadata.ColumnChunk> chunks = new HashMap<>();
            for (FileMetadata.ColumnChunk c : group.columns()) chunks.put(String.join(".", c.path()), c);
            List<JsonNode[]> columns = new ArrayList<>();
            for (FieldColumn field : fields) {
                FileMetadata.ColumnChunk chunk = chunks.get(field.leafPath());
                if (chunk == null) throw new ParquetException("row group " + g + " has no column chunk for '" + field.leafPath() + "'");
                try {
                    columns.add(assemble(reader.read(bytes, footerStart, chunk, field, numRows), field, numRows));
                } catch (ParquetException e) {
                    throw new ParquetException("column '" + field.leafPath() + "' (row group " + g + "): " + e.getMessage(), e);
                }
            }
            for (int r = 0; r < numRows; r++) {
                ObjectNode row = JsonNodeFactory.instance.objectNode();
                for (int f = 0; f < fields.size(); f++) row.set(fields.get(f).name(), columns.get(f)[r]);
                rows.add(row);
            }
        }
        if (rows.size() != meta.numRows()) {
            throw new ParquetException("the row groups hold " + rows.size() + " rows, the footer says " + meta.numRows() + " (corrupt)");
        }
        return rows;
    }

    /** One JSON value per row from a chunk's levels and values. */
    private static JsonNode[] assemble(ColumnChunkReader.Entries e, FieldColumn field, int numRows) {
        JsonNode[] out = new JsonNode[numRows];
        int v = 0;
        if (!field.isList()) {
            if (e.entries() != numRows) throw new ParquetException(e.entries() + " entries for " + numRows + " rows (corrupt)");
            for (int i = 0; i < numRows; i++) {
                boolean present = e.def() == null || e.def()[i] == field.maxDef();
                out[i] = present ? e.values()[v++] : NullNode.getInstance();
            }
            return out;
        }
        int row = -1;
        ArrayNode current = null;
        for (int i = 0; i < e.entries(); i++) {
            int d = e.def() == null ? field.maxDef() : e.def()[i];
            if (e.rep()[i] == 0) {
                if (++row >= numRows) throw new ParquetException("more lists than the row group's " + numRows + " rows (corrupt)");
                if (d < field.listPresentFrom()) {
                    out[row] = NullNode.getInstance();
                    current = null;
                    continue;
                }
                current = JsonNodeFactory.instance.arrayNode();
                out[row] = current;
                if (d == field.listPresentFrom()) continue;   // an empty list
            } else if (current == null || d <= field.listPresentFrom()) {
                throw new ParquetException("entry " + i + " continues a list that is null or empty (corrupt levels)");
            }
            current.add(d == field.maxDef() ? e.values()[v++] : NullNode.getInstance());
        }
        if (row + 1 != numRows) throw new ParquetException((row + 1) + " lists for " + numRows + " rows (corrupt)");
        return out;
    }
}

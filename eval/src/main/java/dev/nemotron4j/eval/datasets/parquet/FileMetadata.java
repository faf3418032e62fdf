package dev.nemotron4j.eval.datasets.parquet;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of Parquet's footer ({@code FileMetaData} in parquet-format's parquet.thrift) this reader uses: the
 * flattened schema, the row count and the row groups with their column chunks.
 *
 * @param schema    the schema elements, depth first, the root first
 * @param numRows   rows in the file
 * @param rowGroups the row groups in file order
 * @param createdBy the writer, for messages (may be null)
 */
record FileMetadata(List<SchemaElement> schema, long numRows, List<RowGroup> rowGroups, String createdBy) {

    /**
     * One schema element.
     *
     * @param type          physical type (parquet.thrift's {@code Type}), null for groups
     * @param repetition    0 required, 1 optional, 2 repeated (null only for the root)
     * @param numChildren   children of a group, null for a leaf
     * @param convertedType the legacy annotation, or null
     * @param logicalType   the annotation's union field id (1 STRING, 3 LIST, 10 INTEGER, …), or null
     * @param intSigned     for the INTEGER annotation, whether it is signed
     */
    record SchemaElement(String name, Integer type, Integer repetition, Integer numChildren, Integer convertedType,
                         Integer logicalType, boolean intSigned) {
        static SchemaElement of(ThriftStruct s) {
            ThriftStruct logical = s.struct(10);
            int logicalId = logical == null ? -1 : logical.unionField();
            boolean signed = true;
            if (logicalId == 10) signed = logical.struct(10).bool(2, true);
            return new SchemaElement(s.requiredString(4, "name"), s.optionalInt(1, "type"), s.optionalInt(3, "repetition_type"),
                    s.optionalInt(5, "num_children"), s.optionalInt(6, "converted_type"), logicalId < 0 ? null : logicalId, signed);
        }
    }

    /** @param columns the column chunks, in schema leaf order */
    record RowGroup(List<ColumnChunk> columns, long numRows) {}

    /**
     * One column chunk's metadata ({@code ColumnChunk.meta_data}).
     *
     * @param path                 the leaf's path in the schema
     * @param type                 physical type
     * @param codec                compression codec (parquet.thrift's {@code CompressionCodec})
     * @param numValues            entries (values and nulls, leaf entries for lists)
     * @param totalCompressedSize  bytes of all its pages with their headers
     * @param dataPageOffset       the first data page
     * @param dictionaryPageOffset the dictionary page, or null
     */
    record ColumnChunk(List<String> path, int type, int codec, long numValues, long totalCompressedSize, long dataPageOffset,
                       Long dictionaryPageOffset) {
        /** Where the chunk's first page starts: the dictionary page when there is one. */
        long start() {
            return dictionaryPageOffset != null && dictionaryPageOffset > 0 && dictionaryPageOffset < dataPageOffset
                    ? dictionaryPageOffset : dataPageOffset;
        }
    }

    static FileMetadata of(ThriftStruct s) {
        List<SchemaElement> schema = new ArrayList<>();
        for (Object o : s.requiredList(2, "schema")) schema.add(SchemaElement.of(struct(o, "SchemaElement")));
        List<RowGroup> groups = new ArrayList<>();
        for (Object o : s.requiredList(4, "row_groups")) {
            ThriftStruct g = struct(o, "RowGroup");
            List<ColumnChunk> columns = new ArrayList<>();
            for (Object c : g.requiredList(1, "columns")) {
                ThriftStruct chunk = struct(c, "ColumnChunk");
                if (chunk.has(1)) throw new ParquetException("a column chunk stored in another file (" + chunk.requiredString(1, "file_path") + ") is not supported");
                if (chunk.has(8) || chunk.has(9)) throw new ParquetException("encrypted columns are not supported");
                ThriftStruct m = chunk.struct(3);
                if (m == null) throw new ParquetException("corrupt metadata: a column chunk without meta_data");
                List<String> path = new ArrayList<>();
                for (Object p : m.requiredList(3, "path_in_schema")) path.add(p instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(p));
                columns.add(new ColumnChunk(List.copyOf(path), m.requiredInt(1, "type"), m.requiredInt(4, "codec"),
                        m.requiredLong(5, "num_values"), m.requiredLong(7, "total_compressed_size"),
                        m.requiredLong(9, "data_page_offset"), m.optionalLong(11)));
            }
            groups.add(new RowGroup(List.copyOf(columns), g.requiredLong(3, "num_rows")));
        }
        String createdBy = s.has(6) ? s.requiredString(6, "created_by") : null;
        return new FileMetadata(List.copyOf(schema), s.requiredLong(3, "num_rows"), List.copyOf(groups), createdBy);
    }

    private static ThriftStruct struct(Object o, String what) {
        if (!(o instanceof ThriftStruct s)) throw new ParquetException("corrupt metadata: a " + what + " that is not a struct");
        return new ThriftStruct(what, s.fields());
    }
}

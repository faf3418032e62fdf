package dev.nemotron4j.eval.datasets.parquet;

/**
 * A page's header ({@code PageHeader} with its data, dictionary or v2 part, parquet.thrift).
 *
 * @param type               0 data page, 1 index page, 2 dictionary page, 3 data page v2
 * @param uncompressedSize   the page body's size once decompressed
 * @param compressedSize     the page body's size in the file
 * @param numValues          entries (data pages: values and nulls) or dictionary entries
 * @param encoding           the values' encoding
 * @param defLevelEncoding   v1: the definition levels' encoding
 * @param repLevelEncoding   v1: the repetition levels' encoding
 * @param defLevelsLength    v2: bytes of definition levels (never compressed)
 * @param repLevelsLength    v2: bytes of repetition levels (never compressed)
 * @param compressed         v2: whether the values section is compressed
 */
record PageHeader(int type, int uncompressedSize, int compressedSize, int numValues, int encoding, int defLevelEncoding,
                  int repLevelEncoding, int defLevelsLength, int repLevelsLength, boolean compressed) {
    static final int DATA_PAGE = 0, INDEX_PAGE = 1, DICTIONARY_PAGE = 2, DATA_PAGE_V2 = 3;

    static PageHeader of(ThriftStruct s) {
        int type = s.requiredInt(1, "type");
        int uncompressed = s.requiredInt(2, "uncompressed_page_size");
        int compressed = s.requiredInt(3, "compressed_page_size");
        if (uncompressed < 0 || compressed < 0) throw new ParquetException("corrupt page header: negative page size");
        return switch (type) {
            case DATA_PAGE -> {
                ThriftStruct d = part(s, 5, "DataPageHeader");
                yield new PageHeader(type, uncompressed, compressed, d.requiredInt(1, "num_values"), d.requiredInt(2, "encoding"),
                        d.requiredInt(3, "definition_level_encoding"), d.requiredInt(4, "repetition_level_encoding"), 0, 0, true);
            }
            case DICTIONARY_PAGE -> {
                ThriftStruct d = part(s, 7, "DictionaryPageHeader");
                yield new PageHeader(type, uncompressed, compressed, d.requiredInt(1, "num_values"), d.requiredInt(2, "encoding"),
                        0, 0, 0, 0, true);
            }
            case DATA_PAGE_V2 -> {
                ThriftStruct d = part(s, 8, "DataPageHeaderV2");
                int defLength = d.requiredInt(5, "definition_levels_byte_length");
                int repLength = d.requiredInt(6, "repetition_levels_byte_length");
                if (defLength < 0 || repLength < 0 || (long) defLength + repLength > compressed) {
                    throw new ParquetException("corrupt page header: level lengths " + repLength + " + " + defLength + " exceed the page's " + compressed + " bytes");
                }
                yield new PageHeader(type, uncompressed, compressed, d.requiredInt(1, "num_values"), d.requiredInt(4, "encoding"),
                        3, 3, defLength, repLength, d.bool(7, true));
            }
            case INDEX_PAGE -> new PageHeader(type, uncompressed, compressed, 0, 0, 0, 0, 0, 0, true);
            default -> throw new ParquetException("corrupt page header: unknown page type " + type);
        };
    }

    private static ThriftStruct part(ThriftStruct s, int id, String name) {
        ThriftStruct part = s.struct(id);
        if (part == null) throw new ParquetException("corrupt page header: no " + name);
        return new ThriftStruct(name, part.fields());
    }
}

package dev.nemotron4j.eval.datasets.parquet;

import dev.nemotron4j.eval.datasets.parquet.FieldColumn.Kind;
import dev.nemotron4j.eval.datasets.parquet.FileMetadata.SchemaElement;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the footer's flattened schema (depth first, each group followed by its children) into the top-level fields
 * this reader supports: scalars, and lists of scalars one level deep. Anything else (structs, maps, lists of lists or
 * of structs, legacy two-level lists, binary without a string annotation, INT96, fixed-length byte arrays, decimals,
 * timestamps) is refused here, naming the column, before any data is read.
 */
final class ParquetSchema {
    private static final int REQUIRED = 0, OPTIONAL = 1, REPEATED = 2;
    private static final int BOOLEAN = 0, INT32 = 1, INT64 = 2, FLOAT = 4, DOUBLE = 5, BYTE_ARRAY = 6;
    // converted types (parquet.thrift ConvertedType) and logical type union ids (LogicalType)
    private static final int CT_UTF8 = 0, CT_MAP = 1, CT_MAP_KEY_VALUE = 2, CT_LIST = 3, CT_ENUM = 4, CT_UINT_8 = 11, CT_UINT_16 = 12,
            CT_UINT_32 = 13, CT_UINT_64 = 14, CT_INT_8 = 15, CT_INT_16 = 16, CT_INT_32 = 17, CT_INT_64 = 18, CT_JSON = 19;
    private static final int LT_STRING = 1, LT_MAP = 2, LT_LIST = 3, LT_ENUM = 4, LT_INTEGER = 10, LT_JSON = 12;
    private static final List<String> CONVERTED_NAMES = List.of("UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE",
            "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8",
            "INT_16", "INT_32", "INT_64", "JSON", "BSON", "INTERVAL");

    private ParquetSchema() {}

    /** A schema element with its children. */
    private record Node(SchemaElement element, List<Node> children) {
        boolean isGroup() { return element.type() == null; }
        int repetition() { return element.repetition() == null ? REQUIRED : element.repetition(); }
        String name() { return element.name(); }
    }

    static List<FieldColumn> fields(List<SchemaElement> elements) {
        if (elements.isEmpty()) throw new ParquetException("corrupt metadata: an empty schema");
        int[] next = {0};
        Node root = node(elements, next, 0);
        if (next[0] != elements.size()) throw new ParquetException("corrupt metadata: the schema has " + (elements.size() - next[0]) + " elements outside the root");
        List<FieldColumn> fields = new ArrayList<>();
        for (Node child : root.children()) fields.add(field(child));
        return fields;
    }

    private static Node node(List<SchemaElement> elements, int[] next, int depth) {
        if (next[0] >= elements.size()) throw new ParquetException("corrupt metadata: the schema ends inside a group");
        if (depth > 100) throw new ParquetException("corrupt metadata: the schema nests deeper than 100 levels");
        SchemaElement e = elements.get(next[0]++);
        List<Node> children = new ArrayList<>();
        int count = e.numChildren() == null ? 0 : e.numChildren();
        if (e.type() == null && e.numChildren() == null) throw new ParquetException("corrupt metadata: element '" + e.name() + "' has neither a type nor children");
        for (int i = 0; i < count; i++) children.add(node(elements, next, depth + 1));
        return new Node(e, children);
    }

    private static FieldColumn field(Node top) {
        String name = top.name();
        if (!top.isGroup()) {
            if (top.repetition() == REPEATED) {
                throw new ParquetException("column '" + name + "': a bare repeated field (legacy two-level list) is not supported");
            }
            int maxDef = top.repetition() == OPTIONAL ? 1 : 0;
            return new FieldColumn(name, name, top.element().type(), kind(top.element(), name), maxDef, 0, 0);
        }
        SchemaElement g = top.element();
        boolean list = is(g.convertedType(), CT_LIST) || is(g.logicalType(), LT_LIST);
        boolean map = is(g.convertedType(), CT_MAP) || is(g.convertedType(), CT_MAP_KEY_VALUE) || is(g.logicalType(), LT_MAP);
        if (map) throw new ParquetException("column '" + name + "': maps are not supported (only scalars and lists of scalars)");
        if (!list) throw new ParquetException("column '" + name + "': nested structs are not supported (only scalars and lists of scalars)");
        if (top.children().size() != 1 || top.children().getFirst().repetition() != REPEATED) {
            throw new ParquetException("column '" + name + "': a LIST group must hold exactly one repeated field");
        }
        Node repeated = top.children().getFirst();
        if (!repeated.isGroup()) {
            throw new ParquetException("column '" + name + "': a two-level list (repeated " + repeated.name() + " directly in the LIST group) is not supported");
        }
        if (repeated.children().size() != 1) {
            throw new ParquetException("column '" + name + "': a list of structs is not supported (only lists of scalars)");
        }
        Node element = repeated.children().getFirst();
        if (element.isGroup()) {
            throw new ParquetException("column '" + name + "': lists of lists or of structs are not supported (only one list level of scalars)");
        }
        if (element.repetition() == REPEATED) {
            throw new ParquetException("column '" + name + "': a repeated list element is not supported");
        }
        String path = name + "." + repeated.name() + "." + element.name();
        int presentFrom = top.repetition() == OPTIONAL ? 1 : 0;
        int maxDef = presentFrom + 1 + (element.repetition() == OPTIONAL ? 1 : 0);
        return new FieldColumn(name, path, element.element().type(), kind(element.element(), path), maxDef, 1, presentFrom);
    }

    private static Kind kind(SchemaElement e, String column) {
        int type = e.type();
        Integer ct = e.convertedType();
        Integer lt = e.logicalType();
        String annotation = ct != null ? (ct >= 0 && ct < CONVERTED_NAMES.size() ? CONVERTED_NAMES.get(ct) : "converted type " + ct)
                : lt != null ? "logical type " + lt : null;
        Kind kind = switch (type) {
            case BOOLEAN -> ct == null && lt == null ? Kind.BOOLEAN : null;
            case INT32 -> {
                if (ct == null && lt == null) yield Kind.INT32;
                if (is(ct, CT_INT_8) || is(ct, CT_INT_16) || is(ct, CT_INT_32)) yield Kind.INT32;
                if (is(ct, CT_UINT_8) || is(ct, CT_UINT_16) || is(ct, CT_UINT_32)) yield Kind.UINT32;
                if (ct == null && is(lt, LT_INTEGER)) yield e.intSigned() ? Kind.INT32 : Kind.UINT32;
                yield null;
            }
            case INT64 -> {
                if (ct == null && lt == null) yield Kind.INT64;
                if (is(ct, CT_INT_64)) yield Kind.INT64;
                if (is(ct, CT_UINT_64)) yield Kind.UINT64;
                if (ct == null && is(lt, LT_INTEGER)) yield e.intSigned() ? Kind.INT64 : Kind.UINT64;
                yield null;
            }
            case FLOAT -> ct == null && lt == null ? Kind.FLOAT : null;
            case DOUBLE -> ct == null && lt == null ? Kind.DOUBLE : null;
            case BYTE_ARRAY -> {
                if (is(ct, CT_UTF8) || is(ct, CT_ENUM) || is(ct, CT_JSON)) yield Kind.STRING;
                if (ct == null && (is(lt, LT_STRING) || is(lt, LT_ENUM) || is(lt, LT_JSON))) yield Kind.STRING;
                if (ct == null && lt == null) {
                    throw new ParquetException("column '" + column + "': BYTE_ARRAY without a string annotation (binary data) is not supported");
                }
                yield null;
            }
            default -> throw new ParquetException("column '" + column + "': physical type " + FieldColumn.typeName(type) + " is not supported"
                    + " (BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY strings)");
        };
        if (kind == null) {
            throw new ParquetException("column '" + column + "': " + FieldColumn.typeName(type) + " annotated " + annotation + " is not supported");
        }
        return kind;
    }

    private static boolean is(Integer annotation, int code) {
        return annotation != null && annotation == code;
    }
}

package dev.nemotron4j.eval.datasets.parquet;

import java.util.List;

/**
 * One top-level field as this reader reads it: a scalar column, or a list of scalars (a LIST-annotated group holding
 * one repeated group holding one scalar, parquet-format's three-level list), stored in one leaf column.
 *
 * <p>The leaf's definition level says how much of its path is present: for a list, below {@code listPresentFrom} the
 * list itself is null, at {@code listPresentFrom} it is empty, from {@code listPresentFrom + 1} an element is there
 * (null below {@code maxDef}); for a scalar, {@code maxDef} means a value and anything less null.
 *
 * @param name            the field's name (the JSON key)
 * @param leafPath        the leaf column's path, dotted ({@code options.list.element})
 * @param physicalType    the leaf's physical type
 * @param kind            how its values become JSON
 * @param maxDef          the leaf's maximum definition level
 * @param maxRep          the leaf's maximum repetition level (0 scalar, 1 list)
 * @param listPresentFrom for a list: the definition level of an empty (present) list
 */
record FieldColumn(String name, String leafPath, int physicalType, Kind kind, int maxDef, int maxRep, int listPresentFrom) {

    /** How a leaf's physical values become JSON values. */
    enum Kind { BOOLEAN, INT32, UINT32, INT64, UINT64, FLOAT, DOUBLE, STRING }

    boolean isList() {
        return maxRep > 0;
    }

    static final List<String> TYPE_NAMES = List.of("BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY");

    static String typeName(int type) {
        return type >= 0 && type < TYPE_NAMES.size() ? TYPE_NAMES.get(type) : "type " + type;
    }
}

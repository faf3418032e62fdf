package dev.nemotron4j.eval.datasets.parquet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One Thrift struct as the compact protocol decoded it, by field id: integers as {@link Long}, {@link Boolean},
 * {@link Double}, binary as {@code byte[]}, lists and sets as {@link List}, maps as {@link Map}, structs (and unions) as
 * {@link ThriftStruct}. Fields this reader does not know are decoded and ignored, which is how Thrift stays
 * compatible with newer writers.
 *
 * @param name   the Thrift struct's name, for messages
 * @param fields by field id
 */
record ThriftStruct(String name, Map<Integer, Object> fields) {

    boolean has(int id) {
        return fields.containsKey(id);
    }

    long requiredLong(int id, String field) {
        if (!(fields.get(id) instanceof Long v)) throw missing(id, field, "an integer");
        return v;
    }

    int requiredInt(int id, String field) {
        long v = requiredLong(id, field);
        if (v != (int) v) throw new ParquetException(name + "." + field + " = " + v + " does not fit in 32 bits");
        return (int) v;
    }

    Integer optionalInt(int id, String field) {
        return has(id) ? requiredInt(id, field) : null;
    }

    Long optionalLong(int id) {
        return fields.get(id) instanceof Long v ? v : null;
    }

    boolean bool(int id, boolean absent) {
        return fields.get(id) instanceof Boolean b ? b : absent;
    }

    String requiredString(int id, String field) {
        if (!(fields.get(id) instanceof byte[] v)) throw missing(id, field, "a string");
        return new String(v, StandardCharsets.UTF_8);
    }

    ThriftStruct struct(int id) {
        return fields.get(id) instanceof ThriftStruct s ? s : null;
    }

    List<?> requiredList(int id, String field) {
        if (!(fields.get(id) instanceof List<?> v)) throw missing(id, field, "a list");
        return v;
    }

    /** The id of the one field a Thrift union has set, or -1. */
    int unionField() {
        return fields.size() == 1 ? fields.keySet().iterator().next() : -1;
    }

    private ParquetException missing(int id, String field, String what) {
        return new ParquetException("corrupt metadata: " + name + "." + field + " (field " + id + ") should be " + what
                + (has(id) ? ", found " + fields.get(id).getClass().getSimpleName() : ", absent"));
    }
}

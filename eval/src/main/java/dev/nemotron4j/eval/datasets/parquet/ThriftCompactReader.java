package dev.nemotron4j.eval.datasets.parquet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Thrift's compact protocol, the encoding of Parquet's footer and page headers: a struct is a run of field
 * headers (field-id delta in the high nibble, type in the low one; delta 0 means a zigzag i16 id follows) ended by a
 * 0 byte; integers are zigzag varints, binary is a varint length then bytes, a list header packs its size (15 = a
 * varint follows) and element type. Every read is bounds-checked against {@code end}, so truncated or corrupt bytes
 * give a {@link ParquetException}, never an out-of-bounds crash or a huge allocation.
 */
final class ThriftCompactReader {
    private static final int STOP = 0, TRUE = 1, FALSE = 2, BYTE = 3, I16 = 4, I32 = 5, I64 = 6, DOUBLE = 7, BINARY = 8,
            LIST = 9, SET = 10, MAP = 11, STRUCT = 12;
    /** Parquet's metadata nests a handful of levels; anything deeper is corrupt (and would exhaust the stack). */
    private static final int MAX_DEPTH = 64;

    private final MemorySegment in;
    private final long end;
    private long pos;

    /** Reads {@code in} from {@code pos}, never past {@code end}. */
    ThriftCompactReader(MemorySegment in, long pos, long end) {
        this.in = in;
        this.pos = pos;
        this.end = Math.min(end, in.byteSize());
    }

    /** Where the next unread byte is. */
    long position() {
        return pos;
    }

    /** One struct from the current position; {@code name} labels it in messages. */
    ThriftStruct readStruct(String name) {
        return readStruct(name, 0);
    }

    private ThriftStruct readStruct(String name, int depth) {
        if (depth > MAX_DEPTH) throw corrupt("structs nested deeper than " + MAX_DEPTH);
        Map<Integer, Object> fields = new HashMap<>();
        int lastId = 0;
        while (true) {
            int header = readByte();
            int type = header & 0x0f;
            if (type == STOP) return new ThriftStruct(name, fields);
            int delta = header >>> 4;
            int id = delta != 0 ? lastId + delta : (int) zigzag(readVarint());
            lastId = id;
            Object value = switch (type) {
                case TRUE -> Boolean.TRUE;
                case FALSE -> Boolean.FALSE;
                default -> readValue(type, depth);
            };
            fields.put(id, value);
        }
    }

    private Object readValue(int type, int depth) {
        return switch (type) {
            case BYTE -> (long) (byte) readByte();
            case I16, I32, I64 -> zigzag(readVarint());
            case DOUBLE -> {
                need(8);
                double d = in.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), pos);
                pos += 8;
                yield d;
            }
            case BINARY -> {
                long n = readVarint();
                if (n < 0 || n > end - pos) throw corrupt("binary of " + n + " bytes with " + (end - pos) + " left");
                byte[] bytes = in.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
                pos += n;
                yield bytes;
            }
            case LIST, SET -> {
                int header = readByte();
                long size = header >>> 4;
                if (size == 15) size = readVarint();
                int elementType = header & 0x0f;
                checkCount(size);
                List<Object> list = new ArrayList<>((int) size);
                for (long i = 0; i < size; i++) list.add(readElement(elementType, depth + 1));
                yield list;
            }
            case MAP -> {
                long size = readVarint();
                checkCount(size);
                Map<Object, Object> map = new LinkedHashMap<>();
                if (size > 0) {
                    int types = readByte();
                    for (long i = 0; i < size; i++) {
                        Object key = readElement(types >>> 4, depth + 1);
                        map.put(key, readElement(types & 0x0f, depth + 1));
                    }
                }
                yield map;
            }
            case STRUCT -> readStruct("struct", depth + 1);
            default -> throw corrupt("unknown Thrift type " + type);
        };
    }

    /** Collection elements: booleans take a byte each (1 = true), other types as in fields. */
    private Object readElement(int type, int depth) {
        if (type == TRUE || type == FALSE) return readByte() == TRUE;
        return readValue(type, depth);
    }

    /** Every element takes at least one byte, so a count beyond the bytes left is corrupt (and no huge allocation). */
    private void checkCount(long size) {
        if (size < 0 || size > end - pos) throw corrupt("a collection of " + size + " elements with " + (end - pos) + " bytes left");
    }

    private int readByte() {
        need(1);
        return in.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
    }

    private long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw corrupt("a varint longer than 10 bytes");
    }

    private static long zigzag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }

    private void need(long n) {
        if (end - pos < n) throw corrupt("metadata ends early (truncated file?)");
    }

    private ParquetException corrupt(String what) {
        return new ParquetException("corrupt Thrift metadata at byte " + pos + ": " + what);
    }
}

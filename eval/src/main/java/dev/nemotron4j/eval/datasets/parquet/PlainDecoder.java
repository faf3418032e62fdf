package dev.nemotron4j.eval.datasets.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parquet's PLAIN encoding (parquet-format's encodings specification) of the supported kinds, straight to JSON values: booleans bit-packed least
 * significant bit first, 4- and 8-byte little-endian integers and IEEE floats, byte arrays as a 4-byte little-endian
 * length then the bytes (strings must be valid UTF-8). Floats widen to doubles, as Python's Parquet readers give them.
 */
final class PlainDecoder {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * Decodes {@code count} values from {@code [pos, end)} into {@code out[offset…]}.
     *
     * @return the position after the last value
     */
    long decode(MemorySegment in, long pos, long end, FieldColumn.Kind kind, int count, JsonNode[] out, int offset) {
        end = Math.min(end, in.byteSize());
        switch (kind) {
            case BOOLEAN -> {
                need(in, pos, end, (count + 7L) / 8, count, kind);
                for (int i = 0; i < count; i++) {
                    int b = in.get(ValueLayout.JAVA_BYTE, pos + (i >>> 3));
                    out[offset + i] = BooleanNode.valueOf(((b >>> (i & 7)) & 1) != 0);
                }
                return pos + (count + 7L) / 8;
            }
            case INT32, UINT32, FLOAT -> {
                need(in, pos, end, 4L * count, count, kind);
                for (int i = 0; i < count; i++, pos += 4) {
                    out[offset + i] = switch (kind) {
                        case INT32 -> IntNode.valueOf(in.get(INT, pos));
                        case UINT32 -> LongNode.valueOf(Integer.toUnsignedLong(in.get(INT, pos)));
                        default -> DoubleNode.valueOf(in.get(FLOAT, pos));
                    };
                }
                return pos;
            }
            case INT64, UINT64, DOUBLE -> {
                need(in, pos, end, 8L * count, count, kind);
                for (int i = 0; i < count; i++, pos += 8) {
                    out[offset + i] = switch (kind) {
                        case INT64 -> LongNode.valueOf(in.get(LONG, pos));
                        case UINT64 -> {
                            long v = in.get(LONG, pos);
                            yield v >= 0 ? LongNode.valueOf(v) : BigIntegerNode.valueOf(BigInteger.valueOf(v).add(TWO_64));
                        }
                        default -> DoubleNode.valueOf(in.get(DOUBLE, pos));
                    };
                }
                return pos;
            }
            case STRING -> {
                for (int i = 0; i < count; i++) {
                    need(in, pos, end, 4, count, kind);
                    long length = Integer.toUnsignedLong(in.get(INT, pos));
                    pos += 4;
                    if (length > end - pos) {
                        throw new ParquetException("a string of " + length + " bytes runs past its page (" + (end - pos) + " bytes left; corrupt or truncated)");
                    }
                    out[offset + i] = TextNode.valueOf(utf8(in.asSlice(pos, length)));
                    pos += length;
                }
                return pos;
            }
        }
        throw new AssertionError(kind);
    }

    private String utf8(MemorySegment bytes) {
        try {
            CharBuffer chars = utf8.decode(bytes.asByteBuffer());
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ParquetException("a string that is not valid UTF-8", e);
        }
    }

    private static void need(MemorySegment in, long pos, long end, long bytes, int count, FieldColumn.Kind kind) {
        if (bytes > end - pos) {
            throw new ParquetException(count + " PLAIN " + kind + " values need " + bytes + " bytes, the page has " + (end - pos) + " left (corrupt or truncated)");
        }
    }
}

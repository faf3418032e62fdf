package dev.nemotron4j.eval.hdf5;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A dataset's values. Numbers, enumerations and compounds come as their elements' bytes in C order, little-endian
 * ({@link #data()}); strings as their bytes, one per element, padding removed ({@link #strings()}).
 *
 * @param shape the dimensions; empty for a scalar
 */
public record Hdf5Data(Hdf5Datatype type, long[] shape, byte[] data, List<byte[]> strings) {

    public boolean isScalar() { return shape.length == 0; }

    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public boolean isString() { return strings != null; }

    /** Integer and float elements as doubles (for tests and diagnostics). */
    public double[] doubles() {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[(int) elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case Hdf5Datatype.FloatingPoint f when f.size() == 8 -> b.getDouble(i * 8);
                case Hdf5Datatype.FloatingPoint f when f.size() == 4 -> b.getFloat(i * 4);
                case Hdf5Datatype.FloatingPoint f -> Float.float16ToFloat(b.getShort(i * 2));
                case Hdf5Datatype.FixedPoint x -> x.signed() ? signed(b, i, x.size()) : unsigned(b, i, x.size());
                default -> throw new IllegalStateException("not numbers: " + type);
            };
        }
        return out;
    }

    private static double signed(ByteBuffer b, int i, int size) {
        return switch (size) {
            case 1 -> b.get(i);
            case 2 -> b.getShort(i * 2);
            case 4 -> b.getInt(i * 4);
            default -> b.getLong(i * 8);
        };
    }

    private static double unsigned(ByteBuffer b, int i, int size) {
        return switch (size) {
            case 1 -> b.get(i) & 0xff;
            case 2 -> b.getShort(i * 2) & 0xffff;
            case 4 -> Integer.toUnsignedLong(b.getInt(i * 4));
            default -> Double.parseDouble(Long.toUnsignedString(b.getLong(i * 8)));
        };
    }
}

package dev.nemotron4j.eval.hdf5;

import java.util.List;

/**
 * The element types this reader understands (the datatype message, class by class): integers, IEEE floats,
 * fixed-length and variable-length strings, compounds of those (h5py's complex numbers are a compound of two floats
 * {@code r} and {@code i}) and enumerations (h5py's booleans are an 8-bit enumeration {@code FALSE}, {@code TRUE}).
 * Other classes (time, bitfield, opaque, reference, array, variable-length sequences) are refused by the parser.
 */
public sealed interface Hdf5Datatype {

    /** Bytes per element as stored in the dataset. */
    int size();

    /** @param bigEndian whether the file stores it big-endian (values are returned little-endian) */
    record FixedPoint(int size, boolean signed, boolean bigEndian) implements Hdf5Datatype {}

    /** An IEEE 754 float of 2, 4 or 8 bytes. */
    record FloatingPoint(int size, boolean bigEndian) implements Hdf5Datatype {}

    /** @param utf8 UTF-8 (else ASCII) */
    record FixedString(int size, boolean utf8) implements Hdf5Datatype {}

    /** Each element a reference into a global heap: a 4-byte length, the collection's address, the object's index. */
    record VariableString(int size, boolean utf8) implements Hdf5Datatype {}

    record Member(String name, int offset, Hdf5Datatype type) {}

    record Compound(int size, List<Member> members) implements Hdf5Datatype {
        public Compound {
            members = List.copyOf(members);
        }
    }

    /** @param values each name's value, as the base type's little-endian integer */
    record Enumeration(int size, FixedPoint base, List<String> names, List<Long> values) implements Hdf5Datatype {
        public Enumeration {
            names = List.copyOf(names);
            values = List.copyOf(values);
        }

        /** Whether this is h5py's boolean: an enumeration of FALSE = 0 and TRUE = 1. */
        public boolean isBoolean() {
            return names.size() == 2 && names.get(0).equals("FALSE") && values.get(0) == 0 && names.get(1).equals("TRUE") && values.get(1) == 1;
        }
    }

    /** h5py's complex number: a compound of two floats of one size named r and i, at offsets 0 and the float's size. */
    static boolean isComplex(Hdf5Datatype type) {
        return type instanceof Compound c && c.members().size() == 2
                && c.members().get(0).name().equals("r") && c.members().get(1).name().equals("i")
                && c.members().get(0).type() instanceof FloatingPoint re && c.members().get(1).type() instanceof FloatingPoint im
                && re.size() == im.size() && c.members().get(0).offset() == 0 && c.members().get(1).offset() == re.size()
                && c.size() == 2 * re.size();
    }

    private static String className(int c) {
        return switch (c) {
            case 2 -> "time";
            case 4 -> "bitfield";
            case 5 -> "opaque";
            case 7 -> "reference";
            case 10 -> "array";
            default -> "class " + c;
        };
    }

    /** Parses a datatype message at the cursor (the cursor moves past it). */
    static Hdf5Datatype parse(Hdf5Cursor in, Hdf5File file, String path) {
        int classAndVersion = in.u8();
        int typeClass = classAndVersion & 0x0f;
        int version = classAndVersion >> 4;
        int bits = in.u8() | in.u8() << 8 | in.u8() << 16;
        long size = in.u32();
        if (size <= 0 || size > Integer.MAX_VALUE) throw file.error(path, "datatype of " + size + " bytes");
        int n = (int) size;
        return switch (typeClass) {
            case 0 -> {
                in.skip(4);   // bit offset, precision
                yield new FixedPoint(n, (bits & 8) != 0, (bits & 1) != 0);   // bit 0: byte order, bit 3: signed
            }
            case 1 -> {
                if ((bits & 0x41) == 0x40 || (bits & 0x41) == 0x41) throw file.error(path, "a VAX-ordered float, which is not supported");
                in.skip(12);   // offsets, exponent and mantissa layout, bias: IEEE layouts are implied by the size
                if (n != 2 && n != 4 && n != 8) throw file.error(path, "a " + (8 * n) + "-bit float (supported: 16, 32, 64 bits)");
                yield new FloatingPoint(n, (bits & 1) != 0);
            }
            case 3 -> new FixedString(n, ((bits >> 4) & 0xf) == 1);
            case 6 -> compound(in, file, path, version, bits & 0xffff, n);
            case 8 -> enumeration(in, file, path, version, bits & 0xffff, n);
            case 9 -> {
                int kind = bits & 0xf;
                Hdf5Datatype base = parse(in, file, path);
                if (kind != 1) throw file.error(path, "a variable-length sequence of " + base + " (only variable-length strings are supported)");
                yield new VariableString(n, ((bits >> 8) & 0xf) == 1);
            }
            default -> throw file.error(path, "datatype " + className(typeClass) + ", which is not supported");
        };
    }

    private static Compound compound(Hdf5Cursor in, Hdf5File file, String path, int version, int count, int size) {
        List<Member> members = new java.util.ArrayList<>();
        for (int m = 0; m < count; m++) {
            long nameStart = in.position();
            String name = in.nullTerminated();
            if (version < 3) in.seek(nameStart + roundUp8(in.position() - nameStart));
            int offset;
            if (version < 3) {
                offset = (int) in.u32();
                if (version == 1) {
                    int dims = in.u8();
                    in.skip(3 + 4 + 4 + 16);   // reserved, permutation, reserved, four dimension sizes
                    if (dims != 0) throw file.error(path, "compound member '" + name + "' is an array (not supported)");
                }
            } else {
                int width = size < 1 << 8 ? 1 : size < 1 << 16 ? 2 : size < 1 << 24 ? 3 : 4;
                offset = (int) in.uint(width);
            }
            members.add(new Member(name, offset, parse(in, file, path)));
        }
        return new Compound(size, members);
    }

    private static Enumeration enumeration(Hdf5Cursor in, Hdf5File file, String path, int version, int count, int size) {
        Hdf5Datatype base = parse(in, file, path);
        if (!(base instanceof FixedPoint fixed)) throw file.error(path, "an enumeration over " + base + " (only integer bases are supported)");
        List<String> names = new java.util.ArrayList<>();
        for (int m = 0; m < count; m++) {
            long start = in.position();
            names.add(in.nullTerminated());
            if (version < 3) in.seek(start + roundUp8(in.position() - start));
        }
        List<Long> values = new java.util.ArrayList<>();
        for (int m = 0; m < count; m++) {
            byte[] raw = in.bytes(fixed.size());
            long v = 0;
            for (int i = 0; i < raw.length; i++) v |= (raw[fixed.bigEndian() ? raw.length - 1 - i : i] & 0xffL) << (8 * i);
            values.add(v);
        }
        return new Enumeration(size, fixed, names, values);
    }

    private static long roundUp8(long n) {
        return (n + 7) & ~7L;
    }
}

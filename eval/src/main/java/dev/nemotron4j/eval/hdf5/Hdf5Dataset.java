package dev.nemotron4j.eval.hdf5;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset: its shape (dataspace), element type (datatype) and where its bytes lie (layout: compact, contiguous, or
 * chunked with a version-1 B-tree, optionally deflated and shuffled). {@link #read()} returns all of it.
 */
public final class Hdf5Dataset implements Hdf5Object {
    /** The largest dataset read at once. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final Hdf5File file;
    private final String path;
    private final long[] shape;
    private final Hdf5Datatype type;
    private final List<ObjectHeader.Message> messages;

    Hdf5Dataset(Hdf5File file, String path, List<ObjectHeader.Message> messages) {
        this.file = file;
        this.path = path;
        this.messages = messages;
        this.shape = dataspace(ObjectHeader.find(messages, ObjectHeader.DATASPACE));
        this.type = Hdf5Datatype.parse(new Hdf5Cursor(file, ObjectHeader.find(messages, ObjectHeader.DATATYPE).start()), file, path);
    }

    @Override
    public String path() { return path; }

    public long[] shape() { return shape.clone(); }

    public Hdf5Datatype type() { return type; }

    private long[] dataspace(ObjectHeader.Message m) {
        Hdf5Cursor in = new Hdf5Cursor(file, m.start());
        int version = in.u8();
        int rank = in.u8();
        int flags = in.u8();
        if (version == 1) {
            in.skip(5);
        } else if (version == 2) {
            int kind = in.u8();
            if (kind == 2) throw file.error(path, "a null dataspace (an empty dataset holding no value), which is not supported");
        } else {
            throw file.error(path, "dataspace version " + version + " (supported: 1, 2)");
        }
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) dims[i] = in.length();
        return dims;
    }

    /** Reads the whole dataset. */
    public Hdf5Data read() {
        long count = 1;
        for (long d : shape) count = Math.multiplyExact(count, d);
        long bytes = Math.multiplyExact(count, (long) type.size());
        if (bytes > MAX_BYTES) throw file.error(path, "holds " + bytes + " bytes, more than this reader loads at once");
        byte[] raw = storage((int) bytes);
        return switch (type) {
            case Hdf5Datatype.FixedString s -> new Hdf5Data(type, shape.clone(), null, fixedStrings(raw, s.size(), (int) count));
            case Hdf5Datatype.VariableString s -> new Hdf5Data(type, shape.clone(), null, variableStrings(raw, s.size(), (int) count));
            default -> {
                littleEndian(raw, type, (int) count);
                yield new Hdf5Data(type, shape.clone(), raw, null);
            }
        };
    }

    private byte[] storage(int bytes) {
        ObjectHeader.Message layout = ObjectHeader.find(messages, ObjectHeader.LAYOUT);
        if (layout == null) throw file.error(path, "a dataset without a data layout message (corrupt header)");
        Hdf5Cursor in = new Hdf5Cursor(file, layout.start());
        int version = in.u8();
        if (version < 3 || version > 4) throw file.error(path, "data layout message version " + version + " (supported: 3, 4)");
        int layoutClass = in.u8();
        byte[] out = new byte[bytes];   // unwritten storage reads as the default fill value, zero
        switch (layoutClass) {
            case 0 -> {
                int size = in.u16();
                if (size < bytes) throw file.error(path, "compact storage of " + size + " bytes for " + bytes + " bytes of data");
                MemorySegment.copy(file.data(), ValueLayout.JAVA_BYTE, in.position(), out, 0, bytes);
            }
            case 1 -> {
                long address = in.offset();
                long size = in.length();
                if (address != Hdf5Cursor.UNDEFINED) {
                    if (size < bytes || address + bytes > file.data().byteSize()) {
                        throw file.error(path, "contiguous storage at " + address + " of " + size + " bytes does not hold " + bytes
                                + " bytes of data within the file (" + file.data().byteSize() + " bytes): truncated or corrupt");
                    }
                    MemorySegment.copy(file.data(), ValueLayout.JAVA_BYTE, address, out, 0, bytes);
                }
            }
            case 2 -> {
                if (version != 3) throw file.error(path, "chunked storage indexed the HDF5 1.10 way (layout version 4), which is not supported");
                int dims = in.u8();
                long btree = in.offset();
                int[] chunk = new int[dims];
                for (int i = 0; i < dims; i++) chunk[i] = (int) in.u32();
                if (dims != shape.length + 1) throw file.error(path, "chunk rank " + (dims - 1) + " for a dataset of rank " + shape.length);
                if (btree != Hdf5Cursor.UNDEFINED) {
                    new ChunkedStorage(file, path, shape, chunk, type.size(), filters()).readInto(btree, out);
                }
            }
            default -> throw file.error(path, "data layout class " + layoutClass + " (virtual datasets are not supported)");
        }
        return out;
    }

    private List<int[]> filters() {
        ObjectHeader.Message m = ObjectHeader.find(messages, ObjectHeader.FILTERS);
        List<int[]> filters = new ArrayList<>();
        if (m == null) return filters;
        Hdf5Cursor in = new Hdf5Cursor(file, m.start());
        int version = in.u8();
        int count = in.u8();
        if (version == 1) in.skip(6);
        else if (version != 2) throw file.error(path, "filter pipeline version " + version + " (supported: 1, 2)");
        for (int f = 0; f < count; f++) {
            int id = in.u16();
            int nameLength = version == 1 || id >= 256 ? in.u16() : 0;
            in.u16();   // flags: optional or not, both are applied when the chunk says so
            int values = in.u16();
            in.skip(nameLength);   // version 1 pads the name to 8 bytes in the stored length already
            int[] entry = new int[1 + values];
            entry[0] = id;
            for (int v = 0; v < values; v++) entry[1 + v] = (int) in.u32();
            if (version == 1 && values % 2 == 1) in.skip(4);
            filters.add(entry);
        }
        return filters;
    }

    private List<byte[]> fixedStrings(byte[] raw, int size, int count) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int start = i * size, end = start + size;
            int stop = start;
            while (stop < end && raw[stop] != 0) stop++;
            if (stop == end) while (stop > start && raw[stop - 1] == ' ') stop--;   // space-padded
            out.add(java.util.Arrays.copyOfRange(raw, start, stop));
        }
        return out;
    }

    private List<byte[]> variableStrings(byte[] raw, int size, int count) {
        List<byte[]> out = new ArrayList<>(count);
        MemorySegment elements = MemorySegment.ofArray(raw);
        for (int i = 0; i < count; i++) {
            long base = (long) i * size;
            long length = Integer.toUnsignedLong(elements.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), base));
            long collection = 0;
            for (int b = 0; b < file.offsetSize(); b++) collection |= (raw[(int) base + 4 + b] & 0xffL) << (8 * b);
            long index = Integer.toUnsignedLong(elements.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN),
                    base + 4 + file.offsetSize()));
            if (length == 0 && collection == 0) {
                out.add(new byte[0]);
                continue;
            }
            byte[] object = file.globalHeapObject(collection + file.baseAddress(), (int) index, path);
            if (object.length < length) throw file.error(path, "a string of " + length + " bytes in a global heap object of " + object.length);
            out.add(java.util.Arrays.copyOf(object, (int) length));
        }
        return out;
    }

    /** Swaps big-endian elements (each member of a compound) into little-endian order, in place. */
    private static void littleEndian(byte[] raw, Hdf5Datatype type, int count) {
        for (int i = 0; i < count; i++) swap(raw, i * type.size(), type);
    }

    private static void swap(byte[] raw, int at, Hdf5Datatype type) {
        switch (type) {
            case Hdf5Datatype.FixedPoint x when x.bigEndian() -> reverse(raw, at, x.size());
            case Hdf5Datatype.FloatingPoint f when f.bigEndian() -> reverse(raw, at, f.size());
            case Hdf5Datatype.Enumeration e when e.base().bigEndian() -> reverse(raw, at, e.size());
            case Hdf5Datatype.Compound c -> {
                for (Hdf5Datatype.Member m : c.members()) swap(raw, at + m.offset(), m.type());
            }
            default -> { }
        }
    }

    private static void reverse(byte[] raw, int at, int size) {
        for (int i = 0, j = size - 1; i < j; i++, j--) {
            byte t = raw[at + i];
            raw[at + i] = raw[at + j];
            raw[at + j] = t;
        }
    }

    @Override
    public String toString() { return "dataset " + path; }
}

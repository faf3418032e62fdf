package dev.nemotron4j.eval.hdf5;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only HDF5 file, memory-mapped: the subset of the format that h5py writes by default and a few neighbours.
 *
 * <ul>
 *   <li>superblock versions 0 and 1 (groups as symbol tables: version-1 B-trees, symbol table nodes, local heaps) and
 *       2 and 3 (the root's object header address);</li>
 *   <li>object headers version 1 and 2, with continuation blocks;</li>
 *   <li>groups by symbol table, or by link messages (compact link storage; hard links);</li>
 *   <li>datasets: simple and scalar dataspaces; the datatypes of {@link Hdf5Datatype}; compact, contiguous and chunked
 *       (version-1 B-tree index; deflate, shuffle, Fletcher-32) layouts; variable-length strings from global heaps.</li>
 * </ul>
 * Anything else (dense link storage in fractal heaps, soft and external links, layout version 4 chunk indexes, virtual
 * datasets, shared messages, other datatype classes) is refused with an {@link Hdf5FormatException} naming the file
 * and the object's path.
 */
public final class Hdf5File implements AutoCloseable {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private int offsetSize = 8;
    private int lengthSize = 8;
    private long baseAddress;
    private final long rootHeader;
    private final Map<Long, Map<Integer, byte[]>> globalHeaps = new HashMap<>();

    private Hdf5File(Path path, Arena arena, MemorySegment data) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.rootHeader = superblock();
    }

    /** Maps the file; the caller closes it. */
    public static Hdf5File open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new Hdf5File(path, arena, data);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read the HDF5 file " + path, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() { return path; }

    public Hdf5Group root() {
        return (Hdf5Group) objectAt("/", rootHeader);
    }

    /** The object at {@code path} ({@code a/b/c} or {@code /a/b/c}); a missing member is an error naming it. */
    public Hdf5Object get(String objectPath) {
        Hdf5Object at = root();
        for (String part : objectPath.split("/")) {
            if (part.isEmpty()) continue;
            if (!(at instanceof Hdf5Group g)) throw error(at.path() + "/" + part, at.path() + " is a dataset, not a group");
            at = g.get(part);
        }
        return at;
    }

    /** Whether {@code objectPath} names an object (every group on the way exists). */
    public boolean exists(String objectPath) {
        Hdf5Object at = root();
        for (String part : objectPath.split("/")) {
            if (part.isEmpty()) continue;
            if (!(at instanceof Hdf5Group g) || !g.has(part)) return false;
            at = g.get(part);
        }
        return true;
    }

    @Override
    public void close() {
        arena.close();
    }

    MemorySegment data() { return data; }

    int offsetSize() { return offsetSize; }

    int lengthSize() { return lengthSize; }

    long baseAddress() { return baseAddress; }

    String where(String objectPath) {
        return path + ", object " + objectPath;
    }

    Hdf5FormatException error(String message) {
        return new Hdf5FormatException(path + ": " + message);
    }

    Hdf5FormatException error(String objectPath, String message) {
        return new Hdf5FormatException(where(objectPath) + ": " + message);
    }

    /** Finds the superblock (at 0, 512, 1024, 2048, ...) and returns the root group's object header address. */
    private long superblock() {
        long at = 0;
        while (true) {
            if (at + SIGNATURE.length > data.byteSize()) throw error("not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, ...)");
            if (MemorySegment.mismatch(data, at, at + SIGNATURE.length, MemorySegment.ofArray(SIGNATURE), 0, SIGNATURE.length) == -1) break;
            at = at == 0 ? 512 : at * 2;
        }
        Hdf5Cursor in = new Hdf5Cursor(this, at + SIGNATURE.length);
        int version = in.u8();
        if (version == 0 || version == 1) {
            in.skip(4);   // free-space, root symbol table entry, reserved, shared header message versions
            offsetSize = in.u8();
            lengthSize = in.u8();
            checkSizes();
            in.skip(1 + 2 + 2 + 4);   // reserved, group leaf and internal node K, consistency flags
            if (version == 1) in.skip(4);   // indexed storage internal node K, reserved
            baseAddress = in.uint(offsetSize);
            in.offset();   // free-space info
            in.offset();   // end of file
            in.offset();   // driver information block
            in.offset();   // root entry: link name offset
            return in.offset();
        }
        if (version == 2 || version == 3) {
            offsetSize = in.u8();
            lengthSize = in.u8();
            checkSizes();
            in.skip(1);   // consistency flags
            baseAddress = in.uint(offsetSize);
            in.offset();   // superblock extension
            in.offset();   // end of file
            return in.offset();
        }
        throw error("superblock version " + version + " (supported: 0 to 3)");
    }

    private void checkSizes() {
        for (int s : List.of(offsetSize, lengthSize)) {
            if (s != 2 && s != 4 && s != 8) throw error("a superblock with " + s + "-byte offsets or lengths (corrupt superblock)");
        }
    }

    Hdf5Object objectAt(String objectPath, long address) {
        List<ObjectHeader.Message> messages = ObjectHeader.read(this, address, objectPath);
        if (ObjectHeader.find(messages, ObjectHeader.DATATYPE) != null && ObjectHeader.find(messages, ObjectHeader.DATASPACE) != null) {
            return new Hdf5Dataset(this, objectPath, messages);
        }
        Map<String, Long> links = new LinkedHashMap<>();
        ObjectHeader.Message table = ObjectHeader.find(messages, ObjectHeader.SYMBOL_TABLE);
        if (table != null) {
            Hdf5Cursor in = new Hdf5Cursor(this, table.start());
            long btree = in.offset();
            long heap = in.offset();
            symbolTable(objectPath, btree, localHeapData(objectPath, heap), links);
        }
        ObjectHeader.Message info = ObjectHeader.find(messages, ObjectHeader.LINK_INFO);
        if (info != null) {
            Hdf5Cursor in = new Hdf5Cursor(this, info.start());
            in.u8();
            int flags = in.u8();
            if ((flags & 1) != 0) in.skip(8);
            if (in.offset() != Hdf5Cursor.UNDEFINED) {
                throw error(objectPath, "a group with dense link storage (a fractal heap), which is not supported");
            }
        }
        for (ObjectHeader.Message m : messages) if (m.type() == ObjectHeader.LINK) link(objectPath, m, links);
        return new Hdf5Group(this, objectPath, links);
    }

    private long localHeapData(String objectPath, long heap) {
        Hdf5Cursor in = new Hdf5Cursor(this, heap);
        in.expect("HEAP", "local heap of group " + objectPath);
        in.skip(4);   // version, reserved
        in.length();  // data segment size
        in.length();  // free list head
        return in.offset();
    }

    /** Walks a group's version-1 B-tree (node type 0) to its symbol table nodes. */
    private void symbolTable(String objectPath, long node, long heapData, Map<String, Long> links) {
        Hdf5Cursor in = new Hdf5Cursor(this, node);
        in.expect("TREE", "group B-tree node of " + objectPath);
        int type = in.u8();
        if (type != 0) throw error(objectPath, "a group B-tree node of type " + type + " (expected 0)");
        int level = in.u8();
        int entries = in.u16();
        in.offset();
        in.offset();   // siblings
        for (int e = 0; e < entries; e++) {
            in.length();   // key: a name's heap offset
            long child = in.offset();
            long resume = in.position();
            if (level > 0) symbolTable(objectPath, child, heapData, links);
            else symbolNode(objectPath, child, heapData, links);
            in.seek(resume);
        }
    }

    private void symbolNode(String objectPath, long node, long heapData, Map<String, Long> links) {
        Hdf5Cursor in = new Hdf5Cursor(this, node);
        in.expect("SNOD", "symbol table node of " + objectPath);
        in.skip(2);   // version, reserved
        int symbols = in.u16();
        for (int s = 0; s < symbols; s++) {
            long nameOffset = in.uint(offsetSize);
            long header = in.offset();
            in.skip(4 + 4 + 16);   // cache type, reserved, scratch pad
            String name = new Hdf5Cursor(this, heapData + nameOffset).nullTerminated();
            links.put(name, header);
        }
    }

    private void link(String objectPath, ObjectHeader.Message m, Map<String, Long> links) {
        Hdf5Cursor in = new Hdf5Cursor(this, m.start());
        int version = in.u8();
        if (version != 1) throw error(objectPath, "link message version " + version + " (supported: 1)");
        int flags = in.u8();
        int type = (flags & 0x08) != 0 ? in.u8() : 0;
        if ((flags & 0x04) != 0) in.skip(8);   // creation order
        if ((flags & 0x10) != 0) in.skip(1);   // name character set
        int nameLength = (int) in.uint(1 << (flags & 3));
        String name = new String(in.bytes(nameLength), StandardCharsets.UTF_8);
        links.put(name, type == 0 ? in.offset() : -2L);   // soft and external links are refused when followed
    }

    /** Object {@code index} of the global heap collection at {@code address}. */
    synchronized byte[] globalHeapObject(long address, int index, String objectPath) {
        Map<Integer, byte[]> objects = globalHeaps.computeIfAbsent(address, a -> globalHeap(a, objectPath));
        byte[] object = objects.get(index);
        if (object == null) throw error(objectPath, "global heap collection at " + address + " has no object " + index);
        return object;
    }

    private Map<Integer, byte[]> globalHeap(long address, String objectPath) {
        Hdf5Cursor in = new Hdf5Cursor(this, address);
        in.expect("GCOL", "global heap collection of " + objectPath);
        in.skip(4);   // version, reserved
        long size = in.length();
        long end = address + size;
        Map<Integer, byte[]> objects = new HashMap<>();
        while (in.position() + 8 + lengthSize <= end) {
            int index = in.u16();
            in.skip(2 + 4);   // reference count, reserved
            long length = in.length();
            if (index == 0) break;   // free space: the rest of the collection
            if (length > Integer.MAX_VALUE || in.position() + length > end) throw error(objectPath, "a corrupt global heap object at " + in.position());
            objects.put(index, in.bytes((int) length));
            long pad = (8 - length % 8) % 8;
            in.skip(pad);
        }
        return objects;
    }
}

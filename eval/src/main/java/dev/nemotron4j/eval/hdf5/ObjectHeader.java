package dev.nemotron4j.eval.hdf5;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An object header's messages (version 1, the layout HDF5 writes by default, and version 2 with its {@code OHDR} and
 * {@code OCHK} blocks), continuation blocks followed. Each message is kept as its type and where its data lies.
 */
final class ObjectHeader {
    static final int DATASPACE = 0x1, LINK_INFO = 0x2, DATATYPE = 0x3, LINK = 0x6, LAYOUT = 0x8, FILTERS = 0xB,
            CONTINUATION = 0x10, SYMBOL_TABLE = 0x11;
    private static final int SHARED = 0x2;

    record Message(int type, long start, int size, int flags) {}

    private ObjectHeader() {}

    static List<Message> read(Hdf5File file, long address, String path) {
        Hdf5Cursor in = new Hdf5Cursor(file, address);
        List<Message> messages = new ArrayList<>();
        Deque<long[]> blocks = new ArrayDeque<>();
        int first = in.u8();
        if (first == 1) {
            in.skip(1);
            in.u16();                                   // message count: the blocks' extents say the same
            in.u32();                                   // reference count
            long size = in.u32();
            blocks.add(new long[]{address + 16, size}); // 12-byte prefix, padded to 8
            while (!blocks.isEmpty()) {
                long[] block = blocks.poll();
                long end = block[0] + block[1];
                in.seek(block[0]);
                while (in.position() + 8 <= end) {
                    int type = in.u16();
                    int dataSize = in.u16();
                    int flags = in.u8();
                    in.skip(3);
                    long start = in.position();
                    if (start + dataSize > end) throw file.error(path, "an object header message runs past its block (corrupt header)");
                    add(file, path, messages, blocks, new Message(type, start, dataSize, flags));
                    in.seek(start + dataSize);
                }
            }
            return messages;
        }
        in.seek(address);
        in.expect("OHDR", "object header of " + path);
        int version = in.u8();
        if (version != 2) throw file.error(path, "object header version " + version + " (supported: 1, 2)");
        int flags = in.u8();
        if ((flags & 0x20) != 0) in.skip(16);          // access, modification, change, birth times
        if ((flags & 0x10) != 0) in.skip(4);           // attribute storage phase change values
        long chunk0 = in.uint(1 << (flags & 3));
        boolean creationOrder = (flags & 0x04) != 0;
        blocks.add(new long[]{in.position(), chunk0});
        boolean firstBlock = true;
        while (!blocks.isEmpty()) {
            long[] block = blocks.poll();
            long end;
            in.seek(block[0]);
            if (firstBlock) {
                end = block[0] + block[1];
                firstBlock = false;
            } else {
                in.expect("OCHK", "object header continuation of " + path);
                end = block[0] + block[1] - 4;         // the checksum closes the block
            }
            int headerBytes = creationOrder ? 6 : 4;
            while (in.position() + headerBytes <= end) {
                int type = in.u8();
                int dataSize = in.u16();
                int messageFlags = in.u8();
                if (creationOrder) in.skip(2);
                long start = in.position();
                if (start + dataSize > end) throw file.error(path, "an object header message runs past its block (corrupt header)");
                add(file, path, messages, blocks, new Message(type, start, dataSize, messageFlags));
                in.seek(start + dataSize);
            }
        }
        return messages;
    }

    private static void add(Hdf5File file, String path, List<Message> messages, Deque<long[]> blocks, Message m) {
        if (m.type() == CONTINUATION) {
            Hdf5Cursor c = new Hdf5Cursor(file, m.start());
            blocks.add(new long[]{c.offset(), c.length()});
            return;
        }
        if ((m.flags() & SHARED) != 0 && (m.type() == DATATYPE || m.type() == DATASPACE || m.type() == FILTERS)) {
            throw file.error(path, "a shared (committed) " + (m.type() == DATATYPE ? "datatype" : m.type() == DATASPACE ? "dataspace" : "filter pipeline")
                    + ", which is not supported");
        }
        messages.add(m);
    }

    static Message find(List<Message> messages, int type) {
        for (Message m : messages) if (m.type() == type) return m;
        return null;
    }
}

package dev.nemotron4j.eval.hdf5;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A chunked dataset's bytes: the chunks a version-1 B-tree (node type 1) indexes, each undone through the filter
 * pipeline (deflate, shuffle, Fletcher-32 checksums dropped) unless its filter mask skips a filter, and copied into
 * place in the C-ordered result. Edge chunks are stored whole; only the part inside the dataset is copied.
 */
final class ChunkedStorage {
    private static final int DEFLATE = 1, SHUFFLE = 2, FLETCHER32 = 3;

    private final Hdf5File file;
    private final String path;
    private final long[] shape;
    private final int[] chunk;      // chunk dimensions, the last being the element size
    private final int elementSize;
    private final List<int[]> filters;

    ChunkedStorage(Hdf5File file, String path, long[] shape, int[] chunk, int elementSize, List<int[]> filters) {
        this.file = file;
        this.path = path;
        this.shape = shape;
        this.chunk = chunk;
        this.elementSize = elementSize;
        this.filters = filters;
        for (int[] f : filters) {
            if (f[0] != DEFLATE && f[0] != SHUFFLE && f[0] != FLETCHER32) {
                throw file.error(path, "filter " + f[0] + " (supported: deflate 1, shuffle 2, fletcher32 3)");
            }
        }
    }

    void readInto(long node, byte[] out) {
        Hdf5Cursor in = new Hdf5Cursor(file, node);
        in.expect("TREE", "chunk index node of " + path);
        int nodeType = in.u8();
        if (nodeType != 1) throw file.error(path, "a chunk index B-tree node of type " + nodeType + " (expected 1)");
        int level = in.u8();
        int entries = in.u16();
        in.offset();
        in.offset();   // siblings
        int dims = chunk.length;
        for (int e = 0; e < entries; e++) {
            long size = in.u32();
            long mask = in.u32();
            long[] origin = new long[dims];
            for (int d = 0; d < dims; d++) origin[d] = in.uint(8);
            long child = in.offset();
            long resume = in.position();
            if (level > 0) readInto(child, out);
            else place(decode(child, size, mask), origin, out);
            in.seek(resume);
        }
    }

    private byte[] decode(long address, long size, long mask) {
        if (size > Hdf5Dataset.MAX_BYTES || address + size > file.data().byteSize()) {
            throw file.error(path, "a chunk of " + size + " bytes at " + address + " lies outside the file: truncated or corrupt");
        }
        byte[] bytes = new byte[(int) size];
        java.lang.foreign.MemorySegment.copy(file.data(), ValueLayout.JAVA_BYTE, address, bytes, 0, bytes.length);
        long expected = elementSize;
        for (int d = 0; d < chunk.length - 1; d++) expected *= chunk[d];
        for (int i = filters.size() - 1; i >= 0; i--) {
            if ((mask & (1L << i)) != 0) continue;
            int[] f = filters.get(i);
            bytes = switch (f[0]) {
                case DEFLATE -> inflate(bytes, expected);
                case SHUFFLE -> unshuffle(bytes, f.length > 1 ? f[1] : elementSize);
                default -> java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - 4));   // Fletcher-32 checksum
            };
        }
        if (bytes.length != expected) throw file.error(path, "a chunk decodes to " + bytes.length + " bytes, not " + expected);
        return bytes;
    }

    private byte[] inflate(byte[] in, long expected) {
        Inflater inflater = new Inflater();
        inflater.setInput(in);
        byte[] out = new byte[(int) expected];
        try {
            int n = 0;
            while (!inflater.finished() && n < out.length) {
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) throw file.error(path, "a truncated deflated chunk");
                n += got;
            }
            return n == out.length ? out : java.util.Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new Hdf5FormatException(file.where(path) + ": a deflated chunk is corrupt (" + e.getMessage() + ")", e);
        } finally {
            inflater.end();
        }
    }

    private static byte[] unshuffle(byte[] in, int size) {
        if (size <= 1) return in;
        int count = in.length / size;
        byte[] out = in.clone();   // a tail that is not a whole element stays as it is
        for (int b = 0; b < size; b++) {
            for (int i = 0; i < count; i++) out[i * size + b] = in[b * count + i];
        }
        return out;
    }

    /** Copies the chunk's part inside the dataset into the C-ordered output, one run along the last dimension at a time. */
    private void place(byte[] data, long[] origin, byte[] out) {
        int rank = shape.length;
        if (rank == 0) {
            System.arraycopy(data, 0, out, 0, Math.min(data.length, out.length));
            return;
        }
        long lastRun = Math.min(chunk[rank - 1], shape[rank - 1] - origin[rank - 1]);
        if (lastRun <= 0) return;
        int[] index = new int[rank - 1];   // position within the chunk over the leading dimensions
        while (true) {
            boolean inside = true;
            long src = 0, dst = 0;
            for (int d = 0; d < rank - 1; d++) {
                long at = origin[d] + index[d];
                if (at >= shape[d]) inside = false;
                src = src * chunk[d] + index[d];
                dst = dst * shape[d] + at;
            }
            if (inside) {
                src = src * chunk[rank - 1];
                dst = dst * shape[rank - 1] + origin[rank - 1];
                System.arraycopy(data, (int) (src * elementSize), out, (int) (dst * elementSize), (int) (lastRun * elementSize));
            }
            int d = rank - 2;
            while (d >= 0 && ++index[d] == chunk[d]) index[d--] = 0;
            if (d < 0) return;
        }
    }
}

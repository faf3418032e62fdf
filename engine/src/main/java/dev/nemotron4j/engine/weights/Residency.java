package dev.nemotron4j.engine.weights;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a checkpoint's bytes live while the model runs.
 *
 * <ul>
 *   <li>{@link #MAPPED}: memory-mapped from the page cache. Loads instantly, pages in on demand, works for
 *       models larger than RAM.</li>
 *   <li>{@link #IN_MEMORY}: read once into anonymous memory. Decoding streams every weight on every token, and
 *       measured on the bench-s checkpoint a decode step is ~13 % faster from anonymous memory than from
 *       mapped page-cache pages (docs/BENCHMARKS.md); costs a full read at load time.</li>
 * </ul>
 *
 * {@link #choose} picks {@code IN_MEMORY} when the model takes at most half of the machine's memory, unless the
 * system property {@code nemotron4j.weights} says {@code mapped} or {@code memory}.
 */
public enum Residency {
    MAPPED, IN_MEMORY;

    /** System property that overrides {@link #choose}: {@code mapped}, {@code memory} or {@code auto}. */
    public static final String PROPERTY = "nemotron4j.weights";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Residency.class);
    private static final long LOG_ABOVE = 256L << 20;

    /** Read in slices: a ByteBuffer view of a segment holds at most 2 GiB. */
    private static final long READ_SLICE = 1L << 30;

    /** The residency for a model of {@code totalBytes}. */
    public static Residency choose(long totalBytes) {
        return choose(totalBytes, System.getProperty(PROPERTY, "auto"), physicalMemory());
    }

    /** {@link #choose(long)} with the property value and the machine's memory given. */
    static Residency choose(long totalBytes, String property, long physicalBytes) {
        String p = property.trim().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "mapped", "map", "mmap" -> MAPPED;
            case "memory", "in-memory", "read" -> IN_MEMORY;
            case "auto", "" -> totalBytes <= physicalBytes / 2 ? IN_MEMORY : MAPPED;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + p + ": expected mapped, memory or auto");
        };
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0; // unknown: map
    }

    /**
     * The {@code size} bytes at {@code offset} of {@code file}, owned by {@code arena}.
     *
     * @throws ModelFormatException if the file ends early
     */
    public MemorySegment load(FileChannel channel, Path file, long offset, long size, Arena arena) throws IOException {
        if (size == 0) return MemorySegment.ofArray(new byte[0]);
        if (this == MAPPED) return channel.map(FileChannel.MapMode.READ_ONLY, offset, size, arena);
        if (size >= LOG_ABOVE) {
            LOG.info("reading {} ({} MB) into memory; -D{}=mapped maps it instead", file, size >> 20, PROPERTY);
        }
        MemorySegment dst = arena.allocate(size, 4096);
        for (long done = 0; done < size; ) {
            ByteBuffer slice = dst.asSlice(done, Math.min(READ_SLICE, size - done)).asByteBuffer();
            while (slice.hasRemaining()) {
                int n = channel.read(slice, offset + done + slice.position());
                if (n < 0) throw new ModelFormatException(file + ": file ended at byte " + (offset + done + slice.position()) + " while reading " + size + " bytes from " + offset);
            }
            done += slice.capacity();
        }
        return dst;
    }
}

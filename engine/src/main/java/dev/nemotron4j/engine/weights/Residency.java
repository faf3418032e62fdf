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
 * <p>In memory, a separate embedding table stays mapped: a token reads one row of it, so reading all of it would
 * only add its size to the process (370 MB of a 1 GB Q8_0 bench-s file). Tied embeddings (no separate LM head)
 * are read like every other matrix, since the LM head then streams the whole table per token.
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

    /** Embedding-table names (safetensors suffixes, GGUF name) and the LM-head names that make them row-sparse. */
    private static final java.util.List<String> EMBEDDING_SUFFIXES = java.util.List.of("embeddings.weight", "embed_tokens.weight", "token_embd.weight");
    private static final java.util.List<String> LM_HEADS = java.util.List.of("lm_head.weight", "output.weight");

    /** Whether {@code name} is an embedding table that only ever has single rows read (a separate LM head exists). */
    static boolean readByRows(String name, java.util.Set<String> modelTensors) {
        return EMBEDDING_SUFFIXES.stream().anyMatch(name::endsWith) && LM_HEADS.stream().anyMatch(modelTensors::contains);
    }

    /**
     * The tensors of one file as this residency holds them. {@code mapped} are slices of {@code base}, the
     * mapping of the file from byte 0; {@code IN_MEMORY} reads each tensor (except a row-sparse embedding table,
     * see the class comment) from the file into anonymous memory owned by {@code arena}, without touching the
     * mapping, so the process holds each weight once.
     *
     * @param modelTensors every tensor name of the model (all shards), to recognise a separate LM head
     */
    public java.util.Map<String, TensorInfo> hold(java.util.Map<String, TensorInfo> mapped, MemorySegment base, FileChannel channel,
                                                  java.util.Set<String> modelTensors, Arena arena) throws IOException {
        if (this == MAPPED) return mapped;
        long total = 0;
        for (TensorInfo t : mapped.values()) total += t.data().byteSize();
        Path file = mapped.isEmpty() ? null : mapped.values().iterator().next().file();
        if (total >= LOG_ABOVE) LOG.info("reading {} ({} MB) into memory; -D{}=mapped maps it instead", file, total >> 20, PROPERTY);
        java.util.Map<String, TensorInfo> held = new java.util.LinkedHashMap<>();
        for (TensorInfo t : mapped.values()) {
            if (readByRows(t.name(), modelTensors)) {
                held.put(t.name(), t);
                continue;
            }
            long offset = t.data().address() - base.address();
            held.put(t.name(), new TensorInfo(t.name(), t.dtype(), t.shape(), read(channel, t.file(), offset, t.data().byteSize(), arena), t.file()));
        }
        return java.util.Collections.unmodifiableMap(held);
    }

    /** The {@code size} bytes at {@code offset} of {@code file}, read into memory owned by {@code arena}. */
    private static MemorySegment read(FileChannel channel, Path file, long offset, long size, Arena arena) throws IOException {
        if (size == 0) return MemorySegment.ofArray(new byte[0]);
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

package dev.nemotron4j.engine.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ggml's published code books for the lattice i-quants, loaded once from the resource
 * {@code ggml-iquant-grids.txt} (extracted from ggml-common.h by {@code tools/ggml_grids.py}). Each grid entry
 * packs one group of 8 (or 4 for the IQ3 grids) element magnitudes, one per byte, element 0 in the lowest byte;
 * {@code iq1s_grid}'s bytes are signed (−1, 0, 1). Every table's SHA-256 is checked at load, so a damaged
 * resource fails class initialisation instead of decoding garbage.
 */
final class LatticeGrids {
    private LatticeGrids() {}

    private static final String RESOURCE = "ggml-iquant-grids.txt";
    /** SHA-256 of each table's values as little-endian bytes (printed by tools/ggml_grids.py). */
    private static final Map<String, String> DIGESTS = Map.of(
            "ksigns_iq2xs", "a76742a603f8beca5212ecce0f1f02f11a4887fd2f7c8b15aca0ea3eb3380c31",
            "iq2xxs_grid", "05826b5d3e472a3a78f196be62ac78acf81df0f909626e12ab9fa2a5d490dd54",
            "iq2xs_grid", "06e47aaca60b4dc1d9b5a3f34540437058a6b142b4d7a59d5ded769b4d1bf1de",
            "iq2s_grid", "e1aa1473412b0552c2174c30ef22ab4073f6a181b85a17056e8249bd2932fd88",
            "iq3xxs_grid", "46e35f5a997efdee6c99ce57854c8a0d4f0ff8ca57e5e8a60c0793ea580acf5d",
            "iq3s_grid", "bd1af4945a1717c65610b0284e4628b9a1ba3b306fae3a06f6e5f597356e349f",
            "iq1s_grid", "07540ffc1aeaf6ad4d97e96b0fcc765aae39671d4ae4a27bbd0e796fde167c6a");

    /** Sign patterns: bit j set means element j of a group of 8 is negated (7 stored bits plus even parity). */
    static final int[] KSIGNS_IQ2XS;
    static final long[] IQ2XXS_GRID;
    static final long[] IQ2XS_GRID;
    static final long[] IQ2S_GRID;
    static final int[] IQ3XXS_GRID;
    static final int[] IQ3S_GRID;
    static final long[] IQ1S_GRID;

    static {
        Map<String, long[]> tables = load();
        KSIGNS_IQ2XS = ints(tables.get("ksigns_iq2xs"));
        IQ2XXS_GRID = tables.get("iq2xxs_grid");
        IQ2XS_GRID = tables.get("iq2xs_grid");
        IQ2S_GRID = tables.get("iq2s_grid");
        IQ3XXS_GRID = ints(tables.get("iq3xxs_grid"));
        IQ3S_GRID = ints(tables.get("iq3s_grid"));
        IQ1S_GRID = tables.get("iq1s_grid");
    }

    private static int[] ints(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }

    private static Map<String, long[]> load() {
        try (InputStream in = LatticeGrids.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " is missing from the engine jar");
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
        }
    }

    /** The tables of the resource's text, each checked against its SHA-256. */
    static Map<String, long[]> parse(String text) {
        record Table(int width, long[] values) {}
        Map<String, Table> tables = new LinkedHashMap<>();
        Table current = null;
        int filled = 0;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            if (line.startsWith("= ")) { // "= name width count"
                String[] h = line.substring(2).trim().split(" ");
                current = new Table(Integer.parseInt(h[1]), new long[Integer.parseInt(h[2])]);
                filled = 0;
                tables.put(h[0], current);
                continue;
            }
            if (current == null) throw new IllegalStateException(RESOURCE + ": values before the first table header");
            for (String v : line.trim().split(" ")) {
                if (filled == current.values.length) throw new IllegalStateException(RESOURCE + ": a table has more values than its header says");
                current.values[filled++] = Long.parseUnsignedLong(v, 16);
            }
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : DIGESTS.entrySet()) {
            Table t = tables.get(e.getKey());
            if (t == null) throw new IllegalStateException(RESOURCE + ": table " + e.getKey() + " is missing");
            String got = sha256(t.values, t.width);
            if (!got.equals(e.getValue())) {
                throw new IllegalStateException(RESOURCE + ": table " + e.getKey() + " has SHA-256 " + got + ", expected " + e.getValue());
            }
            out.put(e.getKey(), t.values);
        }
        return out;
    }

    private static String sha256(long[] values, int width) {
        ByteBuffer b = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 1 -> b.put((byte) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.nemotron4j.eval.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A small, strict reader of tar archives (POSIX ustar, with the pax and GNU long-name extensions that tar tools write
 * for long paths): the regular files whose names a caller wants, with their bytes, in archive order. Every header's
 * checksum is verified, and an archive cut short, a corrupt header or a size field that is not a number is an error
 * naming the byte offset, never a silently shorter list. Only what dataset archives need: no links are followed, no
 * files are written.
 */
final class TarArchive {
    private static final int BLOCK = 512;

    private TarArchive() {}

    /** A regular file of the archive. */
    record Member(String name, byte[] bytes) {}

    /**
     * @param tar    the archive
     * @param wanted which regular files to return, by their path in the archive
     * @param where  what to call the archive in errors (its URL)
     */
    static List<Member> read(Path tar, Predicate<String> wanted, String where) throws IOException {
        List<Member> out = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
            long offset = 0;
            int members = 0;
            String longName = null;   // from a GNU 'L' entry or a pax 'path' record: names the next member
            Long paxSize = null;
            byte[] header = new byte[BLOCK];
            while (true) {
                int n = in.readNBytes(header, 0, BLOCK);
                if (n == 0) {
                    throw new IllegalArgumentException(where + ": the tar archive ends after " + members
                            + " files without its end-of-archive block (truncated?)");
                }
                if (n < BLOCK) throw new IllegalArgumentException(where + ": the tar archive ends inside the header at byte " + offset + " (truncated?)");
                if (allZero(header)) return out;   // the end-of-archive blocks (what follows is padding)
                checkChecksum(header, offset, where);
                char type = (char) header[156];
                String name = longName != null ? longName : name(header);
                long size = paxSize != null ? paxSize : octal(header, 124, 12, "size", name, offset, where);
                long dataAt = offset + BLOCK;
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                switch (type) {
                    case 'L' -> {   // GNU: the next member's long name
                        longName = cString(data(in, size, name, dataAt, where));
                        skip(in, padded - size, name, dataAt, where);
                    }
                    case 'x' -> {   // pax: the next member's extended header (path, size)
                        byte[] records = data(in, size, name, dataAt, where);
                        skip(in, padded - size, name, dataAt, where);
                        Pax pax = pax(records, dataAt, where);
                        if (pax.path() != null) longName = pax.path();
                        if (pax.size() != null) paxSize = pax.size();
                    }
                    case '0', '\0', '7' -> {   // a regular (or contiguous) file
                        members++;
                        if (wanted.test(name)) {
                            out.add(new Member(name, data(in, size, name, dataAt, where)));
                            skip(in, padded - size, name, dataAt, where);
                        } else {
                            skip(in, padded, name, dataAt, where);
                        }
                        longName = null;
                        paxSize = null;
                    }
                    default -> {   // directories, links, devices, global pax headers: nothing a dataset reads
                        skip(in, padded, name, dataAt, where);
                        if (type != 'g') {
                            longName = null;
                            paxSize = null;
                        }
                    }
                }
                offset = dataAt + padded;
            }
        }
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    /** The header's checksum: the sum of its bytes with the checksum field read as spaces (unsigned, or signed as old tars wrote it). */
    private static void checkChecksum(byte[] header, long offset, String where) {
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : header[i];
            unsigned += b & 0xff;
            signed += b;
        }
        long stored;
        try {
            stored = parseOctal(header, 148, 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": the block at byte " + offset + " is not a tar header (its checksum field is not octal): not a tar archive, or corrupt");
        }
        if (stored != unsigned && stored != signed) {
            throw new IllegalArgumentException(where + ": the tar header at byte " + offset + " has checksum " + stored + ", its bytes sum to "
                    + unsigned + ": corrupt archive");
        }
    }

    /** ustar's name: prefix "/" name when the prefix field is used (magic "ustar"), else the name field. */
    private static String name(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a' && header[261] == 'r';
        String prefix = ustar && header[263] == '0' ? cString(header, 345, 155) : "";   // POSIX ustar ("ustar\000"); GNU uses that field otherwise
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static long octal(byte[] header, int at, int length, String field, String name, long offset, String where) {
        if ((header[at] & 0x80) != 0) {   // GNU base-256 for sizes beyond 8 GiB
            long v = header[at] & 0x7f;
            for (int i = at + 1; i < at + length; i++) {
                if ((v >>> 55) != 0) throw new IllegalArgumentException(where + ": " + field + " of " + name + " (header at byte " + offset + ") is too large");
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        try {
            return parseOctal(header, at, length);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": the " + field + " field of " + name + " (header at byte " + offset + ") is not an octal number: corrupt archive");
        }
    }

    /** An octal field: digits, padded with spaces or NULs on either side. */
    private static long parseOctal(byte[] b, int at, int length) {
        int start = at;
        int end = at + length;
        while (start < end && (b[start] == ' ' || b[start] == 0)) start++;
        int stop = start;
        while (stop < end && b[stop] >= '0' && b[stop] <= '7') stop++;
        for (int i = stop; i < end; i++) if (b[i] != ' ' && b[i] != 0) throw new NumberFormatException();
        if (stop == start) throw new NumberFormatException();
        long v = 0;
        for (int i = start; i < stop; i++) {
            if ((v >>> 60) != 0) throw new NumberFormatException();
            v = v * 8 + (b[i] - '0');
        }
        return v;
    }

    private static byte[] data(InputStream in, long size, String name, long at, String where) throws IOException {
        if (size > Integer.MAX_VALUE - 16) throw new IllegalArgumentException(where + ": " + name + " (" + size + " bytes) is too large to read");
        byte[] bytes = in.readNBytes((int) size);
        if (bytes.length < size) {
            throw new IllegalArgumentException(where + ": the tar archive ends inside " + name + " (" + bytes.length + " of its " + size
                    + " bytes from byte " + at + "; truncated?)");
        }
        return bytes;
    }

    private static void skip(InputStream in, long n, String name, long at, String where) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new IllegalArgumentException(where + ": the tar archive ends inside " + name + " (its data starts at byte " + at + "; truncated?)", e);
        }
    }

    private record Pax(String path, Long size) {}

    /** pax extended-header records, "LENGTH key=value\n" each, LENGTH counting the whole record. */
    private static Pax pax(byte[] records, long at, String where) {
        String path = null;
        Long size = null;
        int pos = 0;
        while (pos < records.length) {
            if (records[pos] == 0) break;   // NUL padding some writers leave
            int space = pos;
            while (space < records.length && records[space] >= '0' && records[space] <= '9') space++;
            int length;
            try {
                length = Integer.parseInt(new String(records, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": malformed pax header at byte " + (at + pos) + ": corrupt archive");
            }
            if (space >= records.length || records[space] != ' ' || length <= space - pos + 1 || pos + length > records.length
                    || records[pos + length - 1] != '\n') {
                throw new IllegalArgumentException(where + ": malformed pax header at byte " + (at + pos) + ": corrupt archive");
            }
            String record = new String(records, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException(where + ": malformed pax record at byte " + (at + pos) + " (no '='): corrupt archive");
            String key = record.substring(0, eq);
            String value = record.substring(eq + 1);
            if (key.equals("path")) path = value;
            if (key.equals("size")) {
                try {
                    size = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": pax size '" + value + "' at byte " + (at + pos) + " is not a number: corrupt archive");
                }
            }
            pos += length;
        }
        return new Pax(path, size);
    }

    private static String cString(byte[] bytes) {
        return cString(bytes, 0, bytes.length);
    }

    private static String cString(byte[] bytes, int at, int length) {
        int end = at;
        while (end < at + length && bytes[end] != 0) end++;
        return new String(bytes, at, end - at, StandardCharsets.UTF_8);
    }
}

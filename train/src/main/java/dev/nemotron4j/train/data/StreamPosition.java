package dev.nemotron4j.train.data;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The byte form of a data stream's position: a kind tag (so a position restored into the wrong kind of stream is a
 * clear error, not garbage) followed by the stream's own fields, big-endian; nested streams embed their positions as
 * length-prefixed byte arrays.
 */
final class StreamPosition {

    interface Body {
        void write(DataOutput out) throws IOException;
    }

    interface Parser<T> {
        T read(DataInput in) throws IOException;
    }

    private StreamPosition() {
    }

    static byte[] write(String kind, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(kind);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T read(byte[] position, String kind, Parser<T> parser) {
        if (position == null) throw new IllegalArgumentException("no " + kind + " position to restore");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(position))) {
            String found = in.readUTF();
            if (!found.equals(kind)) {
                throw new IllegalArgumentException("cannot restore a " + found + " position into a " + kind + " stream");
            }
            T value = parser.read(in);
            if (in.available() > 0) throw new IllegalArgumentException("trailing bytes in a " + kind + " position");
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt " + kind + " position", e);
        }
    }

    static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static byte[] readBytes(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) throw new IOException("negative length");
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}

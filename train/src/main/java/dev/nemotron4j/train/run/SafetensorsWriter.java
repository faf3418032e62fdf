package dev.nemotron4j.train.run;

import dev.nemotron4j.train.layers.Param;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes tensors held in double to a safetensors file as F32 (a model checkpoint) or F64 (exact training state),
 * in the given order, byte-deterministically. The caller makes the file appear atomically (it writes into a
 * temporary directory that is renamed when complete).
 */
final class SafetensorsWriter {
    private SafetensorsWriter() {}

    enum Precision {
        F32(4), F64(8);
        final int bytes;

        Precision(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One tensor: its name, shape and values. */
    record Entry(String name, long[] shape, double[] values) {
        static Entry of(Param p) {
            return new Entry(p.name(), p.shape(), p.value());
        }
    }

    static void write(Path file, List<Entry> entries, Precision precision) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Entry e : entries) {
            long bytes = (long) precision.bytes * e.values().length;
            header.append(",\"").append(e.name()).append("\":{\"dtype\":\"").append(precision).append("\",\"shape\":[");
            for (int j = 0; j < e.shape().length; j++) header.append(j == 0 ? "" : ",").append(e.shape()[j]);
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while (header.length() % 8 != 0) header.append(' ');
        byte[] head = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length).array());
            os.write(head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                for (double v : e.values()) {
                    if (buf.remaining() < 8) {
                        os.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    if (precision == Precision.F32) buf.putFloat((float) v);
                    else buf.putDouble(v);
                }
            }
            os.write(buf.array(), 0, buf.position());
        }
    }
}

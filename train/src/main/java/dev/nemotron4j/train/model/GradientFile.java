package dev.nemotron4j.train.model;

import dev.nemotron4j.train.layers.Param;

import java.io.IOException;
import java.io.OutputStream;
import java.io.BufferedOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient contract's output: a safetensors file with {@code loss} (F32, shape []) and {@code grad.P} (F32, P's
 * shape) for every trainable parameter P of the model. Written to a temporary file and moved into place, so a
 * failed run never leaves a complete-looking file.
 */
public final class GradientFile {
    private GradientFile() {}

    public static void write(Path out, double loss, Iterable<Param> params) throws IOException {
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<double[]> data = new ArrayList<>();
        names.add("loss");
        shapes.add(new long[0]);
        data.add(new double[] {loss});
        for (Param p : params) {
            if (!p.trainable()) continue;
            names.add("grad." + p.name());
            shapes.add(p.shape());
            data.add(p.grad());
        }
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) header.append(',');
            long bytes = 4L * data.get(i).length;
            header.append('"').append(names.get(i)).append("\":{\"dtype\":\"F32\",\"shape\":[");
            long[] s = shapes.get(i);
            for (int j = 0; j < s.length; j++) header.append(j == 0 ? "" : ",").append(s[j]);
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) header.append(' ');
        byte[] head = header.toString().getBytes(StandardCharsets.UTF_8);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, out.getFileName().toString(), ".part");
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(head.length);
                os.write(len.array());
                os.write(head);
                for (double[] d : data) {
                    ByteBuffer b = ByteBuffer.allocate(4 * d.length).order(ByteOrder.LITTLE_ENDIAN);
                    for (double v : d) b.putFloat((float) v);
                    os.write(b.array());
                }
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

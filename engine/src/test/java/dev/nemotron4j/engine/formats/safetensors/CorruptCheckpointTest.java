package dev.nemotron4j.engine.formats.safetensors;

import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.weights.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Damaged checkpoints: each specific defect gives one {@link ModelFormatException} naming the file and
 * tensor; a seeded fuzzer then mutates headers and bytes in hundreds of ways and requires a clean error
 * or a correct load every time (never another exception, a crash or a hang).
 */
class CorruptCheckpointTest {

    @TempDir
    Path tmp;

    private Path copy(String model) throws IOException {
        Path dst = Files.createDirectories(tmp.resolve(model + "-" + System.nanoTime()));
        try (Stream<Path> files = Files.list(TinyFixtures.dir(model))) {
            for (Path f : files.toList()) Files.copy(f, dst.resolve(f.getFileName()));
        }
        return dst;
    }

    /** Header JSON of a safetensors file, and the bytes after it. */
    private record Parts(String header, byte[] data) {
        static Parts of(Path file) throws IOException {
            byte[] all = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String header = new String(all, 8, (int) n, StandardCharsets.UTF_8);
            byte[] data = java.util.Arrays.copyOfRange(all, 8 + (int) n, all.length);
            return new Parts(header, data);
        }

        void write(Path file) throws IOException {
            byte[] h = header.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(h.length).put(h).put(data);
            Files.write(file, b.array());
        }
    }

    private static void assertRejected(Path dir, String... mustMention) {
        assertThatThrownBy(() -> ModelSource.of(dir).load().close())
                .isInstanceOf(ModelFormatException.class)
                .satisfies(e -> {
                    for (String s : mustMention) assertThat(e.getMessage()).contains(s);
                });
    }

    @Test
    void truncatedFile() throws IOException {
        Path dir = copy("tiny-a");
        Path f = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 100));
        assertRejected(dir, "model.safetensors", "exceed the data section");
        Files.write(f, java.util.Arrays.copyOf(all, 5));
        assertRejected(dir, "model.safetensors", "truncated");
        Files.write(f, java.util.Arrays.copyOf(all, 200));
        assertRejected(dir, "model.safetensors", "does not fit");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        Path dir = copy("tiny-a");
        Path f = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(f);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE - 3);
        Files.write(f, all);
        assertRejected(dir, "model.safetensors", "header length");
    }

    @Test
    void malformedHeaderJson() throws IOException {
        Path dir = copy("tiny-a");
        Path f = dir.resolve("model.safetensors");
        Parts p = Parts.of(f);
        new Parts(p.header().replaceFirst("\\{", "["), p.data()).write(f);
        assertRejected(dir, "model.safetensors", "JSON");
    }

    @Test
    void offsetsOutOfBoundsOrOverlapping() throws IOException {
        Path dir = copy("tiny-a");
        Path f = dir.resolve("model.safetensors");
        Parts p = Parts.of(f);
        // Make the last tensor end past the data: replace the largest end offset with a bigger one.
        String bigger = p.header().replace("\"data_offsets\":[0,", "\"data_offsets\":[4,");
        new Parts(bigger, p.data()).write(f);
        assertRejected(dir, "model.safetensors");

        Path dir2 = copy("tiny-a");
        Path f2 = dir2.resolve("model.safetensors");
        Parts q = Parts.of(f2);
        // Point two same-sized tensors at the same bytes: A_log and D of layer 0 both F32[8].
        String json = q.header();
        String dOffsets = extractOffsets(json, "backbone.layers.0.mixer.D");
        String aOffsets = extractOffsets(json, "backbone.layers.0.mixer.A_log");
        new Parts(json.replace(dOffsets, aOffsets), q.data()).write(f2);
        assertRejected(dir2, "overlap");
    }

    private static String extractOffsets(String json, String tensor) {
        int i = json.indexOf("\"" + tensor + "\"");
        int s = json.indexOf("\"data_offsets\"", i);
        int e = json.indexOf("]", s);
        return json.substring(s, e + 1);
    }

    @Test
    void shapeOrDtypeDisagreeingWithConfig() throws IOException {
        Path dir = copy("tiny-a");
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"ssm_state_size\": 16", "\"ssm_state_size\": 12"));
        assertRejected(dir, "in_proj.weight", "disagrees with the config");

        Path dir2 = copy("tiny-a");
        Path f = dir2.resolve("model.safetensors");
        Parts p = Parts.of(f);
        // F32 [8] -> I32 [8]: same size, but not a float type
        String json = p.header();
        int i = json.indexOf("\"backbone.layers.0.mixer.D\"");
        int d = json.indexOf("\"F32\"", i);
        new Parts(json.substring(0, d) + "\"I32\"" + json.substring(d + 5), p.data()).write(f);
        assertRejected(dir2, "backbone.layers.0.mixer.D", "I32");
    }

    @Test
    void missingTensorAndUnknownDtype() throws IOException {
        Path dir = copy("tiny-a");
        Path f = dir.resolve("model.safetensors");
        Parts p = Parts.of(f);
        new Parts(p.header().replace("\"backbone.norm_f.weight\"", "\"backbone.norm_x.weight\""), p.data()).write(f);
        assertRejected(dir, "norm_f.weight", "missing");

        Path dir2 = copy("tiny-a");
        Path f2 = dir2.resolve("model.safetensors");
        Parts q = Parts.of(f2);
        String json = q.header();
        int i = json.indexOf("\"backbone.layers.0.mixer.D\"");
        int d = json.indexOf("\"F32\"", i);
        new Parts(json.substring(0, d) + "\"Q9\"" + json.substring(d + 5), q.data()).write(f2);
        assertRejected(dir2, "backbone.layers.0.mixer.D", "unknown dtype 'Q9'");
    }

    @Test
    void shardIndexProblems() throws IOException {
        Path dir = copy("tiny-d");
        Path idx = dir.resolve("model.safetensors.index.json");
        String json = Files.readString(idx);
        Files.writeString(idx, json.replaceFirst("model-00002-of-00002", "model-00003-of-00002"));
        assertRejected(dir, "model-00003-of-00002", "not found");
        Files.writeString(idx, json.replaceFirst("model-00002-of-00002.safetensors", "../../etc/passwd"));
        assertRejected(dir, "outside the model directory");
        Files.writeString(idx, "{\"weight_map\": 3}");
        assertRejected(dir, "weight_map");
    }

    @Test
    void extraTensorsAreIgnored() throws IOException {
        Path dir = copy("tiny-a");
        Path f = dir.resolve("model.safetensors");
        Parts p = Parts.of(f);
        byte[] data = java.util.Arrays.copyOf(p.data(), p.data().length + 8);
        String header = p.header().replaceFirst("\\{", "{\"mtp.layers.0.extra\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":["
                + p.data().length + "," + (p.data().length + 4) + "]},\"backbone.unused.thing\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":["
                + (p.data().length + 4) + "," + (p.data().length + 8) + "]},");
        new Parts(header, data).write(f);
        try (NemotronHModel m = ModelSource.of(dir).load()) {
            assertThat(m.forwardLast(m.newState(), new int[] {1, 2, 3})).hasSize(m.vocabSize());
        }
    }

    /** Seeded fuzzing: hundreds of random mutations; every outcome must be a clean error or a working model. */
    @Test
    void randomMutationsGiveCleanErrorsOrCorrectLoads() throws IOException {
        Random rnd = new Random(20261122);
        int loaded = 0, rejected = 0;
        String[] models = {"tiny-a", "tiny-d"};
        byte[][] originals = new byte[models.length][];
        Path[] dirs = new Path[models.length];
        for (int m = 0; m < models.length; m++) {
            dirs[m] = copy(models[m]);
            String file = models[m].equals("tiny-d") ? "model-00001-of-00002.safetensors" : "model.safetensors";
            originals[m] = Files.readAllBytes(dirs[m].resolve(file));
        }
        for (int iter = 0; iter < 400; iter++) {
            int m = rnd.nextInt(models.length);
            String file = models[m].equals("tiny-d") ? "model-00001-of-00002.safetensors" : "model.safetensors";
            byte[] bytes = mutate(originals[m], rnd);
            Files.write(dirs[m].resolve(file), bytes);
            try (NemotronHModel model = ModelSource.of(dirs[m]).load()) {
                float[] logits = model.forwardLast(model.newState(), new int[] {3, 1, 4});
                assertThat(logits).hasSize(model.vocabSize());
                loaded++;
            } catch (ModelFormatException e) {
                assertThat(e.getMessage()).as("error names the file").contains(dirs[m].toString());
                rejected++;
            } catch (Throwable t) {
                fail("mutation " + iter + " of " + models[m] + " escaped as " + t, t);
            }
        }
        for (int m = 0; m < models.length; m++) {
            String file = models[m].equals("tiny-d") ? "model-00001-of-00002.safetensors" : "model.safetensors";
            Files.write(dirs[m].resolve(file), originals[m]);
        }
        assertThat(loaded).as("some mutations (data bytes) still load").isGreaterThan(20);
        assertThat(rejected).as("most header mutations are rejected").isGreaterThan(100);
    }

    private static byte[] mutate(byte[] original, Random rnd) {
        byte[] b = original.clone();
        long headerLen = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int hEnd = 8 + (int) headerLen;
        switch (rnd.nextInt(8)) {
            case 0 -> { // flip bytes in the header
                int n = 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) b[8 + rnd.nextInt((int) headerLen)] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> { // replace a header digit with another digit
                for (int tries = 0; tries < 50; tries++) {
                    int i = 8 + rnd.nextInt((int) headerLen);
                    if (Character.isDigit(b[i])) {
                        b[i] = (byte) ('0' + rnd.nextInt(10));
                        break;
                    }
                }
            }
            case 2 -> { // truncate anywhere
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 3 -> { // damage the header length
                long v = switch (rnd.nextInt(4)) {
                    case 0 -> headerLen + 1 + rnd.nextInt(100);
                    case 1 -> headerLen - 1 - rnd.nextInt(100);
                    case 2 -> -rnd.nextInt(1000);
                    default -> rnd.nextLong();
                };
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
            }
            case 4 -> { // scribble over tensor data (still a valid file)
                int n = 1 + rnd.nextInt(64);
                for (int i = 0; i < n; i++) b[hEnd + rnd.nextInt(b.length - hEnd)] = (byte) rnd.nextInt(256);
            }
            case 5 -> { // swap a dtype name
                String h = new String(b, 8, (int) headerLen, StandardCharsets.UTF_8);
                String[] names = {"F32", "BF16", "F16", "I8", "F64", "XYZ", "U8", "BOOL"};
                String from = h.contains("\"BF16\"") ? "\"BF16\"" : "\"F32\"";
                h = h.replaceFirst(java.util.regex.Pattern.quote(from), "\"" + names[rnd.nextInt(names.length)] + "\"");
                b = rebuild(h, b, hEnd);
            }
            case 6 -> { // delete a tensor entry's key
                String h = new String(b, 8, (int) headerLen, StandardCharsets.UTF_8);
                h = h.replaceFirst("\"shape\"", rnd.nextBoolean() ? "\"shap\"" : "\"shape\":null,\"x\"");
                b = rebuild(h, b, hEnd);
            }
            default -> { // insert random JSON-significant characters
                String h = new String(b, 8, (int) headerLen, StandardCharsets.UTF_8);
                int at = rnd.nextInt(h.length());
                String junk = new String[] {"{", "}", "[", "]", ",", ":", "\"", "-1", "1e309", "null"}[rnd.nextInt(10)];
                b = rebuild(h.substring(0, at) + junk + h.substring(at), b, hEnd);
            }
        }
        return b;
    }

    private static byte[] rebuild(String header, byte[] old, int oldHeaderEnd) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + old.length - oldHeaderEnd).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(old, oldHeaderEnd, old.length - oldHeaderEnd);
        return out.array();
    }
}

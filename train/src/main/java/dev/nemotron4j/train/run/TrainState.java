package dev.nemotron4j.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsFile;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.train.layers.Param;
import dev.nemotron4j.train.model.TrainableModel;
import dev.nemotron4j.train.optim.AdamW;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run's resumable state, the directory {@code OUT/train-state/}: {@code model.safetensors} (every parameter's
 * double master copy, F64, correction biases included), {@code optimizer.safetensors} (AdamW's moments
 * {@code m.NAME}/{@code v.NAME}, F64), {@code state.json} (steps done, optimizer update count, data position) and
 * {@code config.yaml} (the run's merged settings). The schedule position is the step count; the only random
 * stream after initialisation is the data's, whose state is its position.
 *
 * <p>Written into {@code .train-state.tmp/}, each file flushed to disk, then renamed into place (the old state
 * first moved aside to {@code .train-state.old/}, deleted last): a run killed or out of disk at any moment leaves
 * either the previous complete state or the new one, never a half-written directory named {@code train-state}.
 * Reading falls back to {@code .train-state.old/} when a kill fell between the two renames.
 */
final class TrainState {
    static final String DIR = "train-state";
    private static final String TMP = ".train-state.tmp", OLD = ".train-state.old";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code state.json} holds. */
    record Position(long step, long optimizerSteps, byte[] dataPosition) {}

    private TrainState() {}

    static void write(Path out, TrainConfig config, Map<String, Param> params, AdamW adamW, Position position) throws IOException {
        Path tmp = out.resolve(TMP), dir = out.resolve(DIR), old = out.resolve(OLD);
        deleteTree(tmp);
        Files.createDirectories(tmp);
        List<SafetensorsWriter.Entry> weights = new ArrayList<>();
        for (Param p : params.values()) weights.add(SafetensorsWriter.Entry.of(p));
        SafetensorsWriter.write(tmp.resolve(SafetensorsCheckpoint.SINGLE_FILE), weights, SafetensorsWriter.Precision.F64);
        List<SafetensorsWriter.Entry> moments = new ArrayList<>();
        for (String name : adamW.names()) {
            long[] shape = params.get(name).shape();
            moments.add(new SafetensorsWriter.Entry("m." + name, shape, adamW.firstMoment(name)));
            moments.add(new SafetensorsWriter.Entry("v." + name, shape, adamW.secondMoment(name)));
        }
        SafetensorsWriter.write(tmp.resolve("optimizer.safetensors"), moments, SafetensorsWriter.Precision.F64);
        ObjectNode state = JSON.createObjectNode();
        state.put("step", position.step());
        state.put("optimizer_steps", position.optimizerSteps());
        state.put("data_position", Base64.getEncoder().encodeToString(position.dataPosition()));
        Files.writeString(tmp.resolve("state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state) + "\n");
        Files.writeString(tmp.resolve("config.yaml"), config.yaml());
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path f : files.toList()) sync(f);
        }
        deleteTree(old);
        if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    /** The complete state directory of run {@code out}, or null when there is none. */
    static Path find(Path out) {
        Path dir = out.resolve(DIR);
        if (Files.isDirectory(dir)) return dir;
        Path old = out.resolve(OLD);
        return Files.isDirectory(old) ? old : null;
    }

    static String config(Path dir) throws IOException {
        return Files.readString(dir.resolve("config.yaml"));
    }

    static Position position(Path dir) throws IOException {
        JsonNode s = JSON.readTree(dir.resolve("state.json").toFile());
        return new Position(s.required("step").asLong(), s.required("optimizer_steps").asLong(),
                Base64.getDecoder().decode(s.required("data_position").asText()));
    }

    /** The model with the state's exact double weights. */
    static TrainableModel model(Path dir, TrainConfig config) {
        try (SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(dir)) {
            return TrainableModel.build(config.model().config(), tensors);
        }
    }

    /** Restores AdamW's moments and update count. */
    static void restoreOptimizer(Path dir, AdamW adamW, long optimizerSteps) {
        try (Arena arena = Arena.ofConfined()) {
            Path file = dir.resolve("optimizer.safetensors");
            Map<String, TensorInfo> tensors = SafetensorsFile.open(file, arena).tensors();
            for (String name : adamW.names()) {
                read(file, tensors, "m." + name, adamW.firstMoment(name));
                read(file, tensors, "v." + name, adamW.secondMoment(name));
            }
        }
        adamW.restoreSteps(optimizerSteps);
    }

    private static void read(Path file, Map<String, TensorInfo> tensors, String name, double[] into) {
        TensorInfo t = tensors.get(name);
        if (t == null || t.dtype() != DType.F64 || t.elementCount() != into.length) {
            throw new IllegalStateException(file + ": tensor '" + name + "' is missing or not F64 of " + into.length + " elements");
        }
        MemorySegment d = t.data();
        ValueLayout.OfDouble f = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < into.length; i++) into[i] = d.getAtIndex(f, i);
    }

    static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

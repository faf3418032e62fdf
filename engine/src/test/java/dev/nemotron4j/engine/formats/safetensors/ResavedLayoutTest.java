package dev.nemotron4j.engine.formats.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.GoldenLogitsTest;
import dev.nemotron4j.engine.TinyFixtures.Golden;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.weights.TensorInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same weights re-saved the way recent transformers writes them (§12 D10): {@code model.} prefix, experts
 * fused into 3-D tensors, {@code layers_block_type} instead of the pattern string, and as three shards —
 * must give the reference logits.
 */
class ResavedLayoutTest {

    @TempDir
    Path tmp;

    private static final Pattern EXPERT = Pattern.compile("(.*\\.mixer\\.)experts\\.(\\d+)\\.(up|down)_proj\\.weight");

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-d"})
    void fusedExpertsModelPrefixAndBlockTypeListGiveTheSameLogits(String name) throws IOException {
        Path out = Files.createDirectories(tmp.resolve(name));
        ObjectMapper json = new ObjectMapper();
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(TinyFixtures.dir(name))) {
            Map<String, byte[]> data = new LinkedHashMap<>();
            Map<String, String> dtype = new LinkedHashMap<>();
            Map<String, long[]> shape = new LinkedHashMap<>();
            Map<String, List<TensorInfo>> fused = new LinkedHashMap<>();
            for (String n : ck.names()) {
                TensorInfo t = ck.find(n).orElseThrow();
                String renamed = n.startsWith("backbone.") ? "model." + n.substring("backbone.".length()) : n;
                Matcher m = EXPERT.matcher(renamed);
                if (m.matches()) {
                    fused.computeIfAbsent(m.group(1) + "experts." + m.group(3) + "_proj", k -> new ArrayList<>()).add(t);
                    continue;
                }
                data.put(renamed, t.data().toArray(ValueLayout.JAVA_BYTE));
                dtype.put(renamed, t.dtype().name());
                shape.put(renamed, t.shape());
            }
            for (var e : fused.entrySet()) {
                List<TensorInfo> parts = new ArrayList<>(e.getValue());
                parts.sort((a, b) -> Integer.compare(expertIndex(a.name()), expertIndex(b.name())));
                TensorInfo first = parts.get(0);
                ByteBuffer buf = ByteBuffer.allocate((int) (first.data().byteSize() * parts.size()));
                for (TensorInfo p : parts) buf.put(p.data().toArray(ValueLayout.JAVA_BYTE));
                data.put(e.getKey(), buf.array());
                dtype.put(e.getKey(), first.dtype().name());
                shape.put(e.getKey(), new long[] {parts.size(), first.shape()[0], first.shape()[1]});
            }
            // three shards with an index
            List<String> names = new ArrayList<>(data.keySet());
            ObjectNode index = json.createObjectNode();
            ObjectNode map = index.putObject("weight_map");
            for (int s = 0; s < 3; s++) {
                String file = "model-0000" + (s + 1) + "-of-00003.safetensors";
                Map<String, byte[]> part = new LinkedHashMap<>();
                for (int i = s; i < names.size(); i += 3) {
                    part.put(names.get(i), data.get(names.get(i)));
                    map.put(names.get(i), file);
                }
                write(out.resolve(file), part, dtype, shape);
            }
            Files.writeString(out.resolve("model.safetensors.index.json"), index.toString());
        }
        ObjectNode config = (ObjectNode) json.readTree(TinyFixtures.dir(name).resolve("config.json").toFile());
        String pattern = config.remove("hybrid_override_pattern").asText();
        ArrayNode types = config.putArray("layers_block_type");
        for (char c : pattern.toCharArray()) types.add(switch (c) {
            case 'M' -> "mamba";
            case '*' -> "attention";
            case 'E' -> "moe";
            default -> "mlp";
        });
        Files.writeString(out.resolve("config.json"), config.toString());

        try (NemotronHModel model = ModelSource.of(out).load(); Golden golden = Golden.load(name)) {
            for (JsonNode seq : golden.json().get("sequences")) {
                if (!seq.get("name").asText().equals("len64")) continue;
                float[] logits = model.forwardAll(model.newState(), TinyFixtures.ints(seq.get("tokens")), null);
                GoldenLogitsTest.assertClose(name + " re-saved", logits, golden.tensor(seq.get("logits").asText()), golden.tolerance());
            }
        }
    }

    private static int expertIndex(String n) {
        Matcher m = Pattern.compile("experts\\.(\\d+)\\.").matcher(n);
        if (!m.find()) throw new IllegalArgumentException(n);
        return Integer.parseInt(m.group(1));
    }

    static void write(Path file, Map<String, byte[]> tensors, Map<String, String> dtype, Map<String, long[]> shape) throws IOException {
        ObjectNode header = new ObjectMapper().createObjectNode();
        long off = 0;
        for (var e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype.get(e.getKey()));
            ArrayNode s = t.putArray("shape");
            for (long d : shape.get(e.getKey())) s.add(d);
            t.putArray("data_offsets").add(off).add(off + e.getValue().length);
            off += e.getValue().length;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            os.write(h);
            for (byte[] b : tensors.values()) os.write(b);
        }
    }
}

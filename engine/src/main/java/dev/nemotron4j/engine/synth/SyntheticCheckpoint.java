package dev.nemotron4j.engine.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.formats.gguf.GgmlQuantizer;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.weights.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a random but well-conditioned Hugging Face checkpoint for a config (benchmarking without real
 * weights): {@code config.json} plus one {@code model.safetensors} in BF16, F16 or F32, streamed in chunks so
 * memory stays bounded at any size. Matrices are uniform with standard deviation 1/√fan_in (output
 * projections half that), norms are 1, {@code A_log = log U(1,16)}, {@code D = 1}, {@code dt_bias} the inverse
 * softplus of a log-uniform step in [0.001, 0.1], biases 0. Each tensor draws from its own seeded stream,
 * so the same seed gives the same bytes.
 */
public final class SyntheticCheckpoint {
    private SyntheticCheckpoint() {}

    private enum Init { MATRIX, OUT_MATRIX, ONES, ZEROS, A_LOG, DT_BIAS, CONV }

    private record Spec(String name, long[] shape, Init init, int fanIn) {
        long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    /** Writes {@code dir/config.json} (a copy of {@code configJson} with {@code torch_dtype}) and {@code dir/model.safetensors}. */
    public static void write(Path configFile, Path dir, DType dtype, long seed) throws IOException {
        if (dtype != DType.BF16 && dtype != DType.F16 && dtype != DType.F32) throw new IllegalArgumentException("dtype must be bf16, f16 or f32");
        ModelConfig c = ModelConfig.load(configFile);
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode cfg = (ObjectNode) json.readTree(configFile.toFile());
        cfg.put("torch_dtype", switch (dtype) { case BF16 -> "bfloat16"; case F16 -> "float16"; default -> "float32"; });
        Files.writeString(dir.resolve("config.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));

        List<Spec> specs = specs(c);
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Spec s : specs) {
            ObjectNode t = header.putObject(s.name);
            t.put("dtype", dtype.name());
            ArrayNode shape = t.putArray("shape");
            for (long d : s.shape) shape.add(d);
            long bytes = s.elements() * dtype.bytes();
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(h);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        try (FileChannel out = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (head.hasRemaining()) out.write(head);
            int chunk = 1 << 20;
            float[] buf = new float[chunk];
            ByteBuffer bytes = ByteBuffer.allocate(chunk * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < specs.size(); i++) {
                Spec s = specs.get(i);
                SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + i);
                for (long done = 0; done < s.elements(); ) {
                    int n = (int) Math.min(chunk, s.elements() - done);
                    fill(s, rnd, buf, n);
                    bytes.clear();
                    GgmlQuantizer.quantize(dtype, buf, 0, n, bytes);
                    bytes.flip();
                    while (bytes.hasRemaining()) out.write(bytes);
                    done += n;
                }
            }
        }
    }

    private static void fill(Spec s, SplittableRandom rnd, float[] buf, int n) {
        switch (s.init) {
            case ONES -> java.util.Arrays.fill(buf, 0, n, 1f);
            case ZEROS -> java.util.Arrays.fill(buf, 0, n, 0f);
            case A_LOG -> { for (int i = 0; i < n; i++) buf[i] = (float) Math.log(1 + 15 * rnd.nextDouble()); }
            case DT_BIAS -> {
                for (int i = 0; i < n; i++) {
                    double dt = Math.exp(Math.log(1e-3) + rnd.nextDouble() * (Math.log(1e-1) - Math.log(1e-3)));
                    buf[i] = (float) (dt + Math.log(-Math.expm1(-dt)));
                }
            }
            default -> {
                double std = (s.init == Init.OUT_MATRIX ? 0.5 : 1.0) / Math.sqrt(s.fanIn);
                float half = (float) (std * Math.sqrt(3)); // uniform on [-half, half] has this std
                for (int i = 0; i < n; i++) buf[i] = (float) ((rnd.nextInt() * 0x1.0p-31) * half);
            }
        }
    }

    private static List<Spec> specs(ModelConfig c) {
        List<Spec> s = new ArrayList<>();
        int h = c.hiddenSize();
        s.add(new Spec("backbone.embeddings.weight", new long[] {c.vocabSize(), h}, Init.MATRIX, 1));
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "backbone.layers." + i + ".";
            String m = p + "mixer.";
            s.add(new Spec(p + "norm.weight", new long[] {h}, Init.ONES, 1));
            switch (c.layer(i)) {
                case MAMBA -> {
                    s.add(new Spec(m + "in_proj.weight", new long[] {c.inProjDim(), h}, Init.MATRIX, h));
                    s.add(new Spec(m + "conv1d.weight", new long[] {c.convDim(), 1, c.convKernel()}, Init.CONV, c.convKernel()));
                    if (c.useConvBias()) s.add(new Spec(m + "conv1d.bias", new long[] {c.convDim()}, Init.ZEROS, 1));
                    s.add(new Spec(m + "dt_bias", new long[] {c.mambaNumHeads()}, Init.DT_BIAS, 1));
                    s.add(new Spec(m + "A_log", new long[] {c.mambaNumHeads()}, Init.A_LOG, 1));
                    s.add(new Spec(m + "D", new long[] {c.mambaNumHeads()}, Init.ONES, 1));
                    s.add(new Spec(m + "norm.weight", new long[] {c.mambaInner()}, Init.ONES, 1));
                    s.add(new Spec(m + "out_proj.weight", new long[] {h, c.mambaInner()}, Init.OUT_MATRIX, c.mambaInner()));
                }
                case ATTENTION -> {
                    int q = c.numAttentionHeads() * c.headDim(), kv = c.numKeyValueHeads() * c.headDim();
                    s.add(new Spec(m + "q_proj.weight", new long[] {q, h}, Init.MATRIX, h));
                    s.add(new Spec(m + "k_proj.weight", new long[] {kv, h}, Init.MATRIX, h));
                    s.add(new Spec(m + "v_proj.weight", new long[] {kv, h}, Init.MATRIX, h));
                    s.add(new Spec(m + "o_proj.weight", new long[] {h, q}, Init.OUT_MATRIX, q));
                }
                case MOE -> {
                    int f = c.moeIntermediateSize(), sh = c.moeSharedExpertIntermediateSize();
                    s.add(new Spec(m + "gate.weight", new long[] {c.nRoutedExperts(), h}, Init.MATRIX, h));
                    s.add(new Spec(m + "gate.e_score_correction_bias", new long[] {c.nRoutedExperts()}, Init.ZEROS, 1));
                    for (int e = 0; e < c.nRoutedExperts(); e++) {
                        s.add(new Spec(m + "experts." + e + ".up_proj.weight", new long[] {f, h}, Init.MATRIX, h));
                        s.add(new Spec(m + "experts." + e + ".down_proj.weight", new long[] {h, f}, Init.OUT_MATRIX, f));
                    }
                    if (c.nSharedExperts() > 0) {
                        s.add(new Spec(m + "shared_experts.up_proj.weight", new long[] {sh, h}, Init.MATRIX, h));
                        s.add(new Spec(m + "shared_experts.down_proj.weight", new long[] {h, sh}, Init.OUT_MATRIX, sh));
                    }
                }
                case MLP -> {
                    s.add(new Spec(m + "up_proj.weight", new long[] {c.intermediateSize(), h}, Init.MATRIX, h));
                    s.add(new Spec(m + "down_proj.weight", new long[] {h, c.intermediateSize()}, Init.OUT_MATRIX, c.intermediateSize()));
                }
            }
        }
        s.add(new Spec("backbone.norm_f.weight", new long[] {h}, Init.ONES, 1));
        s.add(new Spec("lm_head.weight", new long[] {c.vocabSize(), h}, Init.MATRIX, h));
        return s;
    }
}

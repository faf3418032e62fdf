package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.kernels.GgmlBlocks;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.SequenceState;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * NVFP4 (ggml type 40) has no published fixture, so this test makes one: the pub-k model's weights are quantized
 * to NVFP4 after dividing by non-trivial {@code .scale} factors (one per tensor, shape [1], and one per expert,
 * shape [4], for the fused expert tensors), and the file must compute what an F32 file holding the exactly
 * dequantized weights times their scales computes — to float rounding, since the engine multiplies the product
 * by the scale where the reference multiplies each weight.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Nvfp4ModelTest {

    static final Path SOURCE = TinyFixtures.ROOT.resolveSibling("tiny-gguf-published").resolve("pub-k/iq4_xs.gguf");
    /** The matrices llama.cpp applies a {@code .scale} to (every quantized one but token_embd). */
    static final Set<String> SCALED = Set.of("ssm_in", "ssm_out", "attn_q", "attn_k", "attn_v", "attn_output",
            "ffn_up_shexp", "ffn_down_shexp", "ffn_up_exps", "ffn_down_exps", "output");
    static final float[] EXPERT_SCALES = {0.4f, 1.6f, 2.3f, 0.7f};
    static final int[] PROMPT = {1, 17, 200, 45, 383, 99, 5, 250, 64, 3};

    private Path tmp;
    private final WorkerPool pool = new WorkerPool(2);
    private Path nvfp4, reference, unscaled;

    @AfterAll
    void close() {
        pool.close();
    }

    private static String kind(String name) {
        String base = name.substring(0, name.length() - ".weight".length());
        return base.startsWith("blk.") ? base.substring(base.indexOf('.', 4) + 1) : base;
    }

    @BeforeAll
    void writeFiles(@TempDir Path dir) throws IOException {
        tmp = dir;
        nvfp4 = tmp.resolve("nvfp4.gguf");
        reference = tmp.resolve("reference-f32.gguf");
        unscaled = tmp.resolve("nvfp4-without-scales.gguf");
        List<GgufRewrite.Tensor> quant = new ArrayList<>(), ref = new ArrayList<>(), bare = new ArrayList<>();
        try (GgufFile src = GgufFile.open(SOURCE)) {
            int k = 0;
            for (TensorInfo t : src.tensors().values()) {
                if (!t.dtype().isQuantized()) {
                    quant.add(GgufRewrite.Tensor.copy(t));
                    ref.add(GgufRewrite.Tensor.copy(t));
                    bare.add(GgufRewrite.Tensor.copy(t));
                    continue;
                }
                long[] ne = GgufRewrite.ne(t);
                float[] w = GgufRewrite.values(t);
                boolean scaled = SCALED.contains(kind(t.name()));
                int experts = ne.length == 3 ? (int) ne[2] : 1;
                float[] scales = new float[experts];
                for (int e = 0; e < experts; e++) scales[e] = !scaled ? 1f : experts > 1 ? EXPERT_SCALES[e] : 0.3f + 0.45f * (k++ % 7);
                int per = w.length / experts;
                float[] divided = new float[w.length];
                for (int i = 0; i < w.length; i++) divided[i] = w[i] / scales[i / per];
                GgufRewrite.Tensor q = GgufRewrite.Tensor.quantized(t.name(), ne, DType.NVFP4, divided);
                float[] exact = new float[w.length];
                GgmlBlocks.dequantizeRun(DType.NVFP4, MemorySegment.ofBuffer(q.data()), 0, w.length, exact, 0);
                for (int i = 0; i < w.length; i++) exact[i] *= scales[i / per];
                quant.add(q);
                bare.add(q);
                ref.add(GgufRewrite.Tensor.f32(t.name(), ne, exact));
                String stem = t.name().substring(0, t.name().length() - ".weight".length());
                if (scaled) quant.add(GgufRewrite.Tensor.f32(stem + ".scale", new long[] {experts}, scales));
                if (t.name().equals("blk.0.ssm_in.weight")) { // written by llama.cpp's converter, never applied
                    quant.add(GgufRewrite.Tensor.f32(stem + ".input_scale", new long[] {1}, new float[] {7f}));
                }
            }
            GgufRewrite.write(nvfp4, src, quant);
            GgufRewrite.write(reference, src, ref);
            GgufRewrite.write(unscaled, src, bare);
        }
    }

    private float[] logits(Path file) {
        try (NemotronHModel m = ModelSource.of(file).load(pool)) {
            return m.forwardAll(m.newState(), PROMPT, null);
        }
    }

    private int[] greedy(Path file, int steps) {
        try (NemotronHModel m = ModelSource.of(file).load(pool)) {
            SequenceState s = m.newState();
            float[] logits = m.forwardLast(s, PROMPT);
            int[] ids = new int[steps];
            for (int i = 0; i < steps; i++) {
                int best = 0;
                for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
                ids[i] = best;
                if (i + 1 < steps) logits = m.forwardLast(s, new int[] {best});
            }
            return ids;
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
        return worst;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    @Test
    void theFileHoldsNvfp4MatricesAndScales() {
        try (GgufFile f = GgufFile.open(nvfp4)) {
            assertThat(f.tensors().get("blk.1.ffn_up_exps.weight").dtype()).isEqualTo(DType.NVFP4);
            assertThat(f.tensors().get("token_embd.weight").dtype()).isEqualTo(DType.NVFP4);
            assertThat(f.tensors().get("blk.1.ffn_up_exps.scale").shape()).containsExactly(4);
            assertThat(f.tensors().get("output.scale").shape()).containsExactly(1);
        }
    }

    @Test
    void logitsEqualTheExactlyDequantizedScaledWeightsToFloatRounding() {
        float[] expected = logits(reference);
        float[] actual = logits(nvfp4);
        double diff = maxAbsDiff(actual, expected);
        System.out.printf("NVFP4 with .scale vs F32 of dequantized × scale: max |Δlogit| %.3g (max |logit| %.3g)%n", diff, maxAbs(expected));
        assertThat(diff).isLessThan(1e-5 * Math.max(1, maxAbs(expected)));
        assertThat(greedy(nvfp4, 16)).containsExactly(greedy(reference, 16));
    }

    @Test
    void theScalesMatter() {
        // without the .scale tensors the same blocks give another model: the comparison above can fail
        assertThat(maxAbsDiff(logits(unscaled), logits(reference))).isGreaterThan(0.1);
    }

    private Path withScale(String name, UnaryOperator<GgufRewrite.Tensor> change) throws IOException {
        Path out = tmp.resolve("bad-" + name + ".gguf");
        try (GgufFile f = GgufFile.open(nvfp4)) {
            List<GgufRewrite.Tensor> tensors = new ArrayList<>();
            for (TensorInfo t : f.tensors().values()) {
                GgufRewrite.Tensor c = GgufRewrite.Tensor.copy(t);
                tensors.add(t.name().equals(name) ? change.apply(c) : c);
            }
            GgufRewrite.write(out, f, tensors);
        }
        return out;
    }

    @Test
    void aScaleOfTheWrongShapeOrValueIsNamed() throws IOException {
        Path shape = withScale("blk.1.ffn_up_exps.scale", t -> GgufRewrite.Tensor.f32(t.name(), new long[] {1}, new float[] {2f}));
        assertThatThrownBy(() -> ModelSource.of(shape).load(pool)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(shape.toString()).hasMessageContaining("tensor 'blk.1.ffn_up_exps.scale'")
                .hasMessageContaining("shape [1]").hasMessageContaining("[4]");
        Path nan = withScale("blk.0.ssm_out.scale", t -> GgufRewrite.Tensor.f32(t.name(), new long[] {1}, new float[] {Float.NaN}));
        assertThatThrownBy(() -> ModelSource.of(nan).load(pool)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'blk.0.ssm_out.scale'").hasMessageContaining("not finite");
    }
}

package dev.nemotron4j.engine.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.engine.GoldenLogitsTest;
import dev.nemotron4j.engine.TinyFixtures;
import dev.nemotron4j.engine.formats.gguf.GgufFile;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code convert} reads ModelOpt checkpoints: FP8 dequantized into the requested type (F32: exactly, so the GGUF
 * passes the FP8 fixture's golden), NVFP4 repacked into ggml NVFP4 blocks with {@code .scale} companions (exactly the
 * same weights: the GGUF passes the NVFP4 fixture's golden).
 */
class ModelOptConvertTest {

    @TempDir
    Path tmp;

    private static Path fixture(String name) {
        return TinyFixtures.MODELOPT.resolve(name);
    }

    /** The first {@code sequences} golden sequences of {@code fixture} (the checkpoints themselves pass them all: ModelOptCheckpointTest). */
    private static void assertPassesGolden(Path gguf, String fixture, double tolerance, int sequences) {
        try (NemotronHModel m = ModelSource.of(gguf).load(); TinyFixtures.Golden golden = TinyFixtures.Golden.load(fixture(fixture))) {
            int done = 0;
            for (JsonNode seq : golden.json().get("sequences")) {
                if (done++ == sequences) break;
                float[] logits = m.forwardAll(m.newState(), TinyFixtures.ints(seq.get("tokens")), null);
                GoldenLogitsTest.assertClose(fixture + " as GGUF " + seq.get("name").asText(), logits, golden.tensor(seq.get("logits").asText()), tolerance);
            }
        }
    }

    @Test
    void fp8DequantizesIntoTheRequestedType() throws Exception {
        Path f32 = tmp.resolve("fp8-a-f32.gguf");
        GgufConverter.convert(fixture("fp8-a"), f32, DType.F32);
        assertPassesGolden(f32, "fp8-a", 5e-4, 3);
        Path q8 = tmp.resolve("fp8-a-q8_0.gguf");
        GgufConverter.convert(fixture("fp8-a"), q8, DType.Q8_0);
        try (GgufFile f = GgufFile.open(q8)) {
            assertThat(f.tensors().get("blk.0.ssm_in.weight").dtype()).isEqualTo(DType.Q8_0);
        }
        // Q8_0 re-rounds the FP8 weights: close on a short sequence (measured 0.16; longer ones flip the tiny model's routing)
        assertPassesGolden(q8, "fp8-a", 0.5, 1);
    }

    @Test
    void shardedFp8DequantizesIntoBf16() throws Exception {
        // fp8-g: recipe all (attention FP8 too), 2 shards with a weight and its scale in different files
        Path bf16 = tmp.resolve("fp8-g-bf16.gguf");
        GgufConverter.convert(fixture("fp8-g"), bf16, DType.BF16);
        try (GgufFile f = GgufFile.open(bf16)) {
            for (String t : List.of("blk.0.attn_q.weight", "blk.1.ffn_up_exps.weight", "blk.2.ssm_in.weight")) {
                assertThat(f.tensors().get(t).dtype()).as(t).isEqualTo(DType.BF16);
            }
            assertThat(f.tensors().keySet()).as("no scales left: dequantized").noneMatch(n -> n.endsWith(".scale"));
        }
        // BF16 re-rounds the FP8 values (3 mantissa bits times a float32 scale) to 8 bits: close on a short sequence
        assertPassesGolden(bf16, "fp8-g", 0.5, 1);
    }

    @Test
    void nvfp4RepacksIntoGgmlNvfp4WithItsScales() throws Exception {
        Path out = tmp.resolve("nvfp4-a.gguf");
        GgufConverter.convert(fixture("nvfp4-a"), out, DType.NVFP4);
        float global;
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(fixture("nvfp4-a"))) {
            global = ck.find("backbone.layers.0.mixer.in_proj.weight_scale_2").orElseThrow().data()
                    .get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        }
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.tensors().get("blk.0.ssm_in.weight").dtype()).isEqualTo(DType.NVFP4);
            assertThat(f.tensors().get("blk.0.ssm_in.scale").data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0)).isEqualTo(global);
            assertThat(f.tensors().get("blk.1.ffn_up_exps.weight").dtype()).isEqualTo(DType.NVFP4);
            assertThat(f.tensors().get("blk.1.ffn_up_exps.scale").shape()).containsExactly(8);
            assertThat(f.tensors().get("blk.1.ffn_down_exps.weight").dtype()).as("rows of 32: not whole 64-blocks").isEqualTo(DType.F32);
            assertThat(f.tensors().get("blk.3.attn_q.weight").dtype()).as("kept BF16").isEqualTo(DType.BF16);
            assertThat(((Number) f.metadata().get("general.file_type")).intValue()).isEqualTo(39);
        }
        assertPassesGolden(out, "nvfp4-a", 5e-4, 3);
    }

    @Test
    void nvfp4IsOnlyForNvfp4Checkpoints() {
        assertThatThrownBy(() -> GgufConverter.convert(fixture("src-a"), tmp.resolve("x.gguf"), DType.NVFP4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nvfp4");
    }
}

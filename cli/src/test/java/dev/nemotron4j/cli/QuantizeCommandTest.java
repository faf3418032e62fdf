package dev.nemotron4j.cli;

import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code nemotron4j quantize}: the command around the engine's ModelOptQuantizer (whose bytes its own test checks). */
class QuantizeCommandTest {

    @TempDir
    Path tmp;

    static Path modelopt(String name) {
        return TestData.path("tiny-modelopt").resolve(name);
    }

    @Test
    void quantizesWithBuiltInCalibrationIntoALoadableCheckpoint() throws Exception {
        Path out = tmp.resolve("fp8");
        var r = CliContractTest.run("", "quantize", "--model", modelopt("src-a").toString(), "--out", out.toString(), "--format", "fp8");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("calibrating on 8 prompts").contains("100%").contains("wrote");
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out); SafetensorsCheckpoint fixture = SafetensorsCheckpoint.open(modelopt("fp8-a"))) {
            for (String n : fixture.names()) {
                TensorInfo want = fixture.find(n).orElseThrow();
                TensorInfo got = ck.find(n).orElseThrow(() -> new AssertionError("missing " + n));
                if (n.endsWith("_scale") && !n.endsWith("weight_scale")) {
                    // calibrated from other prompts: a positive scale of the same kind, not the fixture's value
                    float v = got.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
                    assertThat(v).as(n).isPositive().isFinite();
                    if (n.endsWith(".k_scale") || n.endsWith(".v_scale")) assertThat(v).as(n + " never below 1").isGreaterThanOrEqualTo(1f);
                    continue;
                }
                assertThat(got.data().toArray(ValueLayout.JAVA_BYTE)).as(n).isEqualTo(want.data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        assertThat(Files.readString(out.resolve("hf_quant_config.json"))).contains("\"kv_cache_quant_algo\" : \"FP8\"");
        try (NemotronHModel m = ModelSource.of(out).load()) {
            assertThat(m.forwardAll(m.newState(), new int[] {1, 2, 3}, null)).hasSize(3 * 512);
        }
    }

    @Test
    void aCalibrationFileOfTokensIsUsed() throws Exception {
        Path cal = Files.writeString(tmp.resolve("cal.jsonl"), "{\"tokens\": [1, 17, 42, 300, 7]}\n\n{\"text\": \"hello world\"}\n");
        Path out = tmp.resolve("nvfp4");
        var r = CliContractTest.run("", "quantize", "--model", modelopt("src-a").toString(), "--out", out.toString(), "--format", "nvfp4",
                "--recipe", "all", "--calibration", cal.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("calibrating on 2 prompts");
        assertThat(Files.readString(out.resolve("hf_quant_config.json"))).contains("NVFP4").contains("\"group_size\" : 16");
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(out)) {
            assertThat(ck.find("backbone.layers.3.mixer.q_proj.weight_scale_2")).isPresent();
            assertThat(ck.find("backbone.layers.3.mixer.q_proj.input_scale")).isPresent();
        }
    }

    @Test
    void badInputGivesOneClearLine() throws Exception {
        var q = CliContractTest.run("", "quantize", "--model", modelopt("fp8-a").toString(), "--out", tmp.resolve("x").toString(), "--format", "fp8");
        assertThat(q.exit()).isNotZero();
        assertThat(q.err()).contains("already quantized").contains("fp8-a");
        assertThat(tmp.resolve("x")).doesNotExist();

        var f = CliContractTest.run("", "quantize", "--model", modelopt("src-a").toString(), "--out", tmp.resolve("y").toString(), "--format", "int4");
        assertThat(f.exit()).isNotZero();
        assertThat(f.err()).contains("unknown format 'int4'");

        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"prompt\": 1}\n");
        var c = CliContractTest.run("", "quantize", "--model", modelopt("src-a").toString(), "--out", tmp.resolve("z").toString(), "--format", "fp8",
                "--calibration", bad.toString());
        assertThat(c.exit()).isNotZero();
        assertThat(c.err()).contains("bad.jsonl:1");
    }
}

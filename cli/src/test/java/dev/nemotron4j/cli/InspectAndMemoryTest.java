package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code inspect} tells what a file really is (types, bits per weight, llama-quantize's fallbacks, memory plan), and the
 * launcher's pre-pass ({@link JvmOptions}) sizes the heap from the model and the command.
 */
class InspectAndMemoryTest {

    @TempDir
    Path tmp;

    static Path published(String model, String label) {
        return TestData.path("tiny-gguf-published").resolve(model).resolve(label + ".gguf");
    }

    /** The per-type tensor counts in testdata/tiny-gguf-published/index.json, as llama-quantize reported them. */
    static Map<String, JsonNode> typeCounts(String model, String label) throws Exception {
        JsonNode index = new ObjectMapper().readTree(TestData.path("tiny-gguf-published/index.json").toFile());
        JsonNode types = index.get("models").get(model).get("files").get(label).get("tensor_types");
        Map<String, JsonNode> m = new java.util.TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = types.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    static int tensorsOfType(String out, String type) {
        Matcher m = Pattern.compile("(?m)^  " + type + " +(\\d+) ").matcher(out.substring(out.indexOf("storage by type:")));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** ModelOpt NVFP4/FP8: two weights per packed U8 byte, scale tensors are bytes of their matrix, not parameters. */
    @Test
    void modelOptCheckpointsCountWeightsNotBytes() throws Exception {
        for (String name : List.of("nvfp4-a", "fp8-a")) {
            var r = CliContractTest.run("", "inspect", "--model", TestData.path("tiny-modelopt").resolve(name).toString(), "--no-tensors");
            assertThat(r.exit()).as(r.err()).isZero();
            String out = r.out();
            Matcher config = Pattern.compile("(?m)^  total +([0-9,]+)$").matcher(out);
            assertThat(config.find()).as(out).isTrue();
            String total = config.group(1); // the config's parameter count
            assertThat(out).as(name).containsPattern("(?m)^  total +\\d+ +" + total + " ");
            if (name.equals("nvfp4-a")) {
                assertThat(out).containsPattern("(?m)^  U8 +76 +222,208 +111,104 ").containsPattern("(?m)^  F8_E4M3 +76 +0 +13,888 ")
                        .contains("bits per weight: 9.163 over the 94 matrices");
            } else {
                assertThat(out).containsPattern("(?m)^  F8_E4M3 +76 +222,208 +222,208 ");
            }
        }
    }

    @Test
    void aQ4KMFileIsShownAsTheQ5_0AndQ8_0FileItIs() throws Exception {
        var r = CliContractTest.run("", "inspect", "--model", published("pub-r", "q4_k_m").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String out = r.out();
        for (Map.Entry<String, JsonNode> e : typeCounts("pub-r", "q4_k_m").entrySet()) {
            assertThat(tensorsOfType(out, e.getKey())).as(e.getKey()).isEqualTo(e.getValue().asInt());
        }
        assertThat(out).contains("file type: Q4_K_M (general.file_type 15), nominal tensor type Q4_K")
                .contains("fallback types: 20 matrices").contains("rows (160, 224, 320 wide) are not whole 256-element blocks")
                .contains("Q4_K -> Q5_0 (the file's type): 15 tensors")
                .contains("Q6_K -> Q8_0 (a type the mixture gives such tensors): 5 tensors")
                .contains("    blk.1.ffn_down_exps.weight  Q5_0 [8, 320, 160]")
                .contains("other types: 1 matrix not in Q4_K").contains("  Q5_K: 1 tensor")
                .contains("    blk.3.attn_output.weight  Q5_K [320, 256]");
        // the 24 quantized matrices: 3,104,160 bytes for 4,185,600 weights
        assertThat(out).contains("bits per weight: 5.933 over the 24 matrices not stored as F32 (4,185,600 parameters)");
    }

    @Test
    void filesWithoutFallbacksListOnlyTheMixturesChoices() throws Exception {
        var mx = CliContractTest.run("", "inspect", "--model", published("pub-r", "mxfp4_moe").toString(), "--no-tensors");
        assertThat(mx.exit()).as(mx.err()).isZero();
        assertThat(mx.out()).contains("file type: MXFP4_MOE (general.file_type 38), nominal tensor type MXFP4")
                .doesNotContain("fallback types").contains("other types: 18 matrices not in MXFP4").contains("  Q8_0: 18 tensors")
                .doesNotContain("    blk.0.ssm_in.weight"); // --no-tensors lists no names
        for (Map.Entry<String, JsonNode> e : typeCounts("pub-r", "mxfp4_moe").entrySet()) {
            assertThat(tensorsOfType(mx.out(), e.getKey())).as(e.getKey()).isEqualTo(e.getValue().asInt());
        }
        var iq = CliContractTest.run("", "inspect", "--model", published("pub-r", "iq4_xs_mix").toString(), "--no-tensors");
        assertThat(iq.out()).contains("IQ4_XS -> IQ4_NL (the file's type): 17 tensors").contains("Q6_K -> Q8_0 (a type the mixture gives such tensors): 3 tensors");
        var pure = CliContractTest.run("", "inspect", "--model", GgufCommandsTest.gguf("tiny-a", "q8_0").toString(), "--no-tensors");
        assertThat(pure.out()).contains("nominal tensor type Q8_0").doesNotContain("fallback types")
                .contains("other types: 3 matrices not in Q8_0").contains("  F16: 3 tensors"); // the converter keeps the 4-wide conv in F16
    }

    @Test
    void theMemoryPlanOfTheRealConfigIsInTheOutput() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("nano"));
        try (InputStream in = CliContractTest.class.getResourceAsStream("/nano-30b-a3b-config.json")) {
            Files.copy(in, dir.resolve("config.json"));
        }
        var r = CliContractTest.run("", "inspect", "--model", dir.toString(), "--context", "4096");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("per sequence: Mamba state (conv + SSM, float32, 23 layers)").contains("47.62 MiB (49,930,240 bytes)")
                .contains("2.0 KiB (2,048 bytes) f32, 1.0 KiB (1,024 bytes) f16, 0.5 KiB (512 bytes) fp8")
                .contains("per sequence: KV cache per token (6 attention layers)").contains("12.0 KiB (12,288 bytes) f32")
                .contains("one sequence at 4096 tokens").contains("JVM heap the launcher gives chat at 4096 tokens").contains("-Xmn32m");
    }

    @Test
    void theHeapIsSizedFromTheModelAndTheCommandAndCappedByTheMachine() throws Exception {
        MemoryPlan plan = new MemoryPlan(ModelSource.of(TestData.tiny("tiny-a")).config(), 1_000_000);
        MemoryPlan.Workload w = new MemoryPlan.Workload(1, 4096, 256, 8, KvCacheType.F32, true);
        JvmHeap free = JvmHeap.of(plan, w, 64L << 30);
        assertThat(free.capped()).isFalse();
        assertThat(free.maxBytes()).isEqualTo(Math.max(128L << 20, (plan.heapBytes(w) + (16 << 20) - 1) / (16 << 20) * (16 << 20)));
        assertThat(free.flags()).containsExactly("-Xmx" + (free.maxBytes() >> 20) + "m", "-Xmn32m", "-Xms64m");
        MemoryPlan big = new MemoryPlan(plan.config(), 30L << 30);
        MemoryPlan.Workload many = new MemoryPlan.Workload(64, 1 << 20, 512, 64, KvCacheType.F32, true);
        JvmHeap capped = JvmHeap.of(big, many, 32L << 30);
        assertThat(capped.capped()).isTrue();
        assertThat(capped.maxBytes()).isEqualTo((32L << 30) - (30L << 30) - JvmHeap.RESERVE_BYTES);
        assertThat(JvmHeap.of(big, many, 30L << 30).maxBytes()).as("never below the minimum").isEqualTo(JvmHeap.MIN_HEAP_BYTES);
    }

    @Test
    void thePrePassPrintsFlagsForCommandsThatRunAModelAndNothingElse() {
        String gguf = GgufCommandsTest.gguf("tiny-a", "q8_0").toString();
        String bench = JvmOptions.flags(new String[] {"bench", "--model", gguf, "--pp", "0", "--tg", "32"});
        assertThat(bench).matches("-Xmx\\d+m -Xmn32m -Xms64m");
        String serve = JvmOptions.flags(new String[] {"serve", "--model=" + gguf, "--max-batch", "64", "--context", "100000"});
        assertThat(xmx(serve)).as("64 sequences of 100K tokens need more heap").isGreaterThan(xmx(bench));
        String f16 = JvmOptions.flags(new String[] {"serve", "--model=" + gguf, "--max-batch", "64", "--context", "100000", "--kv-cache", "f16"});
        assertThat(xmx(f16)).isLessThan(xmx(serve));
        assertThat(JvmOptions.flags(new String[] {"eval", "run", "--model", gguf, "--task", "gsm8k"})).startsWith("-Xmx");
        assertThat(JvmOptions.flags(new String[] {"convert", "--model", TestData.tiny("tiny-a").toString(), "--out", "x.gguf"})).isEmpty();
        assertThat(JvmOptions.flags(new String[] {"serve", "--help"})).isEmpty();
        assertThat(JvmOptions.flags(new String[] {"eval", "run", "--endpoint", "http://localhost:1/v1"})).isEmpty();
        assertThat(JvmOptions.flags(new String[] {})).isEmpty();
    }

    private static long xmx(String flags) {
        Matcher m = Pattern.compile("-Xmx(\\d+)m").matcher(flags);
        assertThat(m.find()).as(flags).isTrue();
        return Long.parseLong(m.group(1));
    }
}

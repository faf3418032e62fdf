package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** inspect, logits and generate on a GGUF file; convert then inspect; synth writes a loadable checkpoint. */
class GgufCommandsTest {

    @TempDir
    Path tmp;

    static Path gguf(String model, String type) {
        return CliContractTest.root().resolve("testdata/tiny-gguf").resolve(model).resolve(type + ".gguf");
    }

    @Test
    void inspectShowsTheGgufLayoutAndTypes() {
        var r = CliContractTest.run("", "inspect", "--model", gguf("tiny-a", "q4_0").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("pattern: MEM*EME").contains("blk.1.ffn_up_exps.weight").contains("Q4_0  [8, 32, 64]");
    }

    @Test
    void logitsAndGreedyIdsFromAGgufMatchItsGolden() throws Exception {
        Path file = gguf("tiny-a", "q8_0");
        JsonNode golden = new ObjectMapper().readTree(file.resolveSibling("q8_0.golden-dequant.json").toFile());
        JsonNode seq = golden.get("sequences").get(0); // len1
        Path out = tmp.resolve("l.bin");
        var r = CliContractTest.run("", "logits", "--model", file.toString(), "--tokens", CliContractTest.join(seq.get("tokens"), ","), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        int best = 0;
        for (int i = 1; i < 512; i++) if (b.getFloat(4 * i) > b.getFloat(4 * best)) best = i;
        assertThat(best).isEqualTo(seq.get("argmax").get(0).asInt());

        JsonNode decode = golden.get("decode");
        var g = CliContractTest.run("", "generate", "--model", file.toString(), "--prompt-ids", CliContractTest.join(decode.get("prompt"), ","),
                "--max-tokens", "16", "--temperature", "0");
        assertThat(g.exit()).as(g.err()).isZero();
        assertThat(g.out().trim()).isEqualTo(CliContractTest.join(decode.get("generated"), " "));
    }

    @Test
    void convertWritesAFileInspectReads() {
        Path out = tmp.resolve("tiny-c-q4_0.gguf");
        var r = CliContractTest.run("", "convert", "--model", CliContractTest.tiny("tiny-c").toString(), "--out", out.toString(), "--type", "q4_0");
        assertThat(r.exit()).as(r.err()).isZero();
        var i = CliContractTest.run("", "inspect", "--model", out.toString(), "--no-tensors");
        assertThat(i.exit()).as(i.err()).isZero();
        assertThat(i.out()).contains("pattern: *EMEME").contains("n_group 4 / topk_group 2");
    }
}

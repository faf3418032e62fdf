package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command takes {@code --model} as a directory or a GGUF file ({@code ModelSource}): inspect, logits, generate,
 * template, tokenize and chat on a GGUF file; convert then inspect; one clear error for a path that is neither.
 */
class GgufCommandsTest {

    @TempDir
    Path tmp;

    static Path gguf(String model, String type) {
        return TestData.path("tiny-gguf").resolve(model).resolve(type + ".gguf");
    }

    @Test
    void inspectShowsTheGgufLayoutAndTypes() {
        var r = CliContractTest.run("", "inspect", "--model", gguf("tiny-a", "q4_0").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("pattern: MEM*EME").contains("blk.1.ffn_up_exps.weight").contains("Q4_0    [8, 32, 64]");
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
        var r = CliContractTest.run("", "convert", "--model", TestData.tiny("tiny-c").toString(), "--out", out.toString(), "--type", "q4_0");
        assertThat(r.exit()).as(r.err()).isZero();
        var i = CliContractTest.run("", "inspect", "--model", out.toString(), "--no-tensors");
        assertThat(i.exit()).as(i.err()).isZero();
        assertThat(i.out()).contains("pattern: *EMEME").contains("n_group 4 / topk_group 2");
    }

    @Test
    void textCommandsReadTheTokenizerAndTemplateFromTheGgufMetadata() throws Exception {
        Path file = gguf("tiny-a", "q8_0");
        Path messages = TestData.path("chat/03_multi_turn_tool_call.input.json");
        var fromDir = CliContractTest.run("", "template", "--model", TestData.tiny("tiny-a").toString(), "--messages", messages.toString());
        var fromGguf = CliContractTest.run("", "template", "--model", file.toString(), "--messages", messages.toString());
        assertThat(fromGguf.exit()).as(fromGguf.err()).isZero();
        assertThat(fromGguf.out()).isNotEmpty().isEqualTo(fromDir.out());

        Path in = Files.writeString(tmp.resolve("in.jsonl"), "{\"text\": \"Hello world, naïve café\"}\n{\"text\": \"  tabs\\tand 123\"}\n");
        var dirIds = CliContractTest.run("", "tokenize", "--model", TestData.tiny("tiny-a").toString(), "--input", in.toString(),
                "--output", tmp.resolve("dir.jsonl").toString());
        var ggufIds = CliContractTest.run("", "tokenize", "--model", file.toString(), "--input", in.toString(),
                "--output", tmp.resolve("gguf.jsonl").toString());
        assertThat(ggufIds.exit()).as(ggufIds.err()).isZero();
        assertThat(dirIds.exit()).as(dirIds.err()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("gguf.jsonl"))).hasSize(2).isEqualTo(Files.readAllLines(tmp.resolve("dir.jsonl")));

        var chat = CliContractTest.run("Hello\n", "chat", "--model", file.toString(), "--max-tokens", "4", "--seed", "1");
        assertThat(chat.exit()).as(chat.err()).isZero();
    }

    @Test
    void aPathThatIsNeitherADirectoryNorAGgufFileGetsOneErrorInEveryCommand() throws Exception {
        Path notGguf = Files.writeString(tmp.resolve("model.gguf"), "plain text, not a model");
        Path noConfig = Files.createDirectories(tmp.resolve("no-config"));
        Path messages = TestData.path("chat/01_single_turn_reasoning_on.input.json");
        Path in = Files.writeString(tmp.resolve("in.jsonl"), "{\"text\": \"x\"}\n");
        for (Path bad : new Path[] {notGguf, noConfig}) {
            String[][] commands = {
                    {"inspect", "--model", bad.toString()},
                    {"logits", "--model", bad.toString(), "--tokens", "1", "--out", tmp.resolve("l.bin").toString()},
                    {"generate", "--model", bad.toString(), "--prompt-ids", "1"},
                    {"generate", "--model", bad.toString(), "--prompt", "hi"},
                    {"template", "--model", bad.toString(), "--messages", messages.toString()},
                    {"tokenize", "--model", bad.toString(), "--input", in.toString(), "--output", tmp.resolve("o.jsonl").toString()},
                    {"bench", "--model", bad.toString(), "--pp", "1", "--tg", "1", "--reps", "1"},
                    {"convert", "--model", bad.toString(), "--out", tmp.resolve("o.gguf").toString()},
                    {"serve", "--model", bad.toString(), "--port", "0"},
                    {"chat", "--model", bad.toString()},
            };
            for (String[] args : commands) {
                var r = CliContractTest.run("", args);
                assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
                assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("error: " + bad)
                        .contains("expected a Hugging Face model directory (config.json + *.safetensors) or a GGUF file")
                        .doesNotContain("\n");
            }
        }
    }

    @Test
    void convertRefusesAGgufFileByName() {
        Path file = gguf("tiny-a", "q8_0");
        var r = CliContractTest.run("", "convert", "--model", file.toString(), "--out", tmp.resolve("o.gguf").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(file.toString()).contains("convert reads a Hugging Face directory");
    }
}

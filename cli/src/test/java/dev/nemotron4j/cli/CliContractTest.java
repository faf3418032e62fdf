package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command-line contract external checks rely on: logits, generate, inspect, chat with piped input. */
class CliContractTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    static synchronized Run run(String stdin, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            var cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    static JsonNode golden(String model) throws Exception {
        return new ObjectMapper().readTree(TestData.tiny(model).resolve("golden.json").toFile());
    }

    static String join(JsonNode ids, String sep) {
        List<String> s = new ArrayList<>();
        ids.forEach(n -> s.add(n.asText()));
        return String.join(sep, s);
    }

    @Test
    void logitsWritesFloat32LittleEndianRows() throws Exception {
        JsonNode seq = golden("tiny-b").get("sequences").get(1);
        Path out = tmp.resolve("l.bin");
        Run r = run("", "logits", "--model", TestData.tiny("tiny-b").toString(), "--tokens", join(seq.get("tokens"), ","), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        byte[] bytes = Files.readAllBytes(out);
        int t = seq.get("tokens").size(), vocab = 384;
        assertThat(bytes.length).isEqualTo(4 * t * vocab);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int row = 0; row < t; row++) {
            int arg = 0;
            for (int i = 1; i < vocab; i++) if (b.getFloat(4 * (row * vocab + i)) > b.getFloat(4 * (row * vocab + arg))) arg = i;
            assertThat(arg).as("argmax of row %d", row).isEqualTo(seq.get("argmax").get(row).asInt());
        }
    }

    @Test
    void generateGreedyIdsMatchTheGoldenDecode() throws Exception {
        for (String model : List.of("tiny-a", "tiny-c", "tiny-d")) {
            JsonNode d = golden(model).get("decode");
            Run r = run("", "generate", "--model", TestData.tiny(model).toString(), "--prompt-ids", join(d.get("prompt"), ","),
                    "--max-tokens", String.valueOf(d.get("generated").size()), "--temperature", "0", "--output", "ids");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out().strip()).as(model).isEqualTo(join(d.get("generated"), " "));
        }
    }

    @Test
    void halfPrecisionCacheDecodesTheGoldenTokensAndBadTypesAreRejected() throws Exception {
        for (String model : List.of("tiny-a", "tiny-d")) {
            JsonNode d = golden(model).get("decode");
            Run r = run("", "generate", "--model", TestData.tiny(model).toString(), "--prompt-ids", join(d.get("prompt"), ","),
                    "--max-tokens", String.valueOf(d.get("generated").size()), "--temperature", "0", "--output", "ids", "--kv-cache", "f16");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out().strip()).as(model).isEqualTo(join(d.get("generated"), " "));
        }
        Run bad = run("", "generate", "--model", TestData.tiny("tiny-a").toString(), "--prompt-ids", "1,2", "--kv-cache", "q4");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("--kv-cache").contains("expected f32, f16 or fp8").doesNotContain("Exception in");
    }

    @Test
    void generateWithSeedIsRepeatableAndStopIdsWork() {
        String[] args = {"generate", "--model", TestData.tiny("tiny-a").toString(), "--prompt-ids", "5,6,7", "--max-tokens", "12", "--seed", "42", "--temperature", "0.8"};
        Run a = run("", args), b = run("", args);
        assertThat(a.out()).isEqualTo(b.out()).isNotBlank();
        String first = a.out().strip().split(" ")[2];
        Run stopped = run("", "generate", "--model", TestData.tiny("tiny-a").toString(), "--prompt-ids", "5,6,7", "--max-tokens", "12",
                "--seed", "42", "--temperature", "0.8", "--stop-ids", first);
        assertThat(stopped.out().strip().split(" ")).hasSizeLessThanOrEqualTo(3).contains(first);

        Run text1 = run("", "generate", "--model", TestData.tiny("tiny-a").toString(), "--prompt", "Hello", "--chat", "--seed", "3", "--max-tokens", "10", "--output", "json");
        Run text2 = run("", "generate", "--model", TestData.tiny("tiny-a").toString(), "--prompt", "Hello", "--chat", "--seed", "3", "--max-tokens", "10", "--output", "json");
        assertThat(text1.exit()).as(text1.err()).isZero();
        String timingFree1 = text1.out().replaceAll("\"decode_tokens_per_s\":[0-9.E-]+", "");
        String timingFree2 = text2.out().replaceAll("\"decode_tokens_per_s\":[0-9.E-]+", "");
        assertThat(timingFree1).isEqualTo(timingFree2).contains("\"completion_tokens\":10");
    }

    @Test
    void badInputGivesOneClearLine() {
        Run r = run("", "generate", "--model", TestData.tiny("tiny-a").toString(), "--prompt-ids", "1,99999", "--temperature", "0");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("error: token id 99999");
        Run missing = run("", "logits", "--model", tmp.resolve("nope").toString(), "--tokens", "1", "--out", tmp.resolve("x").toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("nope").doesNotContain("Exception in");
    }

    @Test
    void inspectOnTheRealConfigReportsTheSpecifiedCounts() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("nano"));
        try (InputStream in = CliContractTest.class.getResourceAsStream("/nano-30b-a3b-config.json")) {
            Files.copy(in, dir.resolve("config.json"));
        }
        Run r = run("", "inspect", "--model", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("31,577,940,288").contains("3,580,076,352").contains("3,227,754,816")
                .contains("MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME");

        Run t = run("", "inspect", "--model", TestData.tiny("tiny-d").toString());
        assertThat(t.out()).contains("backbone.layers.0.mixer.in_proj.weight").contains("BF16").contains("model-00002-of-00002.safetensors");
    }

    @Test
    void chatWorksWithPipedInput() {
        Run r = run("Hello\n/think off\nAnd now?\n/budget 2\n/system Be brief\n/reset\nBye\n", "chat", "--model", TestData.tiny("tiny-a").toString(),
                "--max-tokens", "8", "--seed", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("<think>").contains("reasoning off").contains("reasoning budget 2 tokens")
                .contains("system prompt set").contains("conversation cleared");
        assertThat(r.out().lines().filter(l -> l.startsWith("[8 tokens")).count()).isEqualTo(3);
    }
}

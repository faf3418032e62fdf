package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tokenize} and {@code template} against the fixtures. */
class TextCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void tokenizeJsonlMatchesTheTinyTokenizerCases() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> input = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.path("tiny/tokenizer-cases.jsonl"))) {
            JsonNode c = json.readTree(line);
            if (c.get("vocab_size").asInt() != 512) continue;
            input.add(json.createObjectNode().put("text", c.get("text").asText()).toString());
            expected.add(c.get("ids"));
        }
        Path in = tmp.resolve("in.jsonl"), out = tmp.resolve("out.jsonl");
        Files.write(in, input);
        CliContractTest.Run r = CliContractTest.run("", "tokenize", "--model", TestData.tiny("tiny-a").toString(),
                "--input", in.toString(), "--output", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> got = Files.readAllLines(out);
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < got.size(); i++) assertThat(json.readTree(got.get(i)).get("ids")).as("line %d", i).isEqualTo(expected.get(i));
    }

    @Test
    void templateRendersEveryChatFixtureByteExactly() throws Exception {
        Path chat = TestData.path("chat");
        List<Path> inputs;
        try (Stream<Path> s = Files.list(chat)) {
            inputs = s.filter(p -> p.getFileName().toString().endsWith(".input.json")).sorted().toList();
        }
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(8);
        for (Path input : inputs) {
            Path expected = chat.resolve(input.getFileName().toString().replace(".input.json", ".expected.txt"));
            CliContractTest.Run r = CliContractTest.run("", "template", "--model", TestData.tiny("tiny-a").toString(),
                    "--messages", input.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).as(input.getFileName().toString()).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
        }
    }
}

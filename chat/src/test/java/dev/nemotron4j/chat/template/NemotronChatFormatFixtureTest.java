package dev.nemotron4j.chat.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestReader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every chat fixture renders byte for byte. */
class NemotronChatFormatFixtureTest {

    static final Path FIXTURES = Path.of("../testdata/chat");

    /** Edge cases rendered by the real Jinja template (see generate.py there). */
    static final Path REFERENCE_RENDERS = Path.of("src/test/resources/reference-renders");

    @TestFactory
    Stream<DynamicTest> everyFixtureRendersExactly() throws IOException {
        return rendersOf(FIXTURES);
    }

    @TestFactory
    Stream<DynamicTest> everyJinjaReferenceRenderMatches() throws IOException {
        return rendersOf(REFERENCE_RENDERS);
    }

    private static Stream<DynamicTest> rendersOf(Path directory) throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(directory)) {
            inputs = files.filter(p -> p.getFileName().toString().endsWith(".input.json")).sorted().toList();
        }
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(8);
        return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
            String name = input.getFileName().toString().replace(".input.json", "");
            byte[] expected = Files.readAllBytes(directory.resolve(name + ".expected.txt"));
            ChatRequest request = ChatRequestReader.read(input);
            String rendered = NemotronChatFormat.render(request);
            assertThat(rendered).isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(rendered.getBytes(StandardCharsets.UTF_8)).isEqualTo(expected);
        }));
    }

    /** 300 random conversations rendered by the real Jinja template (see generate_random.py there). */
    @Test
    void randomConversationsMatchJinja() throws IOException {
        List<String> lines = Files.readAllLines(REFERENCE_RENDERS.resolve("random-cases.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines).hasSizeGreaterThan(250);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = json.readTree(lines.get(i));
            String rendered = NemotronChatFormat.render(ChatRequestReader.read(line.get("request")));
            assertThat(rendered).as("case %d: %s", i, line.get("request")).isEqualTo(line.get("expected").textValue());
        }
    }

    @Test
    void tinyModelDirectoryCarriesTheNemotronTemplate() throws IOException {
        assertThat(ChatTemplates.forModelDirectory(Path.of("../testdata/tiny/tiny-a")))
                .isEqualTo(SupportedChatTemplate.NEMOTRON_3_NANO);
    }
}

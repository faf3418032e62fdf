package dev.nemotron4j.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server reaches the model only through the runtime ({@code TextService} and its types) and the chat module: its
 * main sources name no engine or tokenizer package (imported or written out in full), and its pom does not depend on
 * those modules. (Maven still puts them on the classpath through the runtime; this keeps the server from using them.)
 * The other side is the runtime's {@code RuntimeApiTest}: no public runtime signature names an engine or tokenizer type.
 */
class RuntimeIsTheOnlyDoorTest {
    private static final Pattern BEHIND_THE_RUNTIME = Pattern.compile("dev\\.nemotron4j\\.(engine|tokenizer)\\b");

    @Test
    void serverSourcesNameNoEngineOrTokenizerPackage() throws IOException {
        Path main = Path.of("src/main/java");
        assertThat(main.resolve("dev/nemotron4j/server/OpenAiServer.java")).as("run from the server module").isRegularFile();
        List<String> reaches = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(main)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        for (Path f : sources) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = BEHIND_THE_RUNTIME.matcher(lines.get(i));
                if (m.find()) reaches.add(main.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
        }
        assertThat(sources).hasSizeGreaterThan(10);
        assertThat(reaches).as("the server names engine / tokenizer types; offer what it needs in the runtime").isEmpty();
    }

    @Test
    void serverPomDependsOnRuntimeAndChatNotOnEngineOrTokenizer() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<artifactId>nemotron4j-runtime</artifactId>").contains("<artifactId>nemotron4j-chat</artifactId>");
        assertThat(pom).doesNotContain("<artifactId>nemotron4j-engine</artifactId>").doesNotContain("<artifactId>nemotron4j-tokenizer</artifactId>");
    }
}

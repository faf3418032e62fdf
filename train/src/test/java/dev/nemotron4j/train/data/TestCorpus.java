package dev.nemotron4j.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Texts from the project's testdata: the tokenizer stress corpus and the rendered chat fixtures. */
final class TestCorpus {

    private TestCorpus() {
    }

    static Path testdata() {
        return Path.of("").toAbsolutePath().getParent().resolve("testdata");
    }

    /** The 354 strings of testdata/tokenizers/corpus_public.jsonl (prose, code, scripts, emoji, specials, …). */
    static List<String> stressStrings() {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(testdata().resolve("tokenizers/corpus_public.jsonl"))) {
                if (line.isBlank()) continue;
                out.add(json.readTree(line).get("text").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The categories of the stress strings, parallel to {@link #stressStrings()}. */
    static List<String> stressCategories() {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(testdata().resolve("tokenizers/corpus_public.jsonl"))) {
                if (line.isBlank()) continue;
                JsonNode n = json.readTree(line);
                out.add(n.get("cat").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The 8 rendered chat prompts of testdata/chat. */
    static List<String> chatRenders() {
        try (Stream<Path> files = Files.list(testdata().resolve("chat"))) {
            List<String> out = new ArrayList<>();
            for (Path p : files.filter(f -> f.toString().endsWith(".expected.txt")).sorted().toList()) {
                out.add(Files.readString(p, StandardCharsets.UTF_8));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tiny fixtures' tokenizer (vocabulary 512, the layout {@link ReservedTokens} describes). */
    static Tokenizer tinyTokenizer() {
        try {
            return Tokenizer.load(testdata().resolve("tiny/tiny-a/tokenizer.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

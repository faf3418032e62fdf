package dev.nemotron4j.chat.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds a model's chat template and tells which {@link SupportedChatTemplate} it is.
 *
 * <p>Identification is by content: the text must equal the bundled reference copy after normalising line endings
 * (CRLF/CR to LF), a leading byte-order mark and trailing whitespace. Anything else is rejected, because a
 * hand-written renderer is only exact for the template it was written from; a near-miss must not render silently
 * wrong prompts.
 */
public final class ChatTemplates {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatTemplates() {
    }

    /**
     * Identifies a template by its text.
     *
     * @throws UnsupportedChatTemplateException when the text is not a supported template
     */
    public static SupportedChatTemplate identify(String templateText) {
        if (templateText == null || templateText.isBlank()) {
            throw new UnsupportedChatTemplateException("the model has no chat template; nemotron4j supports only "
                    + supportedNames());
        }
        String normalized = normalize(templateText);
        for (SupportedChatTemplate candidate : SupportedChatTemplate.values()) {
            if (normalized.equals(normalize(referenceText(candidate)))) return candidate;
        }
        throw new UnsupportedChatTemplateException("chat template not supported (sha256 " + sha256(normalized)
                + ", starts with \"" + firstLine(normalized) + "\"): nemotron4j renders only " + supportedNames()
                + " chat templates");
    }

    /** Reads a model directory's template and identifies it. */
    public static SupportedChatTemplate forModelDirectory(Path modelDirectory) throws IOException {
        return identify(loadFromModelDirectory(modelDirectory));
    }

    /**
     * The chat template text of a Hugging Face model directory: {@code chat_template.jinja} when present (newer
     * transformers save it there), else {@code chat_template} of {@code tokenizer_config.json}.
     */
    public static String loadFromModelDirectory(Path modelDirectory) throws IOException {
        Path jinjaFile = modelDirectory.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinjaFile)) return Files.readString(jinjaFile, StandardCharsets.UTF_8);
        Path tokenizerConfig = modelDirectory.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(tokenizerConfig)) {
            throw new IOException("no chat template in " + modelDirectory
                    + ": neither chat_template.jinja nor tokenizer_config.json exists");
        }
        return loadFromTokenizerConfig(tokenizerConfig);
    }

    /**
     * The {@code chat_template} of a {@code tokenizer_config.json}: a string, or a list of {@code {name, template}}
     * from which the one named {@code default} is taken (or the only one).
     */
    public static String loadFromTokenizerConfig(Path tokenizerConfig) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(tokenizerConfig, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(tokenizerConfig + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return templateFromConfig(root, tokenizerConfig.toString());
    }

    /** The {@code chat_template} entry of an already parsed tokenizer configuration. */
    public static String templateFromConfig(JsonNode tokenizerConfig, String sourceName) {
        JsonNode template = tokenizerConfig.path("chat_template");
        if (template.isTextual()) return template.textValue();
        if (template.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode entry : template) {
                String name = entry.path("name").asText();
                names.add(name);
                if (name.equals("default") && entry.path("template").isTextual()) return entry.get("template").textValue();
            }
            if (template.size() == 1 && template.get(0).path("template").isTextual()) {
                return template.get(0).get("template").textValue();
            }
            throw new IllegalArgumentException(sourceName + " lists chat templates " + names + " but none named \"default\"");
        }
        throw new IllegalArgumentException(sourceName + " has no chat_template");
    }

    /** The bundled reference text of a supported template. */
    public static String referenceText(SupportedChatTemplate template) {
        try (InputStream in = ChatTemplates.class.getResourceAsStream(template.resourceName())) {
            if (in == null) throw new IllegalStateException("missing bundled template " + template.resourceName());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String normalize(String text) {
        String unified = text.replace("\r\n", "\n").replace('\r', '\n');
        if (unified.startsWith("\uFEFF")) unified = unified.substring(1);
        return unified.stripTrailing();
    }

    private static String supportedNames() {
        List<String> names = new ArrayList<>();
        for (SupportedChatTemplate t : SupportedChatTemplate.values()) names.add(t.displayName());
        return String.join(", ", names);
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 60 ? line.substring(0, 60) + "..." : line;
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

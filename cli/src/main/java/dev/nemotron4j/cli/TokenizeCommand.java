package dev.nemotron4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.runtime.ModelTokenizer;
import dev.nemotron4j.tokenizer.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j tokenize}: encodes a JSONL file of {@code {"text": ...}} records into a JSONL file of
 * {@code {"ids": [...]}} records, one output line per input record, in order. No special tokens are added unless
 * {@code --add-special-tokens} is given. Empty lines are skipped. The output is written to a temporary file and
 * moved into place only when every line succeeded.
 */
@Command(name = "tokenize",
        mixinStandardHelpOptions = true,
        description = "Encode {\"text\": ...} JSONL records into {\"ids\": [...]} JSONL records.")
public final class TokenizeCommand implements Callable<Integer>, RunsModel {

    /** Where the tokenizer comes from: a tokenizer.json file, or a model (its tokenizer.json or GGUF metadata). */
    static final class Source {
        @Option(names = "--tokenizer", paramLabel = "FILE", description = "A tokenizer.json file.")
        Path tokenizer;

        @Option(names = "--model", paramLabel = "PATH", description = ModelSource.DESCRIPTION)
        Path model;

        Encoder open() throws IOException {
            if (model != null) return ModelTokenizer.of(model)::encode;
            if (!Files.isRegularFile(tokenizer)) throw new NoSuchFileException(tokenizer.toString(), null, "tokenizer file not found");
            return Tokenizer.load(tokenizer)::encode;
        }
    }

    /** Text to ids, from either source. */
    private interface Encoder {
        int[] encode(String text, boolean addSpecialTokens);
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--input", required = true, paramLabel = "IN.jsonl",
            description = "One JSON object per line with a string field \"text\".")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.jsonl",
            description = "Receives one {\"ids\": [...]} object per input record, in the same order.")
    Path output;

    @Option(names = "--add-special-tokens",
            description = "Apply the tokenizer's post-processor (e.g. prepend BOS). Default: off.")
    boolean addSpecialTokens;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Path modelPath() {
        return source.model;
    }

    /** The tokenizer only. */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        return new MemoryPlan.Workload(0, 0, 0, 0, KvCacheType.F32, true);
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new NoSuchFileException(input.toString(), null, "input file not found");
        }
        Encoder tokenizer = source.open();

        Path absoluteOutput = output.toAbsolutePath();
        Path directory = absoluteOutput.getParent();
        if (directory != null) {
            Files.createDirectories(directory);
        }
        Path temporary = Files.createTempFile(directory, absoluteOutput.getFileName().toString(), ".part");
        try {
            try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                 BufferedWriter writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                String line;
                int lineNumber = 0;
                while ((line = reader.readLine()) != null) {
                    lineNumber++;
                    if (line.isBlank()) {
                        continue;
                    }
                    int[] ids = tokenizer.encode(textOf(line, lineNumber), addSpecialTokens);
                    writer.write(idsLine(ids));
                    writer.newLine();
                }
            }
            Files.move(temporary, absoluteOutput, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return 0;
    }

    private String textOf(String line, int lineNumber) {
        JsonNode record;
        try {
            record = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(input + " line " + lineNumber + ": bad JSON: " + e.getOriginalMessage());
        }
        JsonNode text = record == null ? null : record.get("text");
        if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException(input + " line " + lineNumber
                    + ": expected an object with a string field \"text\"");
        }
        return text.asText();
    }

    private static String idsLine(int[] ids) {
        StringBuilder s = new StringBuilder(ids.length * 7 + 10).append("{\"ids\": [");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(ids[i]);
        }
        return s.append("]}").toString();
    }
}

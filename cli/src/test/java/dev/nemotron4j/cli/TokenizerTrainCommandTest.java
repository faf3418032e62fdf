package dev.nemotron4j.cli;

import dev.nemotron4j.chat.template.ChatTemplates;
import dev.nemotron4j.chat.template.SupportedChatTemplate;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tokenizer train}: files written, reproducible, usable as a model's tokenizer directory; clear errors. */
class TokenizerTrainCommandTest {

    @TempDir
    Path tmp;

    @Test
    void trainsFromTextAndJsonlAndWritesATokenizerDirectory() throws Exception {
        Path text = tmp.resolve("story.txt");
        Files.writeString(text, "The cat sat on the mat. The dog sat on the log. ".repeat(40));
        Path jsonl = tmp.resolve("data.jsonl");
        Files.write(jsonl, List.of("{\"text\": \"What is 12 + 30? The answer is 42.\"}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 2 + 2?\"},"
                        + " {\"role\": \"assistant\", \"content\": \"The answer is 4.\", \"reasoning_content\": \"2 + 2 = 4\"}]}"));
        Path out = tmp.resolve("tok/tokenizer.json");
        CliContractTest.Run r = CliContractTest.run("", "tokenizer", "train", "--input", text.toString(), jsonl.toString(),
                "--vocab-size", "310", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("trained 310 tokens").contains("tokens per byte");
        Tokenizer tokenizer = Tokenizer.load(out);
        assertThat(tokenizer.vocabSize()).isEqualTo(310);
        assertThat(tokenizer.encode("The cat sat on the mat.", false).length).isLessThan("The cat sat on the mat.".length() / 2);
        assertThat(ChatTemplates.forModelDirectory(out.getParent())).isEqualTo(SupportedChatTemplate.NEMOTRON_3_NANO);

        Path again = tmp.resolve("again/tokenizer.json");
        CliContractTest.Run r2 = CliContractTest.run("", "tokenizer", "train", "--input", text.toString(), jsonl.toString(),
                "--vocab-size", "310", "--out", again.toString(), "--no-config");
        assertThat(r2.exit()).as(r2.err()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
        assertThat(again.resolveSibling("tokenizer_config.json")).doesNotExist();
    }

    @Test
    void trainsFromTheTaskGeneratorsWithoutFiles() throws Exception {
        Path out = tmp.resolve("tasks/tokenizer.json");
        CliContractTest.Run r = CliContractTest.run("", "tokenizer", "train", "--tasks", "300", "--vocab-size", "600",
                "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("trained 600 tokens").contains("from 600 texts");
        Tokenizer tokenizer = Tokenizer.load(out);
        assertThat(tokenizer.encode("What is 12 + 30?", false).length).isLessThanOrEqualTo(10); // 16 bytes
        CliContractTest.Run none = CliContractTest.run("", "tokenizer", "train", "--vocab-size", "600", "--out", out.toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err().strip()).isEqualTo("error: nothing to train on: give --input FILE... and/or --tasks N");
    }

    @Test
    void badArgumentsGiveOneClearLine() throws Exception {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "hello hello");
        CliContractTest.Run small = CliContractTest.run("", "tokenizer", "train", "--input", text.toString(),
                "--vocab-size", "100", "--out", tmp.resolve("x.json").toString());
        assertThat(small.exit()).isEqualTo(1);
        assertThat(small.err().strip()).isEqualTo("error: --vocab-size must be at least 288 (32 reserved + 256 byte tokens), got 100");
        CliContractTest.Run missing = CliContractTest.run("", "tokenizer", "train", "--input", tmp.resolve("nope.txt").toString(),
                "--vocab-size", "300", "--out", tmp.resolve("x.json").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.txt").contains("not found");
        assertThat(tmp.resolve("x.json")).doesNotExist();
    }
}

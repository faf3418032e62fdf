package dev.nemotron4j.train.data;

import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequestOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A file and a generator mixed, packed, and resumed. */
class TrainingDataBuilderTest {

    @TempDir
    Path tmp;

    @Test
    void mixesAFileWithAGeneratorAndResumesExactly() throws Exception {
        Path file = tmp.resolve("d.jsonl");
        Files.write(file, List.of("{\"text\": \"alpha beta\"}", "{\"text\": \"gamma\"}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Yo\"}]}"));
        java.util.function.Supplier<TrainingData> build = () -> {
            try {
                return new TrainingDataBuilder(TestCorpus.tinyTokenizer(), 5)
                        .jsonl(file, 2)
                        .source(ExampleSource.indexed(i -> Example.Chat.of(List.of(ChatMessage.user("Q" + i),
                                ChatMessage.assistant("A" + i)), List.of(), ChatRequestOptions.DEFAULTS), 0), 1)
                        .packing(PackedTrainingData.Packing.WHOLE)
                        .build();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        TrainingData data = build.get();
        List<PackedSequence> rows = new ArrayList<>();
        List<byte[]> positions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            positions.add(data.position());
            rows.add(data.next(24));
        }
        String text = TestCorpus.tinyTokenizer().decode(Arrays.stream(rows.toArray(PackedSequence[]::new))
                .flatMapToInt(r -> Arrays.stream(r.tokens())).toArray(), false);
        assertThat(text).contains("alpha beta").contains("gamma").contains("Q0").contains("A1<|im_end|>")
                .contains("Hi<|im_end|>");
        TrainingData resumed = build.get();
        resumed.restore(positions.get(4));
        for (int i = 4; i < 10; i++) {
            PackedSequence row = resumed.next(24);
            assertThat(row.tokens()).isEqualTo(rows.get(i).tokens());
            assertThat(row.targetMask()).isEqualTo(rows.get(i).targetMask());
            assertThat(row.segmentStarts()).isEqualTo(rows.get(i).segmentStarts());
        }
    }
}

package dev.nemotron4j.train.data;

import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.tasks.BudgetTruncation;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.SftExample;
import dev.nemotron4j.train.tasks.SftExamples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The task generators' examples through the chat masks: every variant encodes, and only assistant output is learned. */
class TaskExamplesTest {

    private static final Tokenizer TOKENIZER = TestCorpus.tinyTokenizer();

    @Test
    void everySftVariantEncodesWithTargetsEndingAtImEnd() {
        SftExamples sft = new SftExamples(Environments.ALL, new BudgetTruncation(TOKENIZER));
        ChatDocumentEncoder encoder = new ChatDocumentEncoder(TOKENIZER);
        ExampleSource source = TaskExamples.sft(sft, 0);
        Set<SftExample.Variant> seen = EnumSet.noneOf(SftExample.Variant.class);
        for (long i = 0; i < 60; i++) {
            SftExample example = sft.example(i);
            seen.add(example.variant());
            Example.Chat chat = (Example.Chat) source.next();
            assertThat(chat.conversation()).isEqualTo(example.conversation());
            List<TokenDocument> documents = encoder.encode(chat);
            List<dev.nemotron4j.chat.ChatMessage> messages = example.conversation().messages();
            long assistantTurns = messages.subList(example.firstTrainedMessage(), messages.size()).stream()
                    .filter(m -> m.is("assistant")).count();
            int runs = 0;
            for (TokenDocument d : documents) {
                List<String> targetRuns = runs(d);
                runs += targetRuns.size();
                for (String run : targetRuns) {
                    assertThat(run).as("example %d (%s)", i, example.variant()).endsWith("<|im_end|>")
                            .doesNotContain("<|im_start|>").doesNotContain("<tool_response>");
                }
                assertThat(d.tokens()[d.length() - 1]).isEqualTo(11);
            }
            // each learned assistant turn exactly once, in whichever document holds it as the model wrote it
            assertThat(runs).as("example %d (%s)", i, example.variant()).isEqualTo((int) assistantTurns);
        }
        assertThat(seen).containsExactlyInAnyOrder(SftExample.Variant.values());
    }

    @Test
    void pretrainingDocumentsAreTheGeneratorsText() {
        ExampleSource source = TaskExamples.pretraining(0);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) texts.add(source.next().corpusText());
        assertThat(texts).containsExactly(Environments.pretrainingDocument(0), Environments.pretrainingDocument(1),
                Environments.pretrainingDocument(2));
        source.restore(TaskExamples.pretraining(1).position());
        assertThat(source.next().corpusText()).isEqualTo(Environments.pretrainingDocument(1));
    }

    private static List<String> runs(TokenDocument d) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < d.length()) {
            if (!d.targets()[i]) {
                i++;
                continue;
            }
            int start = i;
            while (i < d.length() && d.targets()[i]) i++;
            out.add(TOKENIZER.decode(Arrays.copyOfRange(d.tokens(), start, i), false));
        }
        return out;
    }
}

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
            boolean budget = example.variant() == SftExample.Variant.BUDGET_TRUNCATED;
            for (TokenDocument d : documents) {
                List<String> targetRuns = runs(d);
                runs += targetRuns.size();
                for (int r = 0; r < targetRuns.size(); r++) {
                    String run = targetRuns.get(r);
                    boolean cut = budget && d == documents.getLast() && r == targetRuns.size() - 2;
                    if (cut) {
                        // the reasoning up to the budget cut is learned; the forced ".\n\n</think>" after it is not
                        assertThat(run).as("example %d before the cut", i).doesNotContain("</think>").doesNotEndWith(".\n\n");
                        continue;
                    }
                    assertThat(run).as("example %d (%s)", i, example.variant()).endsWith("<|im_end|>")
                            .doesNotContain("<|im_start|>").doesNotContain("<tool_response>");
                    if (budget && d == documents.getLast() && r == targetRuns.size() - 1) assertThat(run).doesNotContain("</think>");
                }
                assertThat(d.tokens()[d.length() - 1]).isEqualTo(11);
            }
            if (budget) {
                // the gap before the last run of targets
                TokenDocument last = documents.getLast();
                int to = last.length() - 1;
                while (last.targets()[to]) to--;
                int from = to;
                while (!last.targets()[from]) from--;
                from++;
                to++;
                assertThat(TOKENIZER.decode(Arrays.copyOfRange(last.tokens(), from, to), false)).as("example %d: the masked gap", i)
                        .endsWith(".\n\n</think>").hasSizeLessThan(".\n\n</think>".length() + 4);
            }
            // each learned assistant turn exactly once, in whichever document holds it as the model wrote it (a budget
            // turn in two runs: around its forced ending)
            assertThat(runs).as("example %d (%s)", i, example.variant()).isEqualTo((int) assistantTurns + (budget ? 1 : 0));
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

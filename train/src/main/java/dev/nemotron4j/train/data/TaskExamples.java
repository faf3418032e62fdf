package dev.nemotron4j.train.data;

import dev.nemotron4j.chat.budget.ThinkingControlTokens;

import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.SftExample;
import dev.nemotron4j.train.tasks.SftExamples;

/**
 * The built-in task environments ({@code dev.nemotron4j.train.tasks}) as example sources, so pretraining, SFT and
 * tokenizer training need no files: example k is generated from index {@code first + k}, which is also the whole
 * resume state.
 */
public final class TaskExamples {

    private TaskExamples() {
    }

    /** The synthetic pretraining documents ({@link Environments#pretrainingDocument}), environments in turn. */
    public static ExampleSource pretraining(long first) {
        return ExampleSource.indexed(i -> new Example.Text(Environments.pretrainingDocument(i)), first);
    }

    /**
     * The SFT mix ({@link SftExamples#example}): reasoning on and off, budget-truncated traces, conversations with
     * history (whose earlier task is context only: {@code SftExample.firstTrainedMessage}).
     */
    public static ExampleSource sft(SftExamples examples, long first) {
        return ExampleSource.indexed(i -> {
            SftExample example = examples.example(i);
            return new Example.Chat(example.conversation(), example.firstTrainedMessage(),
                    example.variant() == SftExample.Variant.BUDGET_TRUNCATED ? ThinkingControlTokens.DEFAULT_FORCED_ENDING_TEXT : null);
        }, first);
    }
}

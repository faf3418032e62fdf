package dev.nemotron4j.train.data;

import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.tasks.Environments;
import dev.nemotron4j.train.tasks.SftExamples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The corpus side of {@code tokenizer train}: collects text from files and example generators, counts words and
 * trains the BPE vocabulary ({@link BpeTrainer}).
 */
public final class TokenizerTraining {

    /** Texts kept for {@link #sample()}: the first megabyte or so. */
    private static final long SAMPLE_CHARS = 1 << 20;

    private final WordCounts counts = new WordCounts();
    private final List<String> sample = new ArrayList<>();
    private long sampleChars;
    private long texts;

    /** Adds one text. */
    public void add(String text) {
        counts.add(text);
        texts++;
        if (sampleChars < SAMPLE_CHARS) {
            sample.add(text);
            sampleChars += text.length();
        }
    }

    /** Adds an example's text (a chat conversation as the template renders it). */
    public void add(Example example) {
        add(example.corpusText());
    }

    /**
     * Adds a file: {@code .jsonl} files hold {@link JsonlExamples} records, any other file is one UTF-8 text.
     */
    public void addFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "input file not found");
        if (file.getFileName().toString().endsWith(".jsonl")) {
            for (Example example : JsonlExamples.read(file)) add(example);
        } else {
            add(Files.readString(file, StandardCharsets.UTF_8));
        }
    }

    /**
     * Adds {@code n} synthetic pretraining documents and {@code n} SFT conversations (as the template renders them) of
     * the built-in task environments, so a tokenizer can be trained with nothing downloaded.
     */
    public void addTasks(long n) {
        ExampleSource documents = TaskExamples.pretraining(0);
        ExampleSource conversations = TaskExamples.sft(new SftExamples(Environments.ALL, null), 0);
        for (long i = 0; i < n; i++) {
            add(documents.next());
            add(conversations.next());
        }
    }

    public WordCounts counts() {
        return counts;
    }

    /** Texts added so far. */
    public long texts() {
        return texts;
    }

    /** Trains the vocabulary on everything added. */
    public BpeTrainer.Vocabulary train(int vocabSize, int minFrequency) {
        return train(vocabSize, minFrequency, false);
    }

    /** Trains the vocabulary on everything added; {@code individualDigits}: no merges of digits (BpeTrainer). */
    public BpeTrainer.Vocabulary train(int vocabSize, int minFrequency, boolean individualDigits) {
        if (counts.counts().isEmpty()) throw new IllegalArgumentException("the training corpus is empty");
        return BpeTrainer.train(counts, vocabSize, minFrequency, individualDigits);
    }

    /** Tokens per UTF-8 byte of {@code samples} under {@code tokenizer} (no special tokens added). */
    public static double tokensPerByte(Tokenizer tokenizer, List<String> samples) {
        long tokens = 0;
        long bytes = 0;
        for (String s : samples) {
            tokens += tokenizer.encode(s, false).length;
            bytes += s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes == 0) throw new IllegalArgumentException("no text to measure");
        return (double) tokens / bytes;
    }

    /** The first texts added (about a megabyte), to measure compression on. */
    public List<String> sample() {
        return List.copyOf(sample);
    }
}

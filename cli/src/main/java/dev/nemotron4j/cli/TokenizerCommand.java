package dev.nemotron4j.cli;

import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.train.data.BpeTrainer;
import dev.nemotron4j.train.data.TokenizerFiles;
import dev.nemotron4j.train.data.TokenizerTraining;
import dev.nemotron4j.train.data.WordCounts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j tokenizer}: tokenizer tools. {@code tokenizer train} learns a byte-level BPE tokenizer with
 * Nemotron's reserved and chat tokens; encoding text with a tokenizer is {@code nemotron4j tokenize}.
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = {"Tokenizer tools. 'tokenizer train' learns a byte-level BPE tokenizer.json;",
                "to encode text with a tokenizer use 'nemotron4j tokenize'."},
        subcommands = {TokenizerCommand.Train.class})
final class TokenizerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Learn a byte-level BPE tokenizer from files and/or the built-in task generators and write it as a Hugging Face tokenizer.json (same bytes for the",
                    "same input), with ids 0-31 reserved: <unk> <s> </s>, <|im_start|> <|im_end|> <think> </think>",
                    "<tool_call> </tool_call> <tool_response> </tool_response> at 10-17, <SPECIAL_k> fillers; then the",
                    "256 bytes (ids 32-287), then merges. tokenizer_config.json (chat template, BOS/EOS/pad) is written",
                    "beside it unless --no-config."})
    static final class Train implements Callable<Integer> {

        @Option(names = "--input", arity = "1..*", paramLabel = "FILE",
                description = "Training text: .jsonl files of {\"text\"} / {\"messages\",\"tools\"} records (chats rendered"
                        + " with the chat template), any other file as one UTF-8 text.")
        List<Path> inputs = List.of();

        @Option(names = "--tasks", defaultValue = "0", paramLabel = "N",
                description = "Also train on N synthetic pretraining documents and N SFT conversations of the built-in"
                        + " task environments (arithmetic, tool use, instruction following): nothing to download.")
        long tasks;

        @Option(names = "--vocab-size", required = true, paramLabel = "N",
                description = "Vocabulary size including the 288 reserved and byte tokens (fewer if the corpus runs out"
                        + " of pairs).")
        int vocabSize;

        @Option(names = "--min-frequency", defaultValue = "2", paramLabel = "N",
                description = "Stop when no pair occurs this often (default: ${DEFAULT-VALUE}).")
        int minFrequency;

        @Option(names = "--out", required = true, paramLabel = "tokenizer.json", description = "Output file.")
        Path out;

        @Option(names = "--individual-digits",
                description = "Never merge digits: numbers are tokenized digit by digit (for arithmetic models).")
        boolean individualDigits;

        @Option(names = "--no-config", description = "Do not write tokenizer_config.json beside the output.")
        boolean noConfig;

        @Override
        public Integer call() throws IOException {
            if (vocabSize < 288) {
                throw new IllegalArgumentException("--vocab-size must be at least 288 (32 reserved + 256 byte tokens), got " + vocabSize);
            }
            if (inputs.isEmpty() && tasks <= 0) {
                throw new IllegalArgumentException("nothing to train on: give --input FILE... and/or --tasks N");
            }
            long started = System.nanoTime();
            TokenizerTraining training = new TokenizerTraining();
            for (Path input : inputs) training.addFile(input);
            if (tasks > 0) training.addTasks(tasks);
            double countSeconds = (System.nanoTime() - started) / 1e9;
            WordCounts counts = training.counts();
            BpeTrainer.Vocabulary vocabulary = training.train(vocabSize, minFrequency, individualDigits);
            TokenizerFiles.writeTokenizer(vocabulary, out);
            Path config = out.toAbsolutePath().resolveSibling("tokenizer_config.json");
            if (!noConfig) TokenizerFiles.writeTokenizerConfig(config);
            double seconds = (System.nanoTime() - started) / 1e9;

            Tokenizer written = Tokenizer.load(out);
            double tokensPerByte = TokenizerTraining.tokensPerByte(written, training.sample());
            System.err.printf("trained %d tokens (%d merges) from %d texts, %.1f MB (%d distinct words) in %.1f s"
                            + " (%.1f s reading and counting words)%n",
                    vocabulary.tokens().size(), vocabulary.merges().size(), training.texts(), counts.bytes() / 1e6,
                    counts.counts().size(), seconds, countSeconds);
            if (vocabulary.tokens().size() < vocabSize) {
                System.err.printf("note: no pair occurs %d times any more: the vocabulary stops at %d of %d tokens%n",
                        minFrequency, vocabulary.tokens().size(), vocabSize);
            }
            System.err.printf("tokens per byte on the first %d training texts: %.3f (1.0 = bytes)%n",
                    training.sample().size(), tokensPerByte);
            System.err.println("wrote " + out + (noConfig ? "" : " and " + config));
            return 0;
        }
    }
}

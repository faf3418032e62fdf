package dev.nemotron4j.train.data;

import dev.nemotron4j.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Assembles a {@link TrainingData} from files and generators: each source gets a weight, several sources are mixed
 * ({@link MixedExamples}), fixed sets are shuffled with seeds derived from the builder's seed and the source's
 * index, and everything is tokenized with one tokenizer and packed ({@link PackedTrainingData}).
 *
 * <pre>{@code
 * TrainingData data = new TrainingDataBuilder(tokenizer, seed)
 *         .jsonl(Path.of("corpus.jsonl"), 0.7)
 *         .source(ExampleSource.indexed(i -> new Example.Text(Environments.pretrainingDocument(i)), 0), 0.3)
 *         .packing(PackedTrainingData.Packing.FILL)
 *         .build();
 * }</pre>
 */
public final class TrainingDataBuilder {

    private final Tokenizer tokenizer;
    private final long seed;
    private final List<ExampleSource> sources = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();
    private PackedTrainingData.Packing packing = PackedTrainingData.Packing.FILL;

    public TrainingDataBuilder(Tokenizer tokenizer, long seed) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.seed = seed;
    }

    /** A source with its mixture weight. */
    public TrainingDataBuilder source(ExampleSource source, double weight) {
        sources.add(Objects.requireNonNull(source, "source"));
        weights.add(weight);
        return this;
    }

    /** A fixed set of examples, reshuffled every epoch with a seed derived from the builder's. */
    public TrainingDataBuilder examples(List<Example> examples, double weight) {
        return source(ExampleSource.shuffled(examples, seed + 1_000_003L * sources.size()), weight);
    }

    /** The examples of a JSONL file ({@link JsonlExamples}), shuffled. */
    public TrainingDataBuilder jsonl(Path file, double weight) throws IOException {
        return examples(JsonlExamples.read(file), weight);
    }

    public TrainingDataBuilder packing(PackedTrainingData.Packing value) {
        this.packing = Objects.requireNonNull(value, "packing");
        return this;
    }

    public TrainingData build() {
        if (sources.isEmpty()) throw new IllegalStateException("no training data sources");
        ExampleSource source = sources.size() == 1 ? sources.getFirst()
                : new MixedExamples(sources, weights.stream().mapToDouble(Double::doubleValue).toArray());
        return new PackedTrainingData(source, new ExampleEncoder(tokenizer), packing);
    }
}

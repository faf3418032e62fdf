package dev.nemotron4j.train.data;

import java.util.Iterator;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * An endless, deterministic, resumable stream of {@link Example}s: after {@code restore(p)} with a {@code p} taken
 * from {@link #position()}, {@link #next()} returns what it returned after that position was taken.
 * Implementations: {@link ShuffledExamples} (a fixed set, reshuffled every epoch), {@link IndexedExamples} (a
 * generator addressed by index, e.g. a seeded task generator), {@link ReplayedExamples} (any iterator, resumed by
 * replaying it) and {@link MixedExamples} (weighted mixture of sources).
 */
public interface ExampleSource {

    Example next();

    /** Opaque position, restorable with {@link #restore}. */
    byte[] position();

    void restore(byte[] position);

    /** A fixed set of examples in a seeded order, reshuffled every epoch. */
    static ExampleSource shuffled(List<Example> examples, long seed) {
        return new ShuffledExamples(examples, seed);
    }

    /** {@code generator.apply(first)}, {@code generator.apply(first + 1)}, … — the generator must be a pure function. */
    static ExampleSource indexed(LongFunction<Example> generator, long first) {
        return new IndexedExamples(generator, first);
    }

    /** What successive iterators of {@code iterators} yield (a new one per epoch); each must yield the same sequence. */
    static ExampleSource replayed(Supplier<? extends Iterator<Example>> iterators) {
        return new ReplayedExamples(iterators);
    }
}

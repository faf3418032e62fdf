package dev.nemotron4j.train.data;

import java.util.Objects;
import java.util.function.LongFunction;

/**
 * Examples made on demand by a generator addressed by index — the adapter for seeded task generators:
 * example k is {@code generator.apply(first + k)}, so resuming only needs the next index.
 */
public final class IndexedExamples implements ExampleSource {

    private static final String KIND = "indexed";

    private final LongFunction<Example> generator;
    private long next;

    public IndexedExamples(LongFunction<Example> generator, long first) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.next = first;
    }

    @Override
    public Example next() {
        long index = next++;
        return Objects.requireNonNull(generator.apply(index), () -> "the generator gave no example for index " + index);
    }

    @Override
    public byte[] position() {
        return StreamPosition.write(KIND, out -> out.writeLong(next));
    }

    @Override
    public void restore(byte[] position) {
        next = StreamPosition.read(position, KIND, in -> in.readLong());
    }
}

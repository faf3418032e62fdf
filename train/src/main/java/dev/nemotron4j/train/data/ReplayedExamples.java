package dev.nemotron4j.train.data;

import java.util.Iterator;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Examples from any iterator — endless: when one iterator is exhausted a new one starts the next epoch. The position
 * is (epoch, examples taken in it); restoring takes a new iterator and replays that many examples, so the supplier
 * must give the same sequence every time (e.g. a task generator seeded with a fixed seed).
 */
public final class ReplayedExamples implements ExampleSource {

    private static final String KIND = "replayed";

    private final Supplier<? extends Iterator<Example>> iterators;
    private Iterator<Example> current;
    private long epoch;
    private long taken;

    public ReplayedExamples(Supplier<? extends Iterator<Example>> iterators) {
        this.iterators = Objects.requireNonNull(iterators, "iterators");
        this.current = iterators.get();
    }

    @Override
    public Example next() {
        if (!current.hasNext()) {
            current = iterators.get();
            epoch++;
            taken = 0;
            if (!current.hasNext()) throw new IllegalStateException("the example iterator yields nothing");
        }
        taken++;
        return Objects.requireNonNull(current.next(), "the example iterator yielded null");
    }

    @Override
    public byte[] position() {
        return StreamPosition.write(KIND, out -> {
            out.writeLong(epoch);
            out.writeLong(taken);
        });
    }

    @Override
    public void restore(byte[] position) {
        long[] state = StreamPosition.read(position, KIND, in -> new long[] {in.readLong(), in.readLong()});
        current = iterators.get();
        for (long i = 0; i < state[1]; i++) {
            if (!current.hasNext()) {
                throw new IllegalArgumentException("cannot restore: the iterator ends after " + i + " of " + state[1] + " examples");
            }
            current.next();
        }
        epoch = state[0];
        taken = state[1];
    }
}

package dev.nemotron4j.train.data;

import java.util.List;
import java.util.Random;

/**
 * A fixed set of examples visited in epochs, each epoch in its own seeded order (Fisher–Yates with
 * {@link java.util.Random}, whose sequence the Java specification fixes, so the order is the same on every JVM).
 * Position: epoch and index within it.
 */
public final class ShuffledExamples implements ExampleSource {

    private static final String KIND = "shuffled";

    private final List<Example> examples;
    private final long seed;
    private int[] order;
    private long epoch;
    private int index;

    public ShuffledExamples(List<Example> examples, long seed) {
        if (examples.isEmpty()) throw new IllegalArgumentException("no examples to shuffle");
        this.examples = List.copyOf(examples);
        this.seed = seed;
        this.order = order(0);
    }

    /** The visiting order of an epoch. */
    int[] order(long epochNumber) {
        int[] out = new int[examples.size()];
        for (int i = 0; i < out.length; i++) out[i] = i;
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + epochNumber);
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    @Override
    public Example next() {
        if (index == order.length) {
            epoch++;
            index = 0;
            order = order(epoch);
        }
        return examples.get(order[index++]);
    }

    @Override
    public byte[] position() {
        return StreamPosition.write(KIND, out -> {
            out.writeInt(examples.size());
            out.writeLong(epoch);
            out.writeInt(index);
        });
    }

    @Override
    public void restore(byte[] position) {
        StreamPosition.read(position, KIND, in -> {
            int size = in.readInt();
            if (size != examples.size()) {
                throw new IllegalArgumentException("the position is for " + size + " examples, this source has " + examples.size());
            }
            long e = in.readLong();
            int i = in.readInt();
            if (e < 0 || i < 0 || i > size) throw new IllegalArgumentException("bad shuffled position " + e + "/" + i);
            epoch = e;
            index = i;
            order = order(epoch);
            return null;
        });
    }
}

package dev.nemotron4j.train.data;

import java.util.List;

/**
 * A weighted mixture of example sources (e.g. a pretraining mix), interleaved deterministically by smooth weighted
 * round robin: before each pick every source earns its weight in credit, the source with the most credit (the first
 * one on ties) gives the next example and pays the total weight. Over any n picks each source's share stays within
 * one example of {@code n × weight / total}, so small runs see the intended mix, not a random approximation of it.
 * Position: the credits and every source's own position.
 */
public final class MixedExamples implements ExampleSource {

    private static final String KIND = "mixed";

    private final List<ExampleSource> sources;
    private final double[] weights;
    private final double total;
    private final double[] credits;

    public MixedExamples(List<ExampleSource> sources, double[] weights) {
        if (sources.isEmpty()) throw new IllegalArgumentException("a mixture needs at least one source");
        if (weights.length != sources.size()) {
            throw new IllegalArgumentException(sources.size() + " sources but " + weights.length + " weights");
        }
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] > 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("mixture weight " + i + " must be positive and finite, got " + weights[i]);
            }
            sum += weights[i];
        }
        this.sources = List.copyOf(sources);
        this.weights = weights.clone();
        this.total = sum;
        this.credits = new double[weights.length];
    }

    /** Which source gives the next example (advances the credits). */
    private int pick() {
        int best = 0;
        for (int i = 0; i < credits.length; i++) {
            credits[i] += weights[i];
            if (credits[i] > credits[best]) best = i;
        }
        credits[best] -= total;
        return best;
    }

    @Override
    public Example next() {
        return sources.get(pick()).next();
    }

    @Override
    public byte[] position() {
        return StreamPosition.write(KIND, out -> {
            out.writeInt(sources.size());
            for (double c : credits) out.writeDouble(c);
            for (ExampleSource s : sources) StreamPosition.writeBytes(out, s.position());
        });
    }

    @Override
    public void restore(byte[] position) {
        StreamPosition.read(position, KIND, in -> {
            int n = in.readInt();
            if (n != sources.size()) throw new IllegalArgumentException("the position is for " + n + " sources, the mixture has " + sources.size());
            double[] restored = new double[n];
            for (int i = 0; i < n; i++) restored[i] = in.readDouble();
            byte[][] positions = new byte[n][];
            for (int i = 0; i < n; i++) positions[i] = StreamPosition.readBytes(in);
            for (int i = 0; i < n; i++) sources.get(i).restore(positions[i]);
            System.arraycopy(restored, 0, credits, 0, n);
            return null;
        });
    }
}

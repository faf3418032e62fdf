package dev.nemotron4j.train;

import dev.nemotron4j.train.layers.Param;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Central finite differences in double: perturbs a coordinate by ±h, re-evaluates the loss, and compares
 * (L(+h) − L(−h)) / 2h with the analytic derivative. Coordinates where {@code decisions} (the routing) differ
 * between the two perturbed evaluations and the base are skipped: there the loss is not differentiable.
 */
public final class FiniteDifferenceCheck {
    static final double STEP = 1e-5;

    /** One compared coordinate. */
    public record Point(String tensor, int index, double analytic, double numeric) {
        public boolean agrees(double abs, double rel) {
            return Math.abs(analytic - numeric) <= abs + rel * Math.max(Math.abs(analytic), Math.abs(numeric));
        }

        @Override
        public String toString() {
            return tensor + "[" + index + "]: analytic " + analytic + ", numeric " + numeric;
        }
    }

    private final DoubleSupplier loss;
    private final Supplier<String> decisions;
    int skipped;

    public FiniteDifferenceCheck(DoubleSupplier loss, Supplier<String> decisions) {
        this.loss = loss;
        this.decisions = decisions;
    }

    /** Checks {@code count} coordinates of {@code values} (all if there are fewer), chosen by {@code seed}. */
    public List<Point> check(String name, double[] values, double[] analytic, int count, long seed) {
        List<Point> out = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = values.length;
        String base = decisions.get();
        for (int c = 0; c < Math.min(count, n); c++) {
            int i = count >= n ? c : rnd.nextInt(n);
            double old = values[i];
            double h = STEP * Math.max(1.0, Math.abs(old));
            values[i] = old + h;
            double plus = loss.getAsDouble();
            String dPlus = decisions.get();
            values[i] = old - h;
            double minus = loss.getAsDouble();
            String dMinus = decisions.get();
            values[i] = old;
            if (!dPlus.equals(base) || !dMinus.equals(base)) {
                skipped++;
                continue;
            }
            out.add(new Point(name, i, analytic[i], (plus - minus) / (2 * h)));
        }
        return out;
    }

    public List<Point> check(Param p, int count, long seed) {
        return check(p.name(), p.value(), p.grad(), count, seed);
    }

    public int skipped() {
        return skipped;
    }
}

package dev.nemotron4j.train.optim;

import dev.nemotron4j.train.layers.Param;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW (Loshchilov & Hutter) with decoupled weight decay, in double on the parameters' master copies:
 * <pre>
 *   m ← β1·m + (1−β1)·g            v ← β2·v + (1−β2)·g²
 *   p ← p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε) − lr·λ·p      (λ only where {@link WeightDecayPolicy#decays})
 * </pre>
 * The decay term uses the weight before this step's update (PyTorch's order). Parameters that are not trainable
 * ({@code e_score_correction_bias}) and frozen ones (see {@link #freeze}) are never touched and have no moments.
 */
public final class AdamW {
    /** Hyper-parameters; the recipe's are β1 0.9, β2 0.95, ε 1e-8, λ 0.1. */
    public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {
        public static final Settings RECIPE = new Settings(0.9, 0.95, 1e-8, 0.1);
    }

    /** One optimized tensor and its moments. */
    private record Slot(Param param, double[] m, double[] v, boolean decays) {}

    private final Settings settings;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private long steps;

    /** Optimizes every trainable parameter of {@code params} whose name is not in {@code frozen}. */
    public AdamW(Settings settings, Collection<Param> params, Set<String> frozen) {
        this.settings = settings;
        for (Param p : params) {
            if (!p.trainable() || frozen.contains(p.name()) || slots.containsKey(p.name())) continue;
            slots.put(p.name(), new Slot(p, new double[p.size()], new double[p.size()], WeightDecayPolicy.decays(p)));
        }
    }

    /** Applies one update with learning rate {@code lr} from the parameters' current gradients. */
    public void step(double lr) {
        steps++;
        double b1 = settings.beta1(), b2 = settings.beta2(), eps = settings.epsilon();
        double c1 = 1 - Math.pow(b1, steps), c2 = 1 - Math.pow(b2, steps);
        for (Slot s : slots.values()) {
            double[] p = s.param.value(), g = s.param.grad(), m = s.m, v = s.v;
            double decay = s.decays ? lr * settings.weightDecay() : 0;
            for (int i = 0; i < p.length; i++) {
                double gi = g[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double update = (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
                p[i] = p[i] - lr * update - decay * p[i];
            }
        }
    }

    /** How many updates have been applied. */
    public long steps() {
        return steps;
    }

    /** Names of the optimized tensors, in order. */
    public List<String> names() {
        return new ArrayList<>(slots.keySet());
    }

    /** Whether {@code name} is optimized with weight decay. */
    public boolean decays(String name) {
        Slot s = slots.get(name);
        return s != null && s.decays;
    }

    /** The first moment of tensor {@code name} (live: a checkpoint reads it, a resume writes it). */
    public double[] firstMoment(String name) {
        return slot(name).m;
    }

    /** The second moment of tensor {@code name} (live). */
    public double[] secondMoment(String name) {
        return slot(name).v;
    }

    /** Restores the update count of a checkpoint (the moments are restored through their live arrays). */
    public void restoreSteps(long steps) {
        if (steps < 0) throw new IllegalArgumentException("negative optimizer step count " + steps);
        this.steps = steps;
    }

    private Slot slot(String name) {
        Slot s = slots.get(name);
        if (s == null) throw new IllegalArgumentException("no optimized tensor '" + name + "'");
        return s;
    }
}

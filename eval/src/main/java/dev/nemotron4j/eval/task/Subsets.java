package dev.nemotron4j.eval.task;

import dev.nemotron4j.eval.config.EvalConfig.SubsetConfig;
import dev.nemotron4j.eval.json.Sha256;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded subsets of a task's items, plain or stratified by a field. The choice depends only on the items, the
 * subset settings and the task name, never on order of execution; the chosen items keep their dataset order.
 */
public final class Subsets {
    private Subsets() {}

    public static List<EvalItem> select(List<EvalItem> items, SubsetConfig subset, String task, long runSeed) {
        if (subset == null) return items;
        int total = items.size();
        int n;
        if (subset.size() != null && subset.fraction() != null) {
            throw new IllegalArgumentException("task " + task + ": subset takes size or fraction, not both");
        } else if (subset.size() != null) {
            if (subset.size() < 1) throw new IllegalArgumentException("task " + task + ": subset.size must be at least 1");
            n = Math.min(subset.size(), total);
        } else if (subset.fraction() != null) {
            if (!(subset.fraction() > 0 && subset.fraction() <= 1)) {
                throw new IllegalArgumentException("task " + task + ": subset.fraction must be in (0, 1]");
            }
            n = (int) Math.round(subset.fraction() * total);
        } else {
            throw new IllegalArgumentException("task " + task + ": subset needs size or fraction");
        }
        long seed = subset.seed() != null ? subset.seed() : runSeed;
        SplittableRandom random = new SplittableRandom(Long.parseUnsignedLong(Sha256.hex("subset|" + seed + "|" + task).substring(0, 15), 16));
        List<EvalItem> chosen = new ArrayList<>();
        if (subset.stratify() == null) {
            chosen.addAll(shuffled(items, random).subList(0, n));
        } else {
            Map<String, List<EvalItem>> strata = new LinkedHashMap<>();
            for (EvalItem item : items) {
                var v = item.fields().get(subset.stratify());
                strata.computeIfAbsent(v == null || v.isNull() ? "" : v.isTextual() ? v.asText() : v.toString(), k -> new ArrayList<>()).add(item);
            }
            // proportional allocation, the seats left by rounding down going to the largest remainders (ties: first stratum)
            List<String> keys = new ArrayList<>(strata.keySet());
            int[] quota = new int[keys.size()];
            double[] remainder = new double[keys.size()];
            int given = 0;
            for (int i = 0; i < keys.size(); i++) {
                double exact = (double) n * strata.get(keys.get(i)).size() / total;
                quota[i] = (int) Math.floor(exact);
                remainder[i] = exact - quota[i];
                given += quota[i];
            }
            List<Integer> byRemainder = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) byRemainder.add(i);
            byRemainder.sort(Comparator.<Integer>comparingDouble(i -> -remainder[i]).thenComparingInt(i -> i));
            for (int k = 0; given < n; k++, given++) quota[byRemainder.get(k % keys.size())]++;
            for (int i = 0; i < keys.size(); i++) {
                List<EvalItem> stratum = shuffled(strata.get(keys.get(i)), random);
                chosen.addAll(stratum.subList(0, Math.min(quota[i], stratum.size())));
            }
        }
        chosen.sort(Comparator.comparingInt(EvalItem::index));
        return chosen;
    }

    private static List<EvalItem> shuffled(List<EvalItem> items, SplittableRandom random) {
        List<EvalItem> copy = new ArrayList<>(items);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            EvalItem t = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, t);
        }
        return copy;
    }
}

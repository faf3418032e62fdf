package dev.nemotron4j.eval.analysis;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.stats.Interval;
import dev.nemotron4j.eval.stats.TaskMetrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code eval gate --policy FILE.yaml RUN...}: checks finished runs against a policy of per-task thresholds and,
 * given a baseline run, paired non-regression tests (Holm-corrected across tasks), for CI.
 *
 * <pre>
 * baseline: runs/main            # optional; --baseline overrides it
 * alpha: 0.05                    # paired tests' significance level
 * require_all_tasks: true        # every task pattern must match a task of each run
 * tasks:
 *   gsm8k:       {min: 0.80, min_lower_ci: 0.75, non_regression: true, max_drop: 0.02}
 *   "ruler/*":   {min: 0.50}
 *   mmlu-pro:    {metric: "maj@4", min: 0.7}
 * </pre>
 *
 * A task takes the rules of the first pattern (exact name or {@code *} glob) that matches it, in file order.
 */
public final class QualityGate {
    private QualityGate() {}

    /**
     * @param metric        what {@code min} applies to: {@code mean} (default), {@code pass@K}, {@code maj@k}, or one of the task's breakdown
     *                      accuracies (IFEval: {@code prompt_level_loose_acc}, ...)
     * @param min           the metric must be at least this
     * @param minLowerCi    the 95% interval's lower end (Wilson for binary scores, else bootstrap) must be at least this
     * @param nonRegression against the baseline: no significant drop (paired test, Holm-adjusted p below alpha)
     * @param maxDrop       against the baseline: the mean may fall by at most this much
     */
    public record TaskRule(String metric, Double min, Double minLowerCi, Boolean nonRegression, Double maxDrop) {}

    public record Policy(String baseline, Double alpha, Boolean requireAllTasks, Map<String, TaskRule> tasks) {
        public static Policy load(Path file) {
            try {
                Map<String, Object> tree = ConfigLoader.readYamlFile(file);
                Policy p = CanonicalJson.bind(tree, Policy.class);
                if (p.baseline() != null && !Path.of(p.baseline()).isAbsolute()) {
                    p = new Policy(file.toAbsolutePath().getParent().resolve(p.baseline()).normalize().toString(), p.alpha(),
                            p.requireAllTasks(), p.tasks());
                }
                return p;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid gate policy " + file + ": " + e.getMessage(), e);
            }
        }

        double alphaOrDefault() { return alpha == null ? 0.05 : alpha; }
    }

    /** One check: which run and task, what was required, what was found. */
    public record Check(String run, String task, String rule, String required, String actual, boolean passed) {}

    public record Result(List<Check> checks) {
        public boolean passed() { return checks.stream().allMatch(Check::passed); }

        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (Check c : checks) {
                sb.append(String.format(Locale.ROOT, "%s  %-40s %-16s required %-14s got %s%n", c.passed() ? "PASS" : "FAIL",
                        c.run() + " " + c.task(), c.rule(), c.required(), c.actual()));
            }
            long failed = checks.stream().filter(c -> !c.passed()).count();
            sb.append(failed == 0 ? "gate passed (" + checks.size() + " checks)\n" : "gate FAILED: " + failed + " of " + checks.size() + " checks\n");
            return sb.toString();
        }
    }

    public static Result check(Policy policy, Path baseline, List<Path> runs) {
        if (policy.tasks() == null || policy.tasks().isEmpty()) throw new IllegalArgumentException("the gate policy has no tasks");
        Path base = baseline != null ? baseline : policy.baseline() == null ? null : Path.of(policy.baseline());
        List<Check> checks = new ArrayList<>();
        for (Path run : runs) {
            String name = run.toString();
            RunResults results = RunOutputs.readResults(run);
            RunComparison.Result comparison = base == null ? null : RunComparison.compare(base, run);
            Map<String, Boolean> patternUsed = new LinkedHashMap<>();
            policy.tasks().keySet().forEach(p -> patternUsed.put(p, false));
            for (Map.Entry<String, TaskMetrics> e : results.ordered()) {
                String pattern = matching(policy, e.getKey());
                if (pattern == null) continue;
                patternUsed.put(pattern, true);
                TaskRule rule = policy.tasks().get(pattern);
                TaskMetrics m = e.getValue();
                if (rule.min() != null) {
                    String metric = rule.metric() == null ? "mean" : rule.metric();
                    Double value = metric(m, metric);
                    checks.add(new Check(name, e.getKey(), metric + " >= min", num(rule.min()),
                            value == null ? "no " + metric : num(value), value != null && value >= rule.min()));
                }
                if (rule.minLowerCi() != null) {
                    Interval ci = m.wilson95() != null ? m.wilson95() : m.bootstrap95();
                    checks.add(new Check(name, e.getKey(), "95% CI low", num(rule.minLowerCi()), num(ci.low()), ci.low() >= rule.minLowerCi()));
                }
                boolean wantsBaseline = Boolean.TRUE.equals(rule.nonRegression()) || rule.maxDrop() != null;
                if (wantsBaseline && comparison == null) {
                    checks.add(new Check(name, e.getKey(), "baseline", "a baseline run", "none given", false));
                    continue;
                }
                RunComparison.TaskComparison t = comparison == null ? null : comparison.tasks().get(e.getKey());
                if (wantsBaseline && t == null) {
                    checks.add(new Check(name, e.getKey(), "baseline", "task in baseline", "not in " + base, false));
                    continue;
                }
                if (Boolean.TRUE.equals(rule.nonRegression())) {
                    boolean regressed = t.meanB() < t.meanA() && t.holmP() < policy.alphaOrDefault();
                    checks.add(new Check(name, e.getKey(), "non-regression", "Holm p >= " + num(policy.alphaOrDefault()) + " or no drop",
                            String.format(Locale.ROOT, "%+.4f, Holm p=%.4g", t.meanB() - t.meanA(), t.holmP()), !regressed));
                }
                if (rule.maxDrop() != null) {
                    double drop = t.meanA() - t.meanB();
                    checks.add(new Check(name, e.getKey(), "drop <= max_drop", num(rule.maxDrop()), num(drop), drop <= rule.maxDrop() + 1e-12));
                }
            }
            if (!Boolean.FALSE.equals(policy.requireAllTasks())) {
                patternUsed.forEach((pattern, used) -> {
                    if (!used) checks.add(new Check(name, pattern, "task present", "a matching task", "none", false));
                });
            }
        }
        return new Result(checks);
    }

    private static String matching(Policy policy, String task) {
        for (String pattern : policy.tasks().keySet()) {
            if (pattern.equals(task) || glob(pattern).matcher(task).matches()) return pattern;
        }
        return null;
    }

    private static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!re.isEmpty()) re.append(".*");
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }

    private static Double metric(TaskMetrics m, String metric) {
        if (metric.equals("mean")) return m.mean().mean();
        if (metric.startsWith("maj@")) return m.majAtK();
        if (metric.startsWith("pass@")) return m.passAtK().get(metric);
        if (m.breakdown() != null && m.breakdown().containsKey(metric)) return m.breakdown().get(metric);
        throw new IllegalArgumentException("unknown gate metric '" + metric + "' (mean, pass@K, maj@k"
                + (m.breakdown() == null ? "" : ", " + String.join(", ", m.breakdown().keySet())) + ")");
    }

    private static String num(double v) { return String.format(Locale.ROOT, "%.4f", v); }
}

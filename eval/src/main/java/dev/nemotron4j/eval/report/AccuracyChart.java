package dev.nemotron4j.eval.report;

import dev.nemotron4j.eval.run.RunOutputs;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.stats.Interval;
import dev.nemotron4j.eval.stats.TaskMetrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data of {@code eval chart}: what each finished run's {@code results.json} says, arranged as the series of
 * a chart, before any drawing (the drawing is the CLI's, with XChart: this module stays free of AWT). Accuracies
 * are the tasks' means in [0, 1]; an interval is the one the report shows (Wilson for binary scores, else the
 * bootstrap), or null when results.json has none.
 */
public final class AccuracyChart {
    /** How a reasoning-budget variant is named: {@code NAME@budget=N} (see {@code TaskFactory}). */
    private static final Pattern BUDGET_NAME = Pattern.compile("(.+)@budget=(\\d+)");

    private AccuracyChart() {}

    /** A finished run and the name its series carry. */
    public record LabelledRun(String label, Path dir, RunResults results) {
        public LabelledRun {
            Objects.requireNonNull(label);
            Objects.requireNonNull(results);
        }
    }

    /** One task's accuracy in one run: mean in [0, 1] and its 95% interval, or null when results.json has none. */
    public record Value(double mean, Interval ci95) {}

    /** One run's bars: one value per task, in the chart's task order. */
    public record BarSeries(String label, List<Value> values) {
        public BarSeries {
            values = List.copyOf(values);
        }
    }

    /** Grouped bars: one group per task, one bar per run (legend = the runs' labels in order). */
    public record Bars(String title, List<String> tasks, List<BarSeries> series) {
        public Bars {
            tasks = List.copyOf(tasks);
            series = List.copyOf(series);
        }
    }

    /** One reasoning budget's accuracy. */
    public record BudgetPoint(int budget, Value value) {}

    /** Accuracy vs budget of one task family in one run, budgets ascending; {@code label} is "run: family". */
    public record BudgetSeries(String label, String run, String family, List<BudgetPoint> points) {
        public BudgetSeries {
            points = List.copyOf(points);
        }
    }

    /**
     * The family's plain task (no budget) in one run, drawn as a horizontal reference line;
     * {@code label} is "run: family (no budget)".
     */
    public record Reference(String label, String run, String family, Value value) {}

    /** Accuracy vs reasoning budget: series per (run, family), plus each run's no-budget reference per family. */
    public record Budget(String title, List<String> families, List<BudgetSeries> series, List<Reference> references) {
        public Budget {
            families = List.copyOf(families);
            series = List.copyOf(series);
            references = List.copyOf(references);
        }

        /** The smallest and largest budget over all series (the span of the reference lines). */
        public int minBudget() {
            return series.stream().flatMap(s -> s.points().stream()).mapToInt(BudgetPoint::budget).min().orElse(0);
        }

        public int maxBudget() {
            return series.stream().flatMap(s -> s.points().stream()).mapToInt(BudgetPoint::budget).max().orElse(0);
        }
    }

    /**
     * Reads each run's results.json. Labels default to the directories' names; when given, there must be one per run.
     *
     * @throws IllegalArgumentException naming the directory that is not a finished run, or when the counts differ
     */
    public static List<LabelledRun> read(List<Path> dirs, List<String> labels) {
        if (dirs.isEmpty()) throw new IllegalArgumentException("no run directories given");
        if (!labels.isEmpty() && labels.size() != dirs.size()) {
            throw new IllegalArgumentException(labels.size() + " --label" + (labels.size() == 1 ? "" : "s") + " for " + dirs.size()
                    + " run" + (dirs.size() == 1 ? "" : "s") + ": give one label per run directory, in the same order, or none");
        }
        List<LabelledRun> runs = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            Path dir = dirs.get(i);
            if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": not a directory (expected a finished eval run)");
            if (!Files.isRegularFile(dir.resolve(RunResults.FILE))) {
                throw new IllegalArgumentException(dir + ": no " + RunResults.FILE + ", not a finished run (eval resume " + dir + " finishes it)");
            }
            RunResults results = RunOutputs.readResults(dir);
            runs.add(new LabelledRun(labels.isEmpty() ? name(dir) : labels.get(i), dir, results));
        }
        return runs;
    }

    /**
     * Grouped bars of the given tasks (empty: the first run's tasks in its order).
     *
     * @throws IllegalArgumentException naming the task and the run that lacks it
     */
    public static Bars bars(List<LabelledRun> runs, List<String> tasks, String title) {
        List<String> chosen = tasks.isEmpty() ? runs.getFirst().results().taskOrder() : List.copyOf(tasks);
        List<BarSeries> series = new ArrayList<>();
        for (LabelledRun run : runs) {
            List<Value> values = new ArrayList<>();
            for (String task : chosen) {
                TaskMetrics m = run.results().tasks().get(task);
                if (m == null) {
                    throw new IllegalArgumentException("task " + task + " is not in run " + run.dir() + " (its tasks: "
                            + String.join(", ", run.results().taskOrder()) + ")" + (tasks.isEmpty() ? "; choose shared tasks with --tasks" : ""));
                }
                values.add(value(m));
            }
            series.add(new BarSeries(run.label(), values));
        }
        return new Bars(title != null ? title : "Accuracy per task (95% interval)", chosen, series);
    }

    /**
     * Accuracy vs reasoning budget for the given task families (empty: every family swept in any run, in order of
     * first appearance). A run's series for a family holds its {@code FAMILY@budget=N} tasks; its plain
     * {@code FAMILY} task, if it has one, becomes a reference.
     *
     * @throws IllegalArgumentException when no run has a budget sweep, or naming a family and the run that has
     *                                  neither its sweep nor its plain task
     */
    public static Budget budget(List<LabelledRun> runs, List<String> families, String title) {
        List<String> chosen;
        if (families.isEmpty()) {
            Set<String> found = new LinkedHashSet<>();
            for (LabelledRun run : runs) {
                run.results().ordered().forEach(e -> {
                    Swept swept = swept(e.getKey(), e.getValue());
                    if (swept != null) found.add(swept.family());
                });
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no reasoning-budget sweep (tasks named NAME@budget=N) in "
                        + String.join(", ", runs.stream().map(r -> r.dir().toString()).toList()));
            }
            chosen = List.copyOf(found);
        } else {
            chosen = List.copyOf(families);
        }
        List<BudgetSeries> series = new ArrayList<>();
        List<Reference> references = new ArrayList<>();
        for (String family : chosen) {
            for (LabelledRun run : runs) {
                List<BudgetPoint> points = new ArrayList<>();
                run.results().ordered().forEach(e -> {
                    Swept swept = swept(e.getKey(), e.getValue());
                    if (swept != null && swept.family().equals(family)) points.add(new BudgetPoint(swept.budget(), value(e.getValue())));
                });
                TaskMetrics plain = run.results().tasks().get(family);
                if (points.isEmpty() && plain == null) {
                    throw new IllegalArgumentException("task " + family + " (or " + family + "@budget=N) is not in run " + run.dir()
                            + " (its tasks: " + String.join(", ", run.results().taskOrder()) + ")");
                }
                if (!points.isEmpty()) {
                    points.sort(Comparator.comparingInt(BudgetPoint::budget));
                    series.add(new BudgetSeries(run.label() + ": " + family, run.label(), family, points));
                }
                if (plain != null) references.add(new Reference(run.label() + ": " + family + " (no budget)", run.label(), family, value(plain)));
            }
        }
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no reasoning-budget sweep (tasks named NAME@budget=N) of " + String.join(", ", chosen) + " in "
                    + String.join(", ", runs.stream().map(r -> r.dir().toString()).toList()));
        }
        return new Budget(title != null ? title : "Accuracy vs reasoning budget (95% interval)", chosen, series, references);
    }

    private record Swept(String family, int budget) {}

    /** The family and budget of a reasoning-budget variant (its plot coordinates, else its name), or null. */
    private static Swept swept(String task, TaskMetrics m) {
        if (m.axis() != null && m.axis().get("reasoning_budget") instanceof Number budget && m.axis().get("base_task") instanceof String base) {
            return new Swept(base, budget.intValue());
        }
        Matcher matcher = BUDGET_NAME.matcher(task);
        return matcher.matches() ? new Swept(matcher.group(1), Integer.parseInt(matcher.group(2))) : null;
    }

    private static Value value(TaskMetrics m) {
        return new Value(m.mean().mean(), m.wilson95() != null ? m.wilson95() : m.bootstrap95());
    }

    private static String name(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? dir.toString() : name.toString();
    }
}

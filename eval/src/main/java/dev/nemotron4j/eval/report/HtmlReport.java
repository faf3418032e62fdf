package dev.nemotron4j.eval.report;

import dev.nemotron4j.eval.run.RequestTotals;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.run.RunTiming;
import dev.nemotron4j.eval.stats.TokenTotals;
import dev.nemotron4j.eval.run.SampleRecord;
import dev.nemotron4j.eval.stats.Interval;
import dev.nemotron4j.eval.stats.TaskMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One self-contained HTML file per run: summary, three inline-SVG plots (accuracy with 95% intervals per
 * task, accuracy vs reasoning budget, RULER accuracy vs context length), a metrics table and the first
 * wrong samples. No external resources; deterministic bytes for identical results.
 */
public final class HtmlReport {
    private static final int SHOWN_FAILURES = 25;

    private HtmlReport() {}

    public static String render(String runName, RunResults results, List<SampleRecord> samples) {
        return render(runName, results, samples, null);
    }

    /**
     * @param timing the run's {@code timing.json} (wall time, requests, retries, latency), or null; the only part
     *               of the report that differs between identical runs
     */
    public static String render(String runName, RunResults results, List<SampleRecord> samples, RunTiming timing) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Evaluation report: ")
                .append(escape(runName)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}")
                .append("td.l{text-align:left}pre{white-space:pre-wrap;background:#f7f7f7;padding:6px;max-height:14em;overflow:auto}")
                .append(".chart{display:block;margin:1em 0;border:1px solid #eee}.note{color:#777}\n</style>\n</head>\n<body>\n");
        html.append("<h1>Evaluation report: ").append(escape(runName)).append("</h1>\n");
        html.append("<p>Fingerprint <code id=\"fingerprint\">").append(results.fingerprint()).append("</code><br>Samples digest <code id=\"samples-digest\">")
                .append(results.samplesDigest()).append("</code><br>").append(results.samples()).append(" samples, ")
                .append(escape(results.harness())).append(results.rescored() ? ", rescored offline" : "").append("</p>\n");

        html.append("<h2>Accuracy per task</h2>\n").append(accuracyChart(results));
        html.append("<h2>Accuracy vs reasoning budget</h2>\n")
                .append(axisChart(results, "reasoning_budget", "base_task", "chart-reasoning-budget",
                        "Accuracy vs reasoning budget", "reasoning budget (tokens)", "no reasoning-budget sweep in this run"));
        html.append("<h2>RULER accuracy vs context length</h2>\n")
                .append(axisChart(results, "context_length", "ruler_variant", "chart-ruler",
                        "RULER accuracy vs context length", "context length (tokens)", "no RULER tasks in this run"));
        html.append("<h2>Metrics</h2>\n").append(table(results));
        html.append("<h2>Cost</h2>\n").append(cost(results, timing));
        html.append("<h2>Incorrect samples (first ").append(SHOWN_FAILURES).append(")</h2>\n").append(failures(samples));
        html.append("<script>\n// Marks how many charts the browser actually laid out (checked by the browser test).\n")
                .append("document.body.dataset.renderedCharts = Array.from(document.querySelectorAll('svg.chart'))")
                .append(".filter(s => s.getBoundingClientRect().width > 0).length;\n</script>\n");
        return html.append("</body>\n</html>\n").toString();
    }

    private static String accuracyChart(RunResults results) {
        List<SvgChart.Bar> bars = new ArrayList<>();
        results.ordered().forEach(e -> {
            String name = e.getKey();
            TaskMetrics m = e.getValue();
            Interval ci = m.wilson95() != null ? m.wilson95() : m.bootstrap95();
            bars.add(new SvgChart.Bar(name, m.mean().mean(), ci.low(), ci.high()));
        });
        return SvgChart.bars("chart-accuracy", "Accuracy per task (95% interval)", bars);
    }

    private static String axisChart(RunResults results, String axis, String seriesKey, String id, String title,
                                    String xLabel, String emptyNote) {
        Map<String, List<SvgChart.Point>> series = new TreeMap<>();
        results.ordered().forEach(e -> {
            TaskMetrics m = e.getValue();
            Object x = m.axis().get(axis);
            if (!(x instanceof Number number)) return;
            Interval ci = m.bootstrap95();
            series.computeIfAbsent(String.valueOf(m.axis().get(seriesKey)), k -> new ArrayList<>())
                    .add(new SvgChart.Point(number.doubleValue(), m.mean().mean(), ci.low(), ci.high()));
        });
        if (series.isEmpty()) return "<p class=\"note\">" + emptyNote + "</p>\n";
        List<SvgChart.Series> list = new ArrayList<>();
        series.forEach((name, points) -> {
            points.sort(java.util.Comparator.comparingDouble(SvgChart.Point::x));
            list.add(new SvgChart.Series(name, points));
        });
        return SvgChart.lines(id, title, xLabel, list, true);
    }

    private static String table(RunResults results) {
        StringBuilder t = new StringBuilder("<table id=\"metrics\">\n<tr><th>task</th><th>items</th><th>repeats</th><th>mean</th>"
                + "<th>stderr</th><th>design effect</th><th>Wilson 95%</th><th>bootstrap 95%</th><th>pass@k</th><th>maj@k</th><th>no answer</th></tr>\n");
        for (Map.Entry<String, TaskMetrics> e : results.ordered()) {
            TaskMetrics m = e.getValue();
            t.append("<tr><td class=\"l\">").append(escape(e.getKey())).append("</td><td>").append(m.items())
                    .append("</td><td>").append(m.repeats()).append("</td><td>").append(num(m.mean().mean()))
                    .append("</td><td>").append(num(m.mean().stderr())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f", m.designEffect())).append("</td><td>").append(interval(m.wilson95()))
                    .append("</td><td>").append(interval(m.bootstrap95())).append("</td><td class=\"l\">");
            m.passAtK().forEach((k, v) -> t.append(k).append('=').append(num(v)).append(' '));
            t.append("</td><td>").append(m.majAtK() == null ? "–" : num(m.majAtK())).append("</td><td>")
                    .append(m.extractionMisses()).append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    /** Tokens per task (from results.json) and the run's requests, retries and latency (from timing.json). */
    private static String cost(RunResults results, RunTiming timing) {
        StringBuilder t = new StringBuilder("<table id=\"tokens\">\n<tr><th>task</th><th>prompt tokens</th><th>completion tokens</th>"
                + "<th>reasoning tokens</th></tr>\n");
        TokenTotals all = TokenTotals.ZERO;
        for (Map.Entry<String, TaskMetrics> e : results.ordered()) {
            TokenTotals k = e.getValue().tokens() == null ? TokenTotals.ZERO : e.getValue().tokens();
            all = all.plus(k);
            t.append("<tr><td class=\"l\">").append(escape(e.getKey())).append("</td><td>").append(k.promptTokens()).append("</td><td>")
                    .append(k.completionTokens()).append("</td><td>").append(k.reasoningTokens()).append("</td></tr>\n");
        }
        t.append("<tr><th class=\"l\">all</th><th>").append(all.promptTokens()).append("</th><th>").append(all.completionTokens())
                .append("</th><th>").append(all.reasoningTokens()).append("</th></tr>\n</table>\n");
        if (timing == null || timing.requests() == null) return t.append("<p class=\"note\">no timing.json</p>\n").toString();
        RequestTotals r = timing.requests();
        t.append(String.format(Locale.ROOT, "<p id=\"requests\">%.1f s wall time over %d invocation(s); %d requests to the target, "
                        + "%d cache hits, %d retries, %d failed; latency total %d ms, p50 %d ms, p95 %d ms, max %d ms</p>%n",
                timing.wallSeconds(), timing.invocations(), r.requests(), r.cacheHits(), r.retries(), r.failedRequests(),
                r.latencyMsTotal(), r.latencyMsP50(), r.latencyMsP95(), r.latencyMsMax()));
        if (timing.judge() != null) t.append("<p id=\"judge\">judge: ").append(escape(timing.judge().describe())).append("</p>\n");
        return t.toString();
    }

    private static String failures(List<SampleRecord> samples) {
        StringBuilder s = new StringBuilder();
        int shown = 0;
        for (SampleRecord r : samples) {
            if (r.correct() || shown >= SHOWN_FAILURES) continue;
            shown++;
            s.append("<details><summary>").append(escape(r.key().toString())).append(": extracted <b>")
                    .append(escape(String.valueOf(r.extracted()))).append("</b> (").append(escape(r.extractionMethod()))
                    .append(", from ").append(escape(r.answerSource())).append("), expected <b>")
                    .append(escape(r.expected().isTextual() ? r.expected().asText() : r.expected().toString()))
                    .append("</b></summary>\n<pre>").append(escape(clip(r.answerText()))).append("</pre></details>\n");
        }
        return shown == 0 ? "<p class=\"note\">none</p>\n" : s.toString();
    }

    private static String clip(String s) { return s.length() > 4000 ? s.substring(0, 4000) + " …" : s; }

    private static String num(double v) { return String.format(Locale.ROOT, "%.4f", v); }

    private static String interval(Interval i) {
        return i == null ? "–" : String.format(Locale.ROOT, "[%.4f, %.4f]", i.low(), i.high());
    }

    /** HTML/XML text escaping. */
    public static String escape(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

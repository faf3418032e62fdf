package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code nemotron4j bench-report}: turns a directory of side-by-side results ({@code ours-<preset>-<type>.json}
 * from {@code bench --json}, {@code llama-<preset>-<type>.json} from {@code llama-bench -o json}, and optionally the
 * {@code side-by-side.csv} a driver script wrote with llama.cpp's peak RSS and the load average of each run) into
 * the markdown table and the PNG chart of docs/BENCHMARKS.md. Every preset and type found is reported, presets in
 * size order (s, m, l) and types in the order of {@link #TYPE_ORDER}.
 */
@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = "Markdown table and PNG chart from bench --json and llama-bench -o json results.")
final class BenchReportCommand implements Callable<Integer> {

    /** The published files first (what users download), then the continuity types. */
    static final List<String> TYPE_ORDER = List.of("Q8_0", "Q4_K_M", "IQ4_XS", "MXFP4_MOE", "Q4_0", "F16", "BF16");
    private static final List<String> PRESET_ORDER = List.of("s", "m", "l");
    private static final Pattern OURS = Pattern.compile("ours-([a-z0-9]+)-([a-z0-9_]+)\\.json");

    @Option(names = "--results", required = true, description = "Directory with ours-*.json and llama-*.json (and side-by-side.csv).")
    Path results;

    @Option(names = "--chart", description = "PNG to write (without .png).")
    Path chart;

    /** One file's figures; llama values are NaN (and its RSS -1) where llama.cpp was not run or failed. */
    record Row(String preset, String type, double ourPp, double ourPpMin, double ourPpMax, double ourTg, double ourTgMin, double ourTgMax,
               double llamaPp, double llamaPpSd, double llamaTg, double llamaTgSd, long ourRss, long llamaRss, long fileBytes,
               double bandwidth, long weightBytes, String load) {

        double tgRatio() {
            return ourTg / llamaTg;
        }

        double ppRatio() {
            return ourPp / llamaPp;
        }

        /** Tokens/s if one decode step took exactly its weight bytes at {@code bandwidth} bytes/s. */
        double rooflineTps(double bandwidth) {
            return weightBytes > 0 ? bandwidth / weightBytes : Double.NaN;
        }
    }

    @Override
    public Integer call() throws IOException {
        List<Row> rows = read(results);
        if (rows.isEmpty()) {
            System.err.println("bench-report: no ours-<preset>-<type>.json files in " + results);
            return 1;
        }
        double bandwidth = medianBandwidth(rows);
        System.out.printf(Locale.ROOT, "Roofline: the weight bytes of one decode step at %.1f GB/s, the median of the %d read-bandwidth "
                + "measurements of this run (%.1f–%.1f GB/s).%n%n", bandwidth / 1e9, rows.size(),
                rows.stream().mapToDouble(Row::bandwidth).min().orElse(0) / 1e9, rows.stream().mapToDouble(Row::bandwidth).max().orElse(0) / 1e9);
        printTable(rows, bandwidth, System.out);
        if (chart != null) {
            writeChart(rows, chart);
            System.err.println("wrote " + chart + ".png");
        }
        return 0;
    }

    /** Every {@code ours-*.json} in {@code dir} with its llama.cpp counterpart, in report order. */
    static List<Row> read(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, String[]> csv = readCsv(dir.resolve("side-by-side.csv"));
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path ours : files.sorted().toList()) {
                Matcher m = OURS.matcher(ours.getFileName().toString());
                if (!m.matches()) continue;
                String preset = m.group(1), type = m.group(2).toUpperCase(Locale.ROOT);
                String line = Files.readString(ours).lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
                if (line == null) continue; // a failed run leaves an empty file
                JsonNode o = json.readTree(line);
                double lpp = Double.NaN, ltg = Double.NaN, lppSd = Double.NaN, ltgSd = Double.NaN;
                Path llama = dir.resolve("llama-" + m.group(1) + "-" + m.group(2) + ".json");
                if (Files.exists(llama) && Files.size(llama) > 0) {
                    for (JsonNode r : json.readTree(llama.toFile())) {
                        if (r.path("n_prompt").asInt() > 0 && r.path("n_gen").asInt() == 0) {
                            lpp = median(r.path("samples_ts"));
                            lppSd = r.path("stddev_ts").asDouble();
                        } else if (r.path("n_gen").asInt() > 0 && r.path("n_prompt").asInt() == 0) {
                            ltg = median(r.path("samples_ts"));
                            ltgSd = r.path("stddev_ts").asDouble();
                        }
                    }
                }
                String[] llamaCsv = csv.get("bench-" + preset + "/" + type + "/llama");
                String[] oursCsv = csv.get("bench-" + preset + "/" + type + "/ours");
                long llamaRss = llamaCsv != null && !llamaCsv[15].isEmpty() ? Long.parseLong(llamaCsv[15]) : -1;
                String load = (llamaCsv != null ? llamaCsv[17] : "—") + " / " + (oursCsv != null ? oursCsv[17] : "—");
                rows.add(new Row("bench-" + preset, type, o.path("pp_tokens_per_s").asDouble(), o.path("pp_min").asDouble(),
                        o.path("pp_max").asDouble(), o.path("tg_tokens_per_s").asDouble(), o.path("tg_min").asDouble(),
                        o.path("tg_max").asDouble(), lpp, lppSd, ltg, ltgSd, o.path("peak_rss_bytes").asLong(), llamaRss,
                        o.path("file_bytes").asLong(), o.path("read_bandwidth_bytes_per_s").asDouble(),
                        o.path("weight_bytes_per_token").asLong(), load));
            }
        }
        rows.sort(Comparator.comparingInt((Row r) -> rank(PRESET_ORDER, r.preset.substring("bench-".length())))
                .thenComparingInt(r -> rank(TYPE_ORDER, r.type)).thenComparing(Row::type));
        return rows;
    }

    private static int rank(List<String> order, String key) {
        int i = order.indexOf(key);
        return i < 0 ? order.size() : i;
    }

    /** The last row per preset/type/engine of a side-by-side.csv (header names the columns), or nothing. */
    private static Map<String, String[]> readCsv(Path csv) throws IOException {
        Map<String, String[]> last = new HashMap<>();
        if (!Files.exists(csv)) return last;
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length < 21 || !f[20].equals("ok")) continue;
            last.put(f[2] + "/" + f[3] + "/" + f[4], f);
        }
        return last;
    }

    /**
     * The median of the rows' measured read bandwidths: one figure for the whole run, because a single
     * measurement moves with the machine's load (27–61 GB/s within one quiet hour on this VM).
     */
    static double medianBandwidth(List<Row> rows) {
        return BenchCommand.median(rows.stream().mapToDouble(Row::bandwidth).toArray());
    }

    static void printTable(List<Row> rows, double bandwidth, PrintStream out) {
        out.println("| preset | type | pp512 nemotron4j | pp512 llama.cpp | pp ratio | tg128 nemotron4j | tg128 llama.cpp | tg ratio "
                + "| MB/token | roofline t/s | % roofline ours / llama | peak RSS ours / llama / file (GiB) | load before llama / ours |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            double roof = r.rooflineTps(bandwidth);
            out.printf(Locale.ROOT, "| %s | %s | %.1f (%.1f–%.1f) | %s | %s | %.2f (%.2f–%.2f) | %s | %s | %.0f | %.1f | %.0f%% / %s | %.2f / %s / %.2f | %s |%n",
                    r.preset, r.type, r.ourPp, r.ourPpMin, r.ourPpMax, withSd(r.llamaPp, r.llamaPpSd, 1), ratio(r.ppRatio()),
                    r.ourTg, r.ourTgMin, r.ourTgMax, withSd(r.llamaTg, r.llamaTgSd, 2), ratio(r.tgRatio()), r.weightBytes / 1e6,
                    roof, 100 * r.ourTg / roof, Double.isNaN(r.llamaTg) ? "—" : String.format(Locale.ROOT, "%.0f%%", 100 * r.llamaTg / roof),
                    gib(r.ourRss), r.llamaRss < 0 ? "—" : String.format(Locale.ROOT, "%.2f", gib(r.llamaRss)), gib(r.fileBytes), r.load);
        }
    }

    private static String withSd(double v, double sd, int decimals) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", v, sd);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format(Locale.ROOT, "**%.2f×**", v);
    }

    private static double gib(long bytes) {
        return bytes / 1073741824.0;
    }

    /** One row of charts per preset: decode and prompt throughput, both engines side by side per type. */
    static void writeChart(List<Row> rows, Path chart) {
        List<CategoryChart> charts = new ArrayList<>();
        List<String> presets = rows.stream().map(Row::preset).distinct().toList();
        for (String preset : presets) {
            List<Row> of = rows.stream().filter(r -> r.preset.equals(preset)).toList();
            List<String> labels = of.stream().map(Row::type).toList();
            charts.add(bars(preset + ": decode tg128 (tokens/s, 2 threads)", labels,
                    of.stream().map(Row::ourTg).toList(), of.stream().map(Row::llamaTg).toList()));
            charts.add(bars(preset + ": prompt pp512 (tokens/s, 2 threads)", labels,
                    of.stream().map(Row::ourPp).toList(), of.stream().map(Row::llamaPp).toList()));
        }
        try {
            BitmapEncoder.saveBitmap(charts, presets.size(), 2, chart.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(chart + ".png: " + e.getMessage(), e);
        }
    }

    private static CategoryChart bars(String title, List<String> labels, List<Double> ours, List<Double> llama) {
        CategoryChart c = new CategoryChartBuilder().width(640).height(400).title(title).yAxisTitle("tokens/s").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setXAxisLabelRotation(20);
        c.addSeries("nemotron4j", labels, ours.stream().map(BenchReportCommand::oneDecimal).toList());
        c.addSeries("llama.cpp", labels, llama.stream().map(v -> v.isNaN() ? 0.0 : oneDecimal(v)).toList());
        return c;
    }

    private static double oneDecimal(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double median(JsonNode samples) {
        double[] v = new double[samples.size()];
        for (int i = 0; i < v.length; i++) v[i] = samples.get(i).asDouble();
        return BenchCommand.median(v);
    }
}

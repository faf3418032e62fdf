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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j bench-report}: turns a directory of side-by-side results ({@code ours-<preset>-<type>.json}
 * from {@code bench --json}, {@code llama-<preset>-<type>.json} from {@code llama-bench -o json}) into the
 * markdown table and the PNG chart of docs/BENCHMARKS.md.
 */
@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = "Markdown table and PNG chart from bench --json and llama-bench -o json results.")
final class BenchReportCommand implements Callable<Integer> {

    @Option(names = "--results", required = true, description = "Directory with ours-*.json and llama-*.json.")
    Path results;

    @Option(names = "--chart", description = "PNG to write.")
    Path chart;

    record Row(String preset, String type, double ourPp, double ourTg, double llamaPp, double llamaTg, double llamaPpSd, double llamaTgSd,
               double ourPpMin, double ourPpMax, double ourTgMin, double ourTgMax, long rss, long fileBytes, double roofline, double bandwidth,
               long weightBytes) {}

    @Override
    public Integer call() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Row> rows = new ArrayList<>();
        for (String preset : List.of("s", "m")) {
            for (String type : List.of("q8_0", "q4_0", "f16")) {
                Path ours = results.resolve("ours-" + preset + "-" + type + ".json"), llama = results.resolve("llama-" + preset + "-" + type + ".json");
                if (!Files.exists(ours)) continue;
                JsonNode o = json.readTree(Files.readString(ours).lines().filter(l -> l.startsWith("{")).findFirst().orElse("{}"));
                double lpp = Double.NaN, ltg = Double.NaN, lppSd = Double.NaN, ltgSd = Double.NaN;
                if (Files.exists(llama) && Files.size(llama) > 0) {
                    for (JsonNode r : json.readTree(llama.toFile())) {
                        if (r.path("n_prompt").asInt() > 0) {
                            lpp = median(r.path("samples_ts"));
                            lppSd = r.path("stddev_ts").asDouble();
                        } else {
                            ltg = median(r.path("samples_ts"));
                            ltgSd = r.path("stddev_ts").asDouble();
                        }
                    }
                }
                rows.add(new Row("bench-" + preset, type.toUpperCase(Locale.ROOT), o.path("pp_tokens_per_s").asDouble(), o.path("tg_tokens_per_s").asDouble(),
                        lpp, ltg, lppSd, ltgSd, o.path("pp_min").asDouble(), o.path("pp_max").asDouble(), o.path("tg_min").asDouble(),
                        o.path("tg_max").asDouble(), o.path("peak_rss_bytes").asLong(), o.path("file_bytes").asLong(),
                        o.path("roofline_fraction").asDouble(), o.path("read_bandwidth_bytes_per_s").asDouble(), o.path("weight_bytes_per_token").asLong()));
            }
        }
        System.out.println("| preset | type | pp512 nemotron4j | pp512 llama.cpp | tg128 nemotron4j | tg128 llama.cpp | tg ratio | peak RSS / file | MB/token | bandwidth GB/s | % roofline |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f (%.1f–%.1f) | %.1f ± %.1f | %.2f (%.2f–%.2f) | %.2f ± %.2f | %.2f | %.2f GiB / %.2f GiB = %.2f | %.0f | %.1f | %.0f%% |%n",
                    r.preset, r.type, r.ourPp, r.ourPpMin, r.ourPpMax, r.llamaPp, r.llamaPpSd, r.ourTg, r.ourTgMin, r.ourTgMax, r.llamaTg, r.llamaTgSd,
                    r.ourTg / r.llamaTg, r.rss / 1073741824.0, r.fileBytes / 1073741824.0, (double) r.rss / r.fileBytes, r.weightBytes / 1e6,
                    r.bandwidth / 1e9, 100 * r.roofline);
        }
        if (chart != null) {
            List<String> labels = rows.stream().map(r -> r.preset + " " + r.type).toList();
            CategoryChart tg = bars("Decode tg128 (tokens/s, median of 5, 2 threads)", labels,
                    rows.stream().map(Row::ourTg).toList(), rows.stream().map(Row::llamaTg).toList());
            CategoryChart pp = bars("Prompt pp512 (tokens/s, median of 5, 2 threads)", labels,
                    rows.stream().map(Row::ourPp).toList(), rows.stream().map(Row::llamaPp).toList());
            BitmapEncoder.saveBitmap(Arrays.asList(tg, pp), 2, 1, chart.toString(), BitmapEncoder.BitmapFormat.PNG);
            System.err.println("wrote " + chart + ".png");
        }
        return 0;
    }

    private static CategoryChart bars(String title, List<String> labels, List<Double> ours, List<Double> llama) {
        CategoryChart c = new CategoryChartBuilder().width(900).height(380).title(title).yAxisTitle("tokens/s").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setLabelsVisible(true);
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

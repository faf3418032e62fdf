package dev.nemotron4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** bench-report: finds every preset and type, pairs each with llama.cpp's figures and the driver's CSV, orders them. */
class BenchReportCommandTest {

    @TempDir
    Path dir;

    private void ours(String preset, String type, double pp, double tg, long weightBytes, double bandwidth) throws Exception {
        Files.writeString(dir.resolve("ours-" + preset + "-" + type + ".json"), "WARNING: noise\n" + String.format(java.util.Locale.ROOT,
                "{\"pp_tokens_per_s\":%s,\"pp_min\":1,\"pp_max\":2,\"tg_tokens_per_s\":%s,\"tg_min\":3,\"tg_max\":4,\"peak_rss_bytes\":1073741824,"
                        + "\"file_bytes\":2147483648,\"read_bandwidth_bytes_per_s\":%s,\"weight_bytes_per_token\":%d}\n", pp, tg, bandwidth, weightBytes));
    }

    private void llama(String preset, String type, double[] pp, double[] tg) throws Exception {
        Files.writeString(dir.resolve("llama-" + preset + "-" + type + ".json"), """
                [{"n_prompt": 512, "n_gen": 0, "samples_ts": [%s, %s, %s], "stddev_ts": 1.5},
                 {"n_prompt": 0, "n_gen": 128, "samples_ts": [%s, %s, %s], "stddev_ts": 0.5}]
                """.formatted(pp[0], pp[1], pp[2], tg[0], tg[1], tg[2]));
    }

    @Test
    void tabulatesEveryPresetAndTypeInReportOrder() throws Exception {
        ours("l", "q8_0", 30, 8, 4_000_000_000L, 40e9);
        ours("s", "q4_k_m", 150, 25, 500_000_000L, 50e9);
        ours("s", "q8_0", 200, 40, 651_000_000L, 52.08e9);
        ours("s", "iq1_m", 10, 5, 100_000_000L, 50e9);
        Files.writeString(dir.resolve("ours-s-mxfp4_moe.json"), ""); // a failed run: skipped
        llama("s", "q4_k_m", new double[] {220, 200, 210}, new double[] {49, 50, 51});
        llama("s", "q8_0", new double[] {280, 270, 260}, new double[] {52, 53, 54});
        Files.writeString(dir.resolve("side-by-side.csv"), """
                time,file,preset,type,engine,pp,tg,reps,threads,pp_tps,pp_min,pp_max,tg_tps,tg_min,tg_max,peak_rss_bytes,roofline_pct,load1,load5,load15,status
                t,f,bench-s,Q8_0,llama,512,128,5,2,270,260,280,53,52,54,999,,9.99,1,1,ok
                t,f,bench-s,Q8_0,llama,512,128,5,2,270,260,280,53,52,54,1191182336,,0.76,1,1,ok
                t,f,bench-s,Q8_0,ours,512,128,5,2,200,1,2,40,3,4,1073741824,,1.26,1,1,ok
                t,f,bench-s,Q4_K_M,llama,512,128,5,2,,,,,,,,,3.2,1,1,fail(rc=1)
                """);

        List<BenchReportCommand.Row> rows = BenchReportCommand.read(dir);

        assertThat(rows).extracting(r -> r.preset() + " " + r.type())
                .containsExactly("bench-s Q8_0", "bench-s Q4_K_M", "bench-s IQ1_M", "bench-l Q8_0");
        BenchReportCommand.Row q8 = rows.get(0);
        assertThat(q8.llamaTg()).isEqualTo(53.0);
        assertThat(q8.llamaPp()).isEqualTo(270.0);
        assertThat(q8.tgRatio()).isCloseTo(40.0 / 53.0, within(1e-12));
        assertThat(q8.rooflineTps(52.08e9)).isCloseTo(80.0, within(1e-9));
        assertThat(BenchReportCommand.medianBandwidth(rows)).isEqualTo(50e9); // of 40, 50, 50, 52.08
        assertThat(q8.llamaRss()).isEqualTo(1191182336L); // the last ok row of the CSV wins
        assertThat(q8.load()).isEqualTo("0.76 / 1.26");
        BenchReportCommand.Row k = rows.get(1);
        assertThat(k.llamaTg()).isEqualTo(50.0);
        assertThat(k.llamaRss()).isEqualTo(-1L); // its CSV row failed
        assertThat(rows.get(3).llamaTg()).isNaN();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BenchReportCommand.printTable(rows, 52.08e9, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2 + 4);
        assertThat(lines.get(2)).startsWith("| bench-s | Q8_0 | 200.0 (1.0–2.0) | 270.0 ± 1.5 | **0.74×** | 40.00 (3.00–4.00) | 53.00 ± 0.50 | **0.75×** | 651 | 80.0 | 50% / 66% | 1.00 / 1.11 / 2.00 | 0.76 / 1.26 |");
        assertThat(lines.get(5)).contains("| bench-l | Q8_0 |").contains("| — | — |");

        BenchReportCommand.writeChart(rows, dir.resolve("chart"));
        assertThat(dir.resolve("chart.png")).isNotEmptyFile();
    }
}

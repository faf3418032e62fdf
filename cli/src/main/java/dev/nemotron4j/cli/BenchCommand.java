package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.kernels.MemoryBandwidth;
import dev.nemotron4j.engine.kernels.WorkerPool;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.SequenceState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j bench}: prompt processing (one {@code --pp}-token prompt) and decode ({@code --tg} single-token
 * steps from an empty context) in tokens/s like llama-bench, median and spread over repetitions after a warm-up;
 * peak RSS; and decode as a fraction of the bandwidth roofline (weight bytes per token ÷ the read bandwidth
 * measured here, after the timed runs).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt-processing and decode speed, peak RSS and %% of the memory-bandwidth roofline.")
final class BenchCommand implements Callable<Integer>, RunsModel {

    @Mixin
    ModelOption model;

    @Option(names = "--pp", defaultValue = "512", description = "Prompt length (default: ${DEFAULT-VALUE}; 0 skips).")
    int pp;

    @Option(names = "--tg", defaultValue = "128", description = "Decode steps (default: ${DEFAULT-VALUE}; 0 skips).")
    int tg;

    @Option(names = "--reps", defaultValue = "5", description = "Repetitions (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--threads", description = "Compute threads (default: available processors).")
    Integer threads;

    @Option(names = "--depth", defaultValue = "0", description = "Cached positions before decoding (default: ${DEFAULT-VALUE}); "
            + "filled with random keys/values instead of a prefill, since decode cost does not depend on their values.")
    int depth;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    KvCacheOption kvCache;

    @Override
    public Path modelPath() {
        return model.path;
    }

    /** The warm-up state and a repetition's state, each up to the longest run; prompt rows in one pass. */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        return new MemoryPlan.Workload(2, Math.max(pp, depth + tg) + 8, Math.max(pp, 1), 1, kvCache.type, false);
    }

    @Override
    public Integer call() throws IOException {
        if (threads != null) System.setProperty("nemotron4j.threads", Integer.toString(threads));
        WorkerPool pool = WorkerPool.shared();
        ModelSource source = model.source();
        long fileBytes = source.fileBytes();
        try (NemotronHModel m = source.load()) {
            kvCache.applyTo(m);
            SplittableRandom rnd = new SplittableRandom(42);
            int vocab = m.vocabSize();
            int[] prompt = rnd.ints(Math.max(pp, 1), 0, vocab).toArray();
            int ctx = Math.max(pp, depth + tg) + 8;

            // warm-up: let the JIT compile the kernels at both batch shapes
            SequenceState warm = m.newState(ctx);
            m.forwardLast(warm, prompt); // a full prompt: the batched kernels compile on first use
            for (int i = 0; i < 8; i++) m.forwardLast(warm, new int[] {rnd.nextInt(vocab)});

            double[] ppRate = new double[pp > 0 ? reps : 0], tgRate = new double[tg > 0 ? reps : 0];
            for (int r = 0; r < reps; r++) {
                if (pp > 0) {
                    SequenceState s = m.newState(ctx);
                    long t0 = System.nanoTime();
                    m.forwardLast(s, prompt);
                    ppRate[r] = pp / ((System.nanoTime() - t0) / 1e9);
                }
                if (tg > 0) {
                    SequenceState s = m.newState(ctx);
                    if (depth > 0) fillContext(m, s, depth, rnd);
                    int[] one = {1};
                    long t0 = System.nanoTime();
                    for (int i = 0; i < tg; i++) {
                        one[0] = rnd.nextInt(vocab);
                        m.forwardLast(s, one);
                    }
                    tgRate[r] = tg / ((System.nanoTime() - t0) / 1e9);
                }
                if (!json) System.err.printf(Locale.ROOT, "rep %d: pp %.2f t/s, tg %.2f t/s%n", r + 1, pp > 0 ? ppRate[r] : 0, tg > 0 ? tgRate[r] : 0);
            }
            long peakRss = peakRss();
            // resident now: pages of the mapped weights (file) and everything else, the heap included (anonymous)
            long rssFile = status("RssFile:"), rssAnon = status("RssAnon:");
            long weightBytes = m.activeWeightBytesPerToken();
            double bandwidth = MemoryBandwidth.measure(pool, 1L << 30, 5);
            double tgMedian = median(tgRate), ppMedian = median(ppRate);
            double roofline = bandwidth / weightBytes;

            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("model", model.path.toString());
            o.put("file_bytes", fileBytes);
            o.put("threads", pool.threads());
            o.put("pp", pp);
            o.put("tg", tg);
            o.put("depth", depth);
            o.put("kv_cache", kvCache.type.toString());
            o.put("reps", reps);
            o.put("pp_tokens_per_s", ppMedian);
            o.put("pp_min", min(ppRate));
            o.put("pp_max", max(ppRate));
            o.put("tg_tokens_per_s", tgMedian);
            o.put("tg_min", min(tgRate));
            o.put("tg_max", max(tgRate));
            o.put("peak_rss_bytes", peakRss);
            o.put("rss_file_bytes", rssFile);
            o.put("rss_anon_bytes", rssAnon);
            o.put("weight_bytes_per_token", weightBytes);
            o.put("read_bandwidth_bytes_per_s", bandwidth);
            o.put("roofline_tokens_per_s", roofline);
            o.put("roofline_fraction", tgMedian / roofline);
            if (json) {
                System.out.println(o.toString());
            } else {
                System.out.printf(Locale.ROOT, "%s: pp%d %.2f t/s [%.2f–%.2f], tg%d %.2f t/s [%.2f–%.2f], peak RSS %.2f GiB (file %.2f GiB; now %.0f MB mapped + %.0f MB other), "
                                + "%.0f MB/token, bandwidth %.1f GB/s, roofline %.1f t/s (%.0f%%)%n",
                        model.path.getFileName(), pp, ppMedian, min(ppRate), max(ppRate), tg, tgMedian, min(tgRate), max(tgRate),
                        peakRss / 1073741824.0, fileBytes / 1073741824.0, rssFile / 1e6, rssAnon / 1e6, weightBytes / 1e6, bandwidth / 1e9, roofline, 100 * tgMedian / roofline);
            }
        }
        return 0;
    }

    /** Puts {@code depth} random key/value rows into every attention cache of {@code s} and advances its position. */
    static void fillContext(NemotronHModel m, SequenceState s, int depth, SplittableRandom rnd) {
        var c = m.config();
        for (int layer = 0; layer < c.numLayers(); layer++) {
            var kv = s.kv(layer);
            if (kv == null) continue;
            float[] row = new float[kv.width()];
            kv.ensureCapacity(depth);
            for (int t = 0; t < depth; t++) {
                for (int i = 0; i < row.length; i++) row[i] = (float) (rnd.nextDouble() * 2 - 1);
                kv.append(row, 0, row, 0);
            }
        }
        s.advance(depth);
    }

    static double median(double[] v) {
        if (v.length == 0) return 0;
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    /** Peak resident set size (VmHWM), or -1 where /proc is unavailable. */
    static long peakRss() {
        return status("VmHWM:");
    }

    /** A size line of /proc/self/status in bytes, or -1 where /proc is unavailable. */
    static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

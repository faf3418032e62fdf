package dev.nemotron4j.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per step ({@code step, loss, lr, grad_norm, tokens, tokens_per_s, seconds,
 * expert_load, max_violation, max_violation_mean}), kept in memory too for the plots. On resume the lines after the
 * checkpoint's step (written by the interrupted run after its last checkpoint) are dropped.
 */
final class MetricsLog implements AutoCloseable {
    static final String FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<StepMetrics> all = new ArrayList<>();
    private final BufferedWriter out;

    /** Opens {@code dir/metrics.jsonl}, keeping the steps ≤ {@code keepThrough} of {@code previous} (a resumed run's log, may be null). */
    MetricsLog(Path dir, Path previous, long keepThrough) throws IOException {
        if (previous != null && Files.exists(previous)) {
            for (String line : Files.readAllLines(previous, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                StepMetrics m = parse(JSON.readTree(line));
                if (m.step() <= keepThrough) all.add(m);
            }
        }
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".part");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (StepMetrics m : all) {
                w.write(line(m));
                w.newLine();
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    void add(StepMetrics m) throws IOException {
        all.add(m);
        out.write(line(m));
        out.newLine();
        out.flush();
    }

    List<StepMetrics> all() {
        return all;
    }

    static String line(StepMetrics m) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", m.step()).put("loss", m.loss()).put("lr", m.lr()).put("grad_norm", m.gradNorm()).put("tokens", m.tokens())
                .put("tokens_per_s", m.tokensPerSecond()).put("seconds", m.seconds());
        ArrayNode load = o.putArray("expert_load");
        for (long[] layer : m.expertLoad()) {
            ArrayNode a = load.addArray();
            for (long c : layer) a.add(c);
        }
        ArrayNode vio = o.putArray("max_violation");
        for (double v : m.maxViolation()) vio.add(v);
        o.put("max_violation_mean", m.meanMaxViolation());
        return JSON.writeValueAsString(o);
    }

    static StepMetrics parse(JsonNode o) {
        JsonNode load = o.path("expert_load");
        long[][] l = new long[load.size()][];
        for (int i = 0; i < l.length; i++) {
            l[i] = new long[load.get(i).size()];
            for (int j = 0; j < l[i].length; j++) l[i][j] = load.get(i).get(j).asLong();
        }
        JsonNode vio = o.path("max_violation");
        double[] v = new double[vio.size()];
        for (int i = 0; i < v.length; i++) v[i] = vio.get(i).asDouble();
        return new StepMetrics(o.path("step").asLong(), o.path("loss").asDouble(), o.path("lr").asDouble(), o.path("grad_norm").asDouble(),
                o.path("tokens").asLong(), o.path("tokens_per_s").asDouble(), o.path("seconds").asDouble(), l, v);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

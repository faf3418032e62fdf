package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.report.HtmlReport;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.task.TaskDefinition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a finished run's outputs: {@code samples.jsonl} (canonical order: task order of the config,
 * then item index, then repeat), {@code results.json} and {@code report.html}. Files are replaced
 * atomically, so a kill during this step leaves either the old or the new file.
 */
public final class RunOutputs {
    public static final String SAMPLES = "samples.jsonl";
    public static final String REPORT = "report.html";

    private static final java.util.concurrent.atomic.AtomicLong TEMP_COUNTER = new java.util.concurrent.atomic.AtomicLong();

    private RunOutputs() {}

    /** Records in canonical order. */
    public static List<SampleRecord> canonicalOrder(List<TaskShape> tasks, Collection<SampleRecord> records) {
        Map<String, Integer> taskOrder = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) taskOrder.put(tasks.get(i).name(), i);
        List<SampleRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.<SampleRecord>comparingInt(r -> taskOrder.getOrDefault(r.task(), Integer.MAX_VALUE))
                .thenComparing(SampleRecord::task)
                .thenComparingInt(SampleRecord::itemIndex)
                .thenComparingInt(SampleRecord::repeat));
        return sorted;
    }

    /** The samples.jsonl text for records already in canonical order. */
    public static String samplesText(List<SampleRecord> ordered) {
        StringBuilder sb = new StringBuilder();
        for (SampleRecord r : ordered) sb.append(CanonicalJson.canonical(r)).append('\n');
        return sb.toString();
    }

    public static RunResults write(Path runDir, List<TaskDefinition> tasks, String fingerprint, long runSeed,
                                   Map<SampleKey, SampleRecord> records, boolean html, boolean rescored) {
        return writeShapes(runDir, TaskShape.of(tasks), fingerprint, runSeed, records, html, rescored);
    }

    /** Writes samples.jsonl, results.json and (optionally) report.html for tasks known by their shapes. */
    public static RunResults writeShapes(Path runDir, List<TaskShape> tasks, String fingerprint, long runSeed,
                                         Map<SampleKey, SampleRecord> records, boolean html, boolean rescored) {
        List<SampleRecord> ordered = canonicalOrder(tasks, records.values());
        String samples = samplesText(ordered);
        Map<String, TaskMetrics> metrics = new LinkedHashMap<>();
        for (TaskShape task : tasks) {
            List<SampleRecord> own = ordered.stream().filter(r -> r.task().equals(task.name())).toList();
            metrics.put(task.name(), MetricsCalculator.of(task, new ArrayList<>(own), runSeed));
        }
        RunResults results = new RunResults(fingerprint, Sha256.hex(samples), RunLock.HARNESS, ordered.size(),
                List.copyOf(metrics.keySet()), metrics, rescored);
        replace(runDir.resolve(SAMPLES), samples);
        replace(runDir.resolve(RunResults.FILE), CanonicalJson.pretty(results));
        if (html) {
            replace(runDir.resolve(REPORT), HtmlReport.render(runDir.toAbsolutePath().normalize().getFileName().toString(), results, ordered,
                    RunTiming.read(runDir).orElse(null)));
        }
        return results;
    }

    /** Re-renders report.html from a finished run's results.json and samples.jsonl. */
    public static Path writeReport(Path runDir) {
        Path file = runDir.resolve(REPORT);
        replace(file, HtmlReport.render(runDir.toAbsolutePath().normalize().getFileName().toString(), readResults(runDir), readSamples(runDir),
                RunTiming.read(runDir).orElse(null)));
        return file;
    }

    public static RunResults readResults(Path runDir) {
        try {
            return CanonicalJson.MAPPER.readValue(Files.readString(runDir.resolve(RunResults.FILE)), RunResults.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir.resolve(RunResults.FILE) + " (run not finished? try eval resume)", e);
        }
    }

    /** samples.jsonl records (canonical order as written). */
    public static List<SampleRecord> readSamples(Path runDir) {
        Path file = runDir.resolve(SAMPLES);
        try {
            List<SampleRecord> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) out.add(CanonicalJson.bind(CanonicalJson.parse(line), SampleRecord.class));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Replaces {@code file} with {@code text} atomically. The temporary file is created like the journal
     * (default permissions under the process umask), not 0600 as {@link Files#createTempFile} would make it,
     * so every file of a run directory has the same mode.
     */
    public static void replace(Path file, String text) {
        try {
            Path tmp = file.toAbsolutePath().getParent().resolve("." + file.getFileName() + "."
                    + ProcessHandle.current().pid() + "." + TEMP_COUNTER.incrementAndGet() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}

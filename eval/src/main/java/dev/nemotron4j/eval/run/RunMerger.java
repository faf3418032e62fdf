package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.json.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code eval merge --out DIR SHARD_DIR...}: joins the finished shards of one run ({@code --shard i/n}) into the run
 * the unsharded command writes — the same samples.jsonl bytes, samples digest and results.json — with no target
 * and no dataset: the shards' lockfiles carry the fingerprint, the task order and shapes.
 */
public final class RunMerger {
    private RunMerger() {}

    public static RunResults merge(Path out, List<Path> shardDirs) {
        if (shardDirs.isEmpty()) throw new IllegalArgumentException("no shard directories to merge");
        List<RunLock> locks = new ArrayList<>();
        for (Path dir : shardDirs) locks.add(RunLock.read(dir));
        RunLock first = locks.getFirst();
        int count = Shard.parse(first.shard()).count();
        boolean[] seen = new boolean[count];
        for (int i = 0; i < locks.size(); i++) {
            RunLock lock = locks.get(i);
            Path dir = shardDirs.get(i);
            if (!lock.fingerprint().equals(first.fingerprint())) {
                throw new IllegalArgumentException(dir + " is a shard of another run (fingerprint " + lock.fingerprint().substring(0, 12)
                        + ", not " + first.fingerprint().substring(0, 12) + ")");
            }
            Shard shard = Shard.parse(lock.shard());
            if (shard.count() != count) throw new IllegalArgumentException(dir + " is shard " + shard + ", not one of " + count);
            if (seen[shard.index()]) throw new IllegalArgumentException("shard " + shard + " is given twice (" + dir + ")");
            seen[shard.index()] = true;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) if (!seen[i]) missing.add(i + "/" + count);
        if (!missing.isEmpty()) throw new IllegalArgumentException("shards missing: " + String.join(", ", missing));

        Map<SampleKey, SampleRecord> records = new LinkedHashMap<>();
        List<RunTiming> timings = new ArrayList<>();
        for (Path dir : shardDirs) {
            RunResults results;
            String text;
            try {
                results = RunOutputs.readResults(dir);
                text = Files.readString(dir.resolve(RunOutputs.SAMPLES));
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException(dir + " is not a finished shard (run `eval resume " + dir + "` first)", e);
            }
            if (!Sha256.hex(text).equals(results.samplesDigest())) {
                throw new IllegalArgumentException(dir + ": samples.jsonl does not match its digest in results.json");
            }
            for (SampleRecord r : RunOutputs.readSamples(dir)) {
                if (records.putIfAbsent(r.key(), r) != null) throw new IllegalArgumentException("sample " + r.key() + " is in two shards");
            }
            RunTiming.read(dir).ifPresent(timings::add);
        }
        long expected = 0;
        for (var task : first.inputs().path("tasks")) expected += task.path("items").asLong() * task.path("repeats").asLong();
        if (records.size() != expected) {
            throw new IllegalArgumentException("the shards hold " + records.size() + " samples, the run has " + expected);
        }

        try (RunDirectoryLock ignored = RunDirectoryLock.acquire(out, "merge")) {
            requireEmpty(out);
            ObjectNode operational = first.operational().deepCopy();
            ((ObjectNode) operational.path("config").path("run")).putNull("shard");
            ((ObjectNode) operational.path("config").path("output")).put("dir", out.toAbsolutePath().normalize().toString());
            var from = operational.putArray("merged_from");
            shardDirs.forEach(d -> from.add(d.toAbsolutePath().normalize().toString()));
            RunLock merged = new RunLock(first.lockVersion(), first.harness(), first.fingerprint(), first.inputs(), operational);
            merged.write(out);
            List<TaskShape> shapes = first.taskShapes();
            List<SampleRecord> ordered = RunOutputs.canonicalOrder(shapes, records.values());
            // the journal of a finished run: resume finds every sample done
            RunOutputs.replace(out.resolve("journal.jsonl"), RunOutputs.samplesText(ordered));
            RunTiming.writeMerged(out, timings);
            boolean html = !Boolean.FALSE.equals(merged.config().output() == null ? null : merged.config().output().html());
            return RunOutputs.writeShapes(out, shapes, first.fingerprint(), merged.config().run().seed(), records, html, false);
        }
    }

    private static void requireEmpty(Path out) {
        try (Stream<Path> files = Files.list(out)) {
            if (files.anyMatch(f -> !f.getFileName().toString().equals(RunDirectoryLock.FILE))) {
                throw new IllegalArgumentException(out + " is not empty; merge into a new directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + out, e);
        }
    }
}

package dev.nemotron4j.eval.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts a command, feeds it standard input, keeps at most a bounded amount of its output and kills it (with every
 * process it started) at the wall-clock limit or when it writes too much. The streams are pumped on their own threads,
 * so a program that does not read its input or fills both pipes cannot block the harness.
 */
final class BoundedProcess {

    /** What came back; {@code exitCode} is -1 when we killed the process. */
    record Finished(int exitCode, byte[] stdout, String stderrTail, boolean timedOut, boolean outputExceeded, long wallMillis) {}

    private BoundedProcess() {}

    static Finished run(List<String> command, Path workDir, Map<String, String> environment, String stdin,
                        double wallSeconds, long outputBytes) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command.getFirst() + ": " + e.getMessage(), e);
        }
        AtomicBoolean exceeded = new AtomicBoolean();
        Capture out = new Capture(process.getInputStream(), outputBytes, () -> {
            exceeded.set(true);
            kill(process);
        });
        Capture err = new Capture(process.getErrorStream(), 1L << 20, () -> {});
        Thread feeder = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), stdin));
        Thread outPump = Thread.ofVirtual().start(out);
        Thread errPump = Thread.ofVirtual().start(err);
        boolean timedOut = false;
        try {
            if (!process.waitFor((long) Math.ceil(wallSeconds * 1000), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                kill(process);
                process.waitFor();
            }
            // the pipes close when the last writer is gone; children that kept them open were killed with the process
            outPump.join(5000);
            errPump.join(5000);
            feeder.join(1000);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
        long wall = (System.nanoTime() - start) / 1_000_000;
        String stderr = new String(err.bytes(), StandardCharsets.UTF_8);
        if (stderr.length() > ExecutionResult.STDERR_KEPT) stderr = stderr.substring(stderr.length() - ExecutionResult.STDERR_KEPT);
        boolean killed = timedOut || exceeded.get();
        return new Finished(killed ? -1 : process.exitValue(), out.bytes(), stderr, timedOut, exceeded.get(), wall);
    }

    /** Kills the process and everything it started (children first, so none is re-parented and forgotten). */
    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void feed(OutputStream stdin, String text) {
        try (stdin) {
            if (text != null && !text.isEmpty()) stdin.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the program exited or closed its input without reading all of it: that is its business
        }
    }

    /** Reads a stream to its end, keeping at most {@code limit} bytes; past the limit it calls {@code onExceeded} once. */
    private static final class Capture implements Runnable {
        private final InputStream in;
        private final long limit;
        private final Runnable onExceeded;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        Capture(InputStream in, long limit, Runnable onExceeded) {
            this.in = in;
            this.limit = limit;
            this.onExceeded = onExceeded;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            boolean over = false;
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (over) continue;
                    int room = (int) Math.min(n, limit - kept.size());
                    kept.write(buffer, 0, room);
                    if (room < n) {
                        over = true;
                        onExceeded.run();
                    }
                }
            } catch (IOException ignored) {
                // the stream closed under us because the process was killed
            }
        }

        synchronized byte[] bytes() { return kept.toByteArray(); }
    }
}

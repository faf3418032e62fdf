package dev.nemotron4j.eval.run;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress bar on stderr: samples done/total, requests, failures and generation speed.
 * Redraws at most every 200 ms; a disabled instance prints nothing.
 */
public final class ConsoleProgress {
    private final PrintStream out;
    private final boolean enabled;
    private final AtomicLong done = new AtomicLong(), requests = new AtomicLong(), failures = new AtomicLong(),
            tokens = new AtomicLong();
    private volatile long total;
    private final long startNanos = System.nanoTime();
    private volatile long lastDraw;

    public ConsoleProgress(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    public void start(long totalSamples, long alreadyDone) {
        this.total = totalSamples;
        done.set(alreadyDone);
        draw(true);
    }

    public void sampleDone() {
        done.incrementAndGet();
        draw(false);
    }

    public void requestDone(int completionTokens) {
        requests.incrementAndGet();
        tokens.addAndGet(completionTokens);
    }

    public void requestFailed() { failures.incrementAndGet(); }

    public void finish() {
        draw(true);
        if (enabled) out.println();
    }

    private void draw(boolean force) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (!force && now - lastDraw < 200_000_000L) return;
        lastDraw = now;
        long d = done.get(), t = Math.max(total, 1);
        int width = 30, filled = (int) (width * d / t);
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        String line = String.format("\r[%s%s] %d/%d samples  %d requests  %d failed  %.0f tok/s",
                "#".repeat(filled), ".".repeat(width - filled), d, total, requests.get(), failures.get(), tokens.get() / seconds);
        synchronized (out) {
            out.print(line);
            out.flush();
        }
    }
}

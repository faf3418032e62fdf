package dev.nemotron4j.train.run;

import java.io.PrintStream;

/** A one-line progress bar on the console: steps done, loss, tokens/s and the time left; redrawn at most 5 times a second. */
final class TrainingProgress {
    private final PrintStream out;
    private final long total;
    private long lastDraw;

    TrainingProgress(PrintStream out, long total) {
        this.out = out;
        this.total = total;
    }

    void update(long step, double loss, double tokensPerSecond, double secondsPerStep, boolean force) {
        update(step, String.format("loss %.4f  %.0f tok/s", loss, tokensPerSecond), secondsPerStep, force);
    }

    /** Redraws with {@code stats} (e.g. a GRPO step's reward and pass rate) after the step count. */
    void update(long step, String stats, double secondsPerStep, boolean force) {
        if (out == null) return;
        long now = System.nanoTime();
        if (!force && now - lastDraw < 200_000_000L) return;
        lastDraw = now;
        int width = 30, filled = (int) (width * step / Math.max(1, total));
        long eta = Math.round(secondsPerStep * (total - step));
        out.printf("\r[%s%s] step %d/%d  %s  ETA %d:%02d:%02d ", "#".repeat(filled), ".".repeat(width - filled),
                step, total, stats, eta / 3600, eta / 60 % 60, eta % 60);
        out.flush();
    }

    void finish() {
        if (out != null) out.println();
    }
}

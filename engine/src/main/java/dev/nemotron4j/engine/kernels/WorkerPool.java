package dev.nemotron4j.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of compute threads for data-parallel loops. Decode steps issue many short loops, so
 * workers spin briefly before parking (a hand-off costs microseconds, not a thread wake-up), and a loop
 * allocates nothing. The calling thread takes part in every loop. Loops started from inside a loop (or
 * while another thread is using the pool) run inline on the caller, so nesting never deadlocks.
 */
public final class WorkerPool implements AutoCloseable {

    /** The body of a parallel loop over {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final long SPIN_NANOS = 100_000;

    private final Thread[] workers;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger busyWorkers = new AtomicInteger();
    private volatile int epoch;
    private volatile boolean closed;
    private RangeBody body;
    private int total;
    private int chunk;
    private volatile Throwable failure;
    private final Object owner = new Object();
    private volatile Thread activeCaller;

    /** A pool with {@code threads} threads in total (the caller counts as one). */
    public WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, is " + threads);
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon().name("nemotron4j-worker-" + i).unstarted(this::workerLoop);
            workers[i].start();
        }
    }

    /** Number of threads taking part in a loop, the caller included. */
    public int threads() {
        return workers.length + 1;
    }

    /** A shared pool sized to the available processors (override with {@code -Dnemotron4j.threads=N}). */
    public static WorkerPool shared() {
        return Shared.POOL;
    }

    private static final class Shared {
        static final WorkerPool POOL = new WorkerPool(Integer.getInteger("nemotron4j.threads", Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into chunks of {@code grain} (at least 1) indices.
     * Returns when every index is done; rethrows the first failure.
     */
    public void parallelFor(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        grain = Math.max(1, grain);
        Thread me = Thread.currentThread();
        if (workers.length == 0 || n <= grain || isWorker(me) || activeCaller == me) {
            body.run(0, n);
            return;
        }
        synchronized (owner) {
            activeCaller = me;
            try {
                this.body = body;
                this.total = n;
                this.chunk = grain;
                this.failure = null;
                nextChunk.set(0);
                busyWorkers.set(workers.length);
                epoch++; // volatile write publishes body/total/chunk
                for (Thread w : workers) LockSupport.unpark(w);
                runChunks();
                while (busyWorkers.get() > 0) Thread.onSpinWait();
                this.body = null;
                Throwable f = failure;
                if (f != null) {
                    if (f instanceof RuntimeException re) throw re;
                    if (f instanceof Error err) throw err;
                    throw new RuntimeException(f);
                }
            } finally {
                activeCaller = null;
            }
        }
    }

    private boolean isWorker(Thread t) {
        for (Thread w : workers) if (w == t) return true;
        return false;
    }

    private void runChunks() {
        RangeBody b = body;
        int n = total, g = chunk;
        try {
            int c;
            while ((c = nextChunk.getAndIncrement()) * (long) g < n) {
                int start = c * g;
                b.run(start, Math.min(n, start + g));
            }
        } catch (Throwable t) {
            if (failure == null) failure = t;
            nextChunk.set(Integer.MAX_VALUE / 2); // stop handing out work
        }
    }

    private void workerLoop() {
        // Epoch 0 is the state at construction: reading the field here instead would race with a loop the
        // caller starts before this thread runs, and the worker would wait for the next epoch forever.
        int seen = 0;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (epoch == seen && !closed) {
                if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = epoch;
            runChunks();
            busyWorkers.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}

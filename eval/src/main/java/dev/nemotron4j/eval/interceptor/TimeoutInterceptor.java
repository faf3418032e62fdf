package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.TargetException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounds each attempt's wall time for any target (HTTP or in-process). A timed-out attempt is
 * retryable; the call is abandoned (interrupted), its late result ignored.
 */
public record TimeoutInterceptor(Duration limit) implements Interceptor {

    @Override
    public String name() { return "timeout"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        CompletableFuture<GenerationResult> future = new CompletableFuture<>();
        Thread running = Thread.ofVirtual().name("eval-call-" + call.sample()).start(() -> {
            try {
                future.complete(next.proceed(call));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.interrupt();
            throw new TargetException("no response within " + limit.toMillis() + " ms", true, 0, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new TargetException(String.valueOf(e.getCause()), false, 0, e.getCause());
        } catch (InterruptedException e) {
            running.interrupt();
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted", false, 0, e);
        }
    }
}

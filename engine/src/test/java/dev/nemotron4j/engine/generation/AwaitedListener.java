package dev.nemotron4j.engine.generation;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A listener a test waits for: done once its request completes (with the stats) or fails (with the error). */
abstract class AwaitedListener implements GenerationListener {
    final CountDownLatch done = new CountDownLatch(1);
    volatile GenerationStats stats;
    volatile Throwable error;

    @Override
    public void onComplete(GenerationStats s) {
        stats = s;
        done.countDown();
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        done.countDown();
    }

    /** Waits until the request is done (two minutes at most: the machine may be loaded). */
    void await() throws InterruptedException {
        assertThat(done.await(120, TimeUnit.SECONDS)).as("request finished").isTrue();
    }
}

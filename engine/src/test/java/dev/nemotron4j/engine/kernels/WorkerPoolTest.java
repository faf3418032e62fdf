package dev.nemotron4j.engine.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker pool behind every parallel product: each index exactly once, failures propagated, nested loops inline. */
class WorkerPoolTest {

    @Test
    void workerPoolCoversEveryIndexOnceAndPropagatesFailures() {
        try (WorkerPool pool = new WorkerPool(4)) {
            for (int n : new int[] {1, 5, 1000, 12345}) {
                int[] hits = new int[n];
                pool.parallelFor(n, 7, (s, e) -> {
                    for (int i = s; i < e; i++) hits[i]++;
                });
                for (int i = 0; i < n; i++) assertThat(hits[i]).as("index %d of %d", i, n).isEqualTo(1);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.parallelFor(100, 1, (s, e) -> {
                if (s == 50) throw new IllegalStateException("boom");
            })).hasMessage("boom");
            // still usable after a failure, and nested loops run inline
            int[] sum = new int[1];
            pool.parallelFor(10, 1, (s, e) -> pool.parallelFor(10, 1, (a, b) -> {
                synchronized (sum) {
                    sum[0] += b - a;
                }
            }));
            assertThat(sum[0]).isEqualTo(100);
        }
    }
}

package dev.nemotron4j.train.optim;

import dev.nemotron4j.train.layers.Param;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The aux-loss-free bias update's signs: under-loaded up, over-loaded down, exactly average unchanged. */
class ExpertBalancerTest {

    @Test
    void biasesMoveTowardsBalance() {
        Param b0 = new Param("l1.bias", new long[] {4}, new double[] {0, 0.5, 0, 0}, false);
        Param b1 = new Param("l3.bias", new long[] {4}, new double[4], false);
        // layer 0: mean 10 → expert 0 over, 1 under, 2 and 3 exactly average; layer 1: mean 2.5, nobody equal
        new ExpertBalancer(1e-3).update(List.of(b0, b1), new long[][] {{20, 0, 10, 10}, {3, 2, 4, 1}});
        assertThat(b0.value()).containsExactly(-1e-3, 0.5 + 1e-3, 0, 0);
        assertThat(b1.value()).containsExactly(-1e-3, 1e-3, -1e-3, 1e-3);
    }

    @Test
    void noLoadNoChange() {
        Param b = new Param("bias", new long[] {3}, new double[] {0.1, 0.2, 0.3}, false);
        new ExpertBalancer(0.5).update(List.of(b), new long[][] {{0, 0, 0}});
        assertThat(b.value()).containsExactly(0.1, 0.2, 0.3);
    }
}

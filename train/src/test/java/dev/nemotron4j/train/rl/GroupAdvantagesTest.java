package dev.nemotron4j.train.rl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Group-normalised advantages worked by hand. */
class GroupAdvantagesTest {

    @Test
    void halfRightGroupIsPlusMinusOneOverStd() {
        // mean 0.5, population std 0.5
        double[] a = GroupAdvantages.of(new double[] {1, 0, 0, 1}, 1e-6);
        double unit = 0.5 / (0.5 + 1e-6);
        assertThat(a).containsExactly(new double[] {unit, -unit, -unit, unit}, within(1e-15));
    }

    @Test
    void unevenRewardsWithFormatTerm() {
        // rewards 1.1, 0.1, 0, 0: mean 0.3; deviations 0.8, -0.2, -0.3, -0.3; variance (0.64+0.04+0.09+0.09)/4 = 0.215
        double std = Math.sqrt(0.215);
        double[] a = GroupAdvantages.of(new double[] {1.1, 0.1, 0, 0}, 0);
        assertThat(a).containsExactly(new double[] {0.8 / std, -0.2 / std, -0.3 / std, -0.3 / std}, within(1e-12));
        assertThat(a[0]).isCloseTo(1.7253, within(1e-4));
        double sum = 0;
        for (double x : a) sum += x;
        assertThat(sum).isCloseTo(0, within(1e-12));
    }

    @Test
    void zeroVarianceGroupsContributeNothing() {
        assertThat(GroupAdvantages.of(new double[] {1, 1, 1, 1}, 1e-6)).containsOnly(0.0);
        assertThat(GroupAdvantages.of(new double[] {0.1, 0.1}, 0)).containsOnly(0.0);
        assertThat(GroupAdvantages.zeroVariance(new double[] {0, 0, 0})).isTrue();
        assertThat(GroupAdvantages.zeroVariance(new double[] {0, 0, 1e-9})).isFalse();
    }
}

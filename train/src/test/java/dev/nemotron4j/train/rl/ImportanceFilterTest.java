package dev.nemotron4j.train.rl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sequence-level trainer/sampler ratio cap. */
class ImportanceFilterTest {

    @Test
    void keepsRatiosWithinTheCapBothWays() {
        double cap = 2.0; // |log ρ| <= ln 2 = 0.6931
        assertThat(ImportanceFilter.keeps(-10.0, -10.0, cap)).isTrue();
        assertThat(ImportanceFilter.keeps(-10.0, -10.69, cap)).isTrue();   // ρ = e^0.69 = 1.994
        assertThat(ImportanceFilter.keeps(-10.0, -10.70, cap)).isFalse();  // ρ = 2.014
        assertThat(ImportanceFilter.keeps(-10.70, -10.0, cap)).isFalse();  // ρ = 0.497
        assertThat(ImportanceFilter.keeps(-10.69, -10.0, cap)).isTrue();
        assertThat(ImportanceFilter.keeps(Double.NaN, -1, cap)).isFalse();
        assertThat(ImportanceFilter.keeps(-1e6, -1, Double.POSITIVE_INFINITY)).isTrue();
    }

    @Test
    void capMustExceedOne() {
        assertThatThrownBy(() -> ImportanceFilter.keeps(0, 0, 1.0)).hasMessageContaining("must be > 1");
    }
}

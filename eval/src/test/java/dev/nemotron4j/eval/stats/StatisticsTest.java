package dev.nemotron4j.eval.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StatisticsTest {

    private static BigInteger binomial(int n, int k) {
        if (k < 0 || k > n) return BigInteger.ZERO;
        BigInteger r = BigInteger.ONE;
        for (int i = 1; i <= k; i++) r = r.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
        return r;
    }

    @Test
    void passAtKMatchesTheClosedFormExactly() {
        for (int n = 1; n <= 40; n++) {
            for (int c = 0; c <= n; c++) {
                for (int k = 1; k <= n; k++) {
                    double closed = 1 - new BigDecimal(binomial(n - c, k)).divide(new BigDecimal(binomial(n, k)), MathContext.DECIMAL128).doubleValue();
                    assertThat(PassAtK.estimate(n, c, k)).as("n=%d c=%d k=%d", n, c, k).isCloseTo(closed, within(1e-12));
                }
            }
        }
    }

    @Test
    void passAtKKnownValues() {
        assertThat(PassAtK.estimate(10, 3, 1)).isCloseTo(0.3, within(1e-15));
        assertThat(PassAtK.estimate(5, 1, 2)).isCloseTo(0.4, within(1e-15));        // 1 - C(4,2)/C(5,2)
        assertThat(PassAtK.estimate(200, 0, 100)).isZero();
        assertThat(PassAtK.estimate(4, 1, 4)).isEqualTo(1.0);
    }

    /** Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no continuity correction). */
    @ParameterizedTest
    @CsvSource({"81, 263, 0.2553, 0.3662", "15, 148, 0.0624, 0.1605", "0, 20, 0.0000, 0.1611", "1, 29, 0.0061, 0.1718", "29, 29, 0.8830, 1.0000"})
    void wilsonMatchesPublishedExamples(int x, int n, double low, double high) {
        Interval i = Wilson.interval95(x, n);
        assertThat(i.low()).isCloseTo(low, within(5e-5));
        assertThat(i.high()).isCloseTo(high, within(5e-5));
    }

    @Test
    void meanAndStandardError() {
        MeanEstimate m = MeanEstimate.of(new double[] {1, 0, 1, 1});
        assertThat(m.mean()).isEqualTo(0.75);
        assertThat(m.stderr()).isCloseTo(0.25, within(1e-15));   // s = 0.5, n = 4
        assertThat(MeanEstimate.of(new double[] {2}).stderr()).isZero();
    }

    @Test
    void mcnemarExactPValues() {
        assertThat(McNemar.exactPValue(0, 6)).isCloseTo(0.03125, within(1e-15));       // 2 * 0.5^6
        assertThat(McNemar.exactPValue(2, 8)).isCloseTo(0.109375, within(1e-12));      // 2 * (1+10+45)/1024
        assertThat(McNemar.exactPValue(5, 5)).isEqualTo(1.0);
        assertThat(McNemar.exactPValue(0, 0)).isEqualTo(1.0);
        assertThat(McNemar.exactPValue(100, 160)).isLessThan(0.001).isGreaterThan(0);
    }

    @Test
    void bootstrapIsSeededAndBracketsTheMean() {
        double[] values = new double[50];
        for (int i = 0; i < values.length; i++) values[i] = i % 3 == 0 ? 1 : 0;
        Interval a = Bootstrap.meanInterval(values, 2000, 42, 0.95);
        Interval b = Bootstrap.meanInterval(values, 2000, 42, 0.95);
        assertThat(a).isEqualTo(b);
        double mean = Arrays.stream(values).average().orElseThrow();
        assertThat(a.low()).isLessThan(mean);
        assertThat(a.high()).isGreaterThan(mean);
        // close to the normal approximation: mean ± 1.96 * sqrt(p(1-p)/n)
        double se = Math.sqrt(mean * (1 - mean) / values.length);
        assertThat(a.high() - a.low()).isCloseTo(2 * 1.96 * se, within(0.04));
    }

    @Test
    void pairedBootstrapDetectsAConsistentDifferenceOnly() {
        double[] a = new double[60], b = new double[60];
        for (int i = 0; i < 60; i++) {
            a[i] = i % 2;
            b[i] = i % 2;
        }
        assertThat(PairedBootstrap.test(a, b, 2000, 1).pValue()).isEqualTo(1.0);
        for (int i = 0; i < 30; i++) b[i * 2] = 1;   // B fixes every item A got wrong
        PairedBootstrap t = PairedBootstrap.test(a, b, 2000, 1);
        assertThat(t.difference()).isCloseTo(0.5, within(1e-12));
        assertThat(t.pValue()).isLessThan(0.01);
        assertThat(t.interval().low()).isGreaterThan(0);
    }

    @Test
    void majorityVoteIgnoresMissingAnswersAndBreaksTiesByFirstSeen() {
        assertThat(MajorityVote.winner(Arrays.asList("7", "8", "8", null))).isEqualTo(1);
        assertThat(MajorityVote.winner(Arrays.asList("7", "8"))).isEqualTo(0);
        assertThat(MajorityVote.winner(Arrays.asList(null, null))).isEqualTo(-1);
        assertThat(MajorityVote.winner(List.of("5"))).isZero();
    }

    /** Repeats that always agree carry no new information: the design effect is the repeat count. */
    @Test
    void identicalRepeatsInflateTheVarianceByTheirCount() {
        double[] items = {1, 0, 1, 1, 0, 1, 0, 1, 1, 1};
        double[][] once = new double[items.length][], fourTimes = new double[items.length][];
        for (int i = 0; i < items.length; i++) {
            once[i] = new double[] {items[i]};
            fourTimes[i] = new double[] {items[i], items[i], items[i], items[i]};
        }
        ClusteredMean single = ClusteredMean.of(once), repeated = ClusteredMean.of(fourTimes);
        assertThat(single.designEffect()).isEqualTo(1.0);
        assertThat(repeated.mean()).isCloseTo(0.7, within(1e-15));
        assertThat(repeated.stderr()).isCloseTo(single.stderr(), within(1e-12));   // four copies are one item
        // independent-sample variance of the 40 copies: s² = 0.7·0.3·40/39, over 40
        double independent = 0.7 * 0.3 * 40 / 39 / 40;
        assertThat(repeated.designEffect()).isCloseTo(single.stderr() * single.stderr() / independent, within(1e-9));
        assertThat(repeated.designEffect()).isCloseTo(39.0 / 9, within(1e-9));   // (2.1/90) / (8.4/1560)
        assertThat(repeated.effectiveSamples()).isCloseTo(360.0 / 39, within(1e-9));
        // so the Wilson interval of the repeated run is as wide as that of (about) ten independent items
        Interval clustered = Wilson.interval95(0.7, repeated.effectiveSamples());
        Interval naive = Wilson.interval95(28, 40);
        assertThat(clustered.high() - clustered.low()).isGreaterThan(1.8 * (naive.high() - naive.low()));
    }

    @Test
    void independentRepeatsKeepADesignEffectNearOne() {
        // within-item variation as large as between-item variation: the repeats are as good as new items
        double[][] clusters = {{1, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 1}, {0, 0}, {1, 0}, {0, 1}};
        ClusteredMean m = ClusteredMean.of(clusters);
        assertThat(m.mean()).isEqualTo(0.5);
        assertThat(m.designEffect()).isCloseTo(1.0, within(0.3));
    }

    @Test
    void clusteredMcNemarDoesNotCountRepeatsAsNewEvidence() {
        // 10 items, A right and B wrong on 7 of them, the reverse on 1; then the same outcomes repeated 8 times
        int[] b1 = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, c1 = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
        int[] b8 = new int[10], c8 = new int[10];
        for (int i = 0; i < 10; i++) {
            b8[i] = 8 * b1[i];
            c8[i] = 8 * c1[i];
        }
        double once = ClusteredMcNemar.pValue(b1, c1), repeated = ClusteredMcNemar.pValue(b8, c8);
        assertThat(repeated).isCloseTo(once, within(1e-12));
        // (7-1)² / 8 = 4.5 → chi-square(1) tail 0.033895
        assertThat(once).isCloseTo(0.033895, within(1e-5));
        // treating the 64 discordant pairs as independent would make it look overwhelming
        assertThat(McNemar.exactPValue(56, 8)).isLessThan(1e-8);
        assertThat(ClusteredMcNemar.pValue(new int[3], new int[3])).isEqualTo(1.0);
    }

    @Test
    void chiSquareTailMatchesKnownQuantiles() {
        assertThat(ClusteredMcNemar.chiSquare1Survival(3.841458820694124)).isCloseTo(0.05, within(2e-7));
        assertThat(ClusteredMcNemar.chiSquare1Survival(6.634896601021214)).isCloseTo(0.01, within(2e-7));
        assertThat(ClusteredMcNemar.chiSquare1Survival(0)).isEqualTo(1.0);
    }

    @Test
    void holmAdjustsStepDown() {
        assertThat(Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005}))
                .containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-15));
        assertThat(Holm.adjust(new double[] {0.5})).containsExactly(0.5);
        assertThat(Holm.adjust(new double[] {0.6, 0.7})).containsExactly(1.0, 1.0);
    }
}

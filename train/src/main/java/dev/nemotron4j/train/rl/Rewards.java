package dev.nemotron4j.train.rl;

/**
 * A completion's reward: the verifier's correctness plus a small format reward,
 * <pre>
 *   r = [correct] + w · [well formed]
 * </pre>
 * where "well formed" needs both the verifier's shape verdict and {@link FormatCheck} (think block closed the way the
 * mode asks, tool-call XML balanced). The format term lets a group of all-wrong answers still tell well-formed
 * attempts from garbage, which is most of the signal early in training.
 *
 * @param formatWeight w (0 = correctness only)
 */
public record Rewards(double formatWeight) {

    public Rewards {
        if (!(formatWeight >= 0) || Double.isInfinite(formatWeight)) throw new IllegalArgumentException("format reward weight must be finite and >= 0, got " + formatWeight);
    }

    public double reward(RlTask.Judgement judgement, String text, boolean reasoning) {
        boolean wellFormed = judgement.wellFormed() && FormatCheck.wellFormed(text, reasoning);
        return (judgement.correct() ? 1.0 : 0.0) + (wellFormed ? formatWeight : 0.0);
    }
}

package dev.nemotron4j.train.layers;

/**
 * The untied LM head {@code logits = x · Wᵀ} and the next-token cross-entropy, and their backward. The loss is a
 * weighted sum {@code Σ_{t=0..T−2} w_t · −log softmax(logits_t)[token_{t+1}]}: weights 1/(T−1) give the mean of the
 * gradient contract; a training row gives its target mask times the step's scale (a weight of 0 drops the position).
 */
public final class LmHeadLoss {
    private final Param weight;
    private final int vocab, hidden;
    private double[] x, logits, probs, weights;
    private int[] tokens;
    private double loss, crossEntropySum;
    private int targets;

    public LmHeadLoss(Param weight, int vocab, int hidden) {
        this.weight = weight;
        this.vocab = vocab;
        this.hidden = hidden;
    }

    /** Logits [T, vocab] of the final-normed hidden states {@code x}; remembers the mean loss against {@code tokens}. */
    public double[] forward(double[] x, int[] tokens) {
        int rows = tokens.length;
        if (rows < 2) throw new IllegalArgumentException("the loss needs at least 2 tokens, got " + rows);
        double[] w = new double[rows - 1];
        java.util.Arrays.fill(w, 1.0 / (rows - 1));
        return forward(x, tokens, w);
    }

    /**
     * Logits [T, vocab]; remembers the loss {@code Σ w_t · CE_t} with {@code weights[t]} (length T−1) for the
     * prediction of {@code tokens[t+1]}; positions with weight 0 are skipped.
     */
    public double[] forward(double[] x, int[] tokens, double[] weights) {
        int rows = tokens.length;
        if (weights.length != Math.max(0, rows - 1)) {
            throw new IllegalArgumentException(rows + " tokens need " + (rows - 1) + " target weights, got " + weights.length);
        }
        this.x = x;
        this.tokens = tokens.clone();
        this.weights = weights.clone();
        logits = Linear.forward(x, rows, hidden, weight.value(), vocab);
        probs = new double[Math.max(0, rows - 1) * vocab];
        double sum = 0, ce = 0;
        int n = 0;
        for (int t = 0; t < rows - 1; t++) {
            if (weights[t] == 0) continue;
            int b = t * vocab;
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) max = Math.max(max, logits[b + v]);
            double z = 0;
            for (int v = 0; v < vocab; v++) z += Math.exp(logits[b + v] - max);
            for (int v = 0; v < vocab; v++) probs[b + v] = Math.exp(logits[b + v] - max) / z;
            double nll = -(logits[b + tokens[t + 1]] - max - Math.log(z));
            sum += weights[t] * nll;
            ce += nll;
            n++;
        }
        loss = sum;
        crossEntropySum = ce;
        targets = n;
        return logits;
    }

    /** The weighted loss of the last forward. */
    public double loss() {
        return loss;
    }

    /** The unweighted sum of −log p(target) over the positions of nonzero weight in the last forward. */
    public double crossEntropySum() {
        return crossEntropySum;
    }

    /** How many positions had a nonzero weight in the last forward. */
    public int targets() {
        return targets;
    }

    /** dLoss/dx, adding dLoss/dW to the head's gradient. */
    public double[] backward() {
        int rows = tokens.length;
        double[] dl = new double[rows * vocab];
        for (int t = 0; t < rows - 1; t++) {
            double w = weights[t];
            if (w == 0) continue;
            for (int v = 0; v < vocab; v++) dl[t * vocab + v] = probs[t * vocab + v] * w;
            dl[t * vocab + tokens[t + 1]] -= w;
        }
        return Linear.backward(x, dl, rows, hidden, weight.value(), weight.grad(), vocab);
    }
}

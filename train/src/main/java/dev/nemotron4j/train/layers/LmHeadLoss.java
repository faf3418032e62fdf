package dev.nemotron4j.train.layers;

/**
 * The untied LM head {@code logits = x · Wᵀ} and the mean next-token cross-entropy
 * {@code loss = mean_{t=0..T−2} −log softmax(logits_t)[token_{t+1}]}, and their backward.
 */
public final class LmHeadLoss {
    private final Param weight;
    private final int vocab, hidden;
    private double[] x, logits, probs;
    private int[] tokens;
    private double loss;

    public LmHeadLoss(Param weight, int vocab, int hidden) {
        this.weight = weight;
        this.vocab = vocab;
        this.hidden = hidden;
    }

    /** Logits [T, vocab] of the final-normed hidden states {@code x}; remembers the loss against {@code tokens}. */
    public double[] forward(double[] x, int[] tokens) {
        int rows = tokens.length;
        if (rows < 2) throw new IllegalArgumentException("the loss needs at least 2 tokens, got " + rows);
        this.x = x;
        this.tokens = tokens.clone();
        logits = Linear.forward(x, rows, hidden, weight.value(), vocab);
        probs = new double[(rows - 1) * vocab];
        double sum = 0;
        for (int t = 0; t < rows - 1; t++) {
            int b = t * vocab;
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) max = Math.max(max, logits[b + v]);
            double z = 0;
            for (int v = 0; v < vocab; v++) z += Math.exp(logits[b + v] - max);
            for (int v = 0; v < vocab; v++) probs[b + v] = Math.exp(logits[b + v] - max) / z;
            sum += -(logits[b + tokens[t + 1]] - max - Math.log(z));
        }
        loss = sum / (rows - 1);
        return logits;
    }

    public double loss() {
        return loss;
    }

    /** dLoss/dx, adding dLoss/dW to the head's gradient. */
    public double[] backward() {
        int rows = tokens.length;
        double[] dl = new double[rows * vocab];
        double n = rows - 1;
        for (int t = 0; t < rows - 1; t++) {
            for (int v = 0; v < vocab; v++) dl[t * vocab + v] = probs[t * vocab + v] / n;
            dl[t * vocab + tokens[t + 1]] -= 1.0 / n;
        }
        return Linear.backward(x, dl, rows, hidden, weight.value(), weight.grad(), vocab);
    }
}

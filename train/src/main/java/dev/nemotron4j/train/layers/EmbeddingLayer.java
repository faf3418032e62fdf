package dev.nemotron4j.train.layers;

/** Token embedding lookup: row {@code tokens[t]} of the [vocab, hidden] table; backward scatters into those rows. */
public final class EmbeddingLayer {
    private final Param table;
    private final int vocab, hidden;
    private int[] tokens;

    public EmbeddingLayer(Param table, int vocab, int hidden) {
        this.table = table;
        this.vocab = vocab;
        this.hidden = hidden;
    }

    public double[] forward(int[] tokens) {
        double[] out = new double[tokens.length * hidden];
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[t] + " at position " + t + " is outside the vocabulary [0, " + vocab + ")");
            }
            System.arraycopy(table.value(), tokens[t] * hidden, out, t * hidden, hidden);
        }
        this.tokens = tokens.clone();
        return out;
    }

    public void backward(double[] dy) {
        double[] g = table.grad();
        for (int t = 0; t < tokens.length; t++) {
            for (int i = 0; i < hidden; i++) g[tokens[t] * hidden + i] += dy[t * hidden + i];
        }
    }
}

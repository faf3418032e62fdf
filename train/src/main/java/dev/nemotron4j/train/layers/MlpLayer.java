package dev.nemotron4j.train.layers;

import java.util.List;

/**
 * {@code relu(x · upᵀ)² · downᵀ}: the dense MLP block (ARCHITECTURE.md §8), every routed expert and the shared
 * expert (§7).
 */
public final class MlpLayer implements MixerLayer {
    private final Param up, down;
    private final int hidden, width;
    private double[] x, pre, act;
    private int rows;

    public MlpLayer(Param up, Param down, int hidden) {
        this.up = up;
        this.down = down;
        this.hidden = hidden;
        this.width = up.size() / hidden;
    }

    @Override
    public double[] forward(double[] in, int rows) {
        this.x = in;
        this.rows = rows;
        pre = Linear.forward(in, rows, hidden, up.value(), width);
        act = new double[pre.length];
        for (int i = 0; i < pre.length; i++) act[i] = pre[i] > 0 ? pre[i] * pre[i] : 0;
        return Linear.forward(act, rows, width, down.value(), hidden);
    }

    @Override
    public double[] backward(double[] dy) {
        double[] dAct = Linear.backward(act, dy, rows, width, down.value(), down.grad(), hidden);
        for (int i = 0; i < dAct.length; i++) dAct[i] = pre[i] > 0 ? dAct[i] * 2 * pre[i] : 0;
        return Linear.backward(x, dAct, rows, hidden, up.value(), up.grad(), width);
    }

    @Override
    public List<Param> params() {
        return List.of(up, down);
    }
}

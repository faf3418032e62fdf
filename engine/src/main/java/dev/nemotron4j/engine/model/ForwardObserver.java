package dev.nemotron4j.engine.model;

/**
 * Receives named intermediate tensors during a forward pass, for debugging and the per-layer trace tests.
 * Names follow the golden trace of the tiny fixtures: {@code trace.embed}, {@code trace.block{i}.out},
 * {@code trace.final_norm}, {@code trace.layer{i}.in_proj|conv_act|dt|y|gated_norm|router_scores|topk_weight}.
 * For the per-layer mixer tensors the rows are those of one sequence segment.
 */
@FunctionalInterface
public interface ForwardObserver {
    /** {@code data[offset ..]} holds {@code rows × cols} row-major values; copy what you keep. */
    void tensor(String name, float[] data, int offset, int rows, int cols);
}

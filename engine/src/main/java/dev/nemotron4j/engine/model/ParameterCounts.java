package dev.nemotron4j.engine.model;

/**
 * Parameter counts of a configuration, computed from the config alone (ARCHITECTURE.md §9).
 *
 * @param total                      every parameter
 * @param activePerToken             parameters one token uses, both embedding tables included
 * @param activeWithoutInputEmbedding the same without the input embedding table
 * @param activeWithoutEmbeddings    the same without the embedding table and the LM head
 */
public record ParameterCounts(long total, long activePerToken, long activeWithoutInputEmbedding, long activeWithoutEmbeddings) {

    public static ParameterCounts of(ModelConfig c) {
        long h = c.hiddenSize();
        long embed = (long) c.vocabSize() * h;
        long head = c.tieWordEmbeddings() ? 0 : embed;
        long total = embed + head + h; // + final norm
        long active = embed + head + h;
        for (LayerType t : c.layers()) {
            long block = h; // pre-norm
            long activeBlock = h;
            switch (t) {
                case MAMBA -> {
                    long p = (long) c.inProjDim() * h + (long) c.convDim() * c.convKernel()
                            + (c.useConvBias() ? c.convDim() : 0) + 3L * c.mambaNumHeads() + c.mambaInner()
                            + h * c.mambaInner() + (c.useBias() ? c.inProjDim() + h : 0);
                    block += p;
                    activeBlock += p;
                }
                case ATTENTION -> {
                    long q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
                    long p = q * h + 2 * kv * h + h * q + (c.attentionBias() ? q + 2 * kv + h : 0);
                    block += p;
                    activeBlock += p;
                }
                case MOE -> {
                    long expert = 2L * c.moeIntermediateSize() * h + (c.mlpBias() ? c.moeIntermediateSize() + h : 0);
                    long sharedWidth = (long) c.moeSharedExpertIntermediateSize() * c.nSharedExperts();
                    long shared = sharedWidth == 0 ? 0 : 2 * sharedWidth * h + (c.mlpBias() ? sharedWidth + h : 0);
                    long router = (long) c.nRoutedExperts() * h + c.nRoutedExperts();
                    block += router + shared + c.nRoutedExperts() * expert;
                    activeBlock += router + shared + c.numExpertsPerTok() * expert;
                }
                case MLP -> {
                    long p = 2L * c.intermediateSize() * h + (c.mlpBias() ? c.intermediateSize() + h : 0);
                    block += p;
                    activeBlock += p;
                }
            }
            total += block;
            active += activeBlock;
        }
        return new ParameterCounts(total, active, active - embed, active - embed - head);
    }
}

package dev.nemotron4j.tokenizer.postprocessor;

import dev.nemotron4j.tokenizer.model.IdBuffer;

/** RoBERTa's {@code <s> A </s>} and {@code <s> A </s></s> B </s>}. */
public record RobertaProcessing(int clsId, int sepId) implements PostProcessor {

    @Override
    public int[] process(int[] a, int[] b) {
        IdBuffer out = new IdBuffer(a.length + (b == null ? 0 : b.length) + 4);
        out.add(clsId);
        out.addAll(a);
        out.add(sepId);
        if (b != null) {
            out.add(sepId);
            out.addAll(b);
            out.add(sepId);
        }
        return out.toArray();
    }
}

package dev.nemotron4j.tokenizer.postprocessor;

import dev.nemotron4j.tokenizer.model.IdBuffer;

/** BERT's {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}. */
public record BertProcessing(int clsId, int sepId) implements PostProcessor {

    @Override
    public int[] process(int[] a, int[] b) {
        IdBuffer out = new IdBuffer(a.length + (b == null ? 0 : b.length) + 3);
        out.add(clsId);
        out.addAll(a);
        out.add(sepId);
        if (b != null) {
            out.addAll(b);
            out.add(sepId);
        }
        return out.toArray();
    }
}

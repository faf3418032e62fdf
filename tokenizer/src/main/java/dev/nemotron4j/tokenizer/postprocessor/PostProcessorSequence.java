package dev.nemotron4j.tokenizer.postprocessor;

import java.util.Arrays;
import java.util.List;

/**
 * Post-processors applied in order. A pair stays a pair through processors that add nothing (ByteLevel); after
 * the first processor that adds tokens, the combined result is passed on as a single sequence.
 */
public record PostProcessorSequence(List<PostProcessor> processors) implements PostProcessor {

    public PostProcessorSequence {
        processors = List.copyOf(processors);
    }

    @Override
    public int[] process(int[] a, int[] b) {
        int[] first = a;
        int[] second = b;
        for (PostProcessor p : processors) {
            if (!(p instanceof ByteLevelProcessing)) {
                first = p.process(first, second);
                second = null;
            }
        }
        return concat(first, second);
    }

    static int[] concat(int[] a, int[] b) {
        if (b == null) {
            return a.clone();
        }
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

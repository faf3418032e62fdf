package dev.nemotron4j.tokenizer.postprocessor;

/** The ByteLevel post-processor only trims offsets; ids pass through (a pair is concatenated). */
public record ByteLevelProcessing() implements PostProcessor {

    @Override
    public int[] process(int[] a, int[] b) {
        return PostProcessorSequence.concat(a, b);
    }
}

package dev.nemotron4j.tokenizer.postprocessor;

/**
 * A {@code tokenizer.json} post-processor: adds special tokens (BOS, separators...) around the encoded
 * sequence(s). It is only consulted when special tokens are requested.
 */
public sealed interface PostProcessor
        permits TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevelProcessing, PostProcessorSequence {

    /**
     * The final ids for sequence {@code a} and, for a pair, sequence {@code b} (null for a single sequence).
     */
    int[] process(int[] a, int[] b);
}

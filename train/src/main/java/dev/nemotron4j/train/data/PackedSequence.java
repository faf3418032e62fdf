package dev.nemotron4j.train.data;

/**
 * One training row: tokens[0..length), target mask and document starts. Position t predicts tokens[t+1];
 * targetMask[t] says whether that prediction counts in the loss (false for prompts / non-assistant tokens in SFT, and
 * for the last token of a document); segmentStarts lists the first index of each document, starting with 0.
 */
public record PackedSequence(int[] tokens, boolean[] targetMask, int[] segmentStarts) {}

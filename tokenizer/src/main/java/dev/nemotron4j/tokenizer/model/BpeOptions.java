package dev.nemotron4j.tokenizer.model;

/**
 * Settings of a BPE model besides its vocabulary and merges.
 *
 * @param unkToken token used for characters missing from the vocabulary, or null to drop such characters
 * @param fuseUnk whether consecutive unknown characters share one unknown token
 * @param byteFallback whether unknown characters are spelled as {@code <0xNN>} byte tokens first
 * @param ignoreMerges whether a word that is itself in the vocabulary is taken whole, without merging
 * @param continuingSubwordPrefix prefix of every symbol that does not start a word (e.g. {@code ##}), or null
 * @param endOfWordSuffix suffix of the symbol that ends a word (e.g. {@code </w>}), or null
 */
public record BpeOptions(String unkToken, boolean fuseUnk, boolean byteFallback, boolean ignoreMerges,
                         String continuingSubwordPrefix, String endOfWordSuffix) {

    /** Plain byte-level BPE: no unknown token, no fallback, merges always applied. */
    public static final BpeOptions BYTE_LEVEL = new BpeOptions(null, false, false, false, null, null);

    public BpeOptions {
        // An empty prefix/suffix is how tokenizer.json often spells "none"; treating it as absent is equivalent.
        if (continuingSubwordPrefix != null && continuingSubwordPrefix.isEmpty()) {
            continuingSubwordPrefix = null;
        }
        if (endOfWordSuffix != null && endOfWordSuffix.isEmpty()) {
            endOfWordSuffix = null;
        }
    }

    public BpeOptions withIgnoreMerges(boolean ignore) {
        return new BpeOptions(unkToken, fuseUnk, byteFallback, ignore, continuingSubwordPrefix, endOfWordSuffix);
    }
}

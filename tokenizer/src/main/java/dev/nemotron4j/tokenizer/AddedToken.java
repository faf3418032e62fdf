package dev.nemotron4j.tokenizer;

import java.util.Objects;

/**
 * A token matched in the input text before the model sees it (an entry of {@code added_tokens}).
 *
 * @param id the token's id
 * @param content the exact text that produces it
 * @param singleWord only match when not inside a word (no word character directly before or after)
 * @param lstrip the token also swallows whitespace on its left
 * @param rstrip the token also swallows whitespace on its right
 * @param normalized match against the normalized text (with the normalized content) instead of the raw text
 * @param special a special token: skipped by {@code decode(ids, true)}
 */
public record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
                         boolean normalized, boolean special) {

    public AddedToken {
        Objects.requireNonNull(content, "content");
        if (content.isEmpty()) {
            throw new IllegalArgumentException("added token " + id + " has empty content");
        }
    }

    /** A special token with default flags (not normalized, no stripping). */
    public static AddedToken special(int id, String content) {
        return new AddedToken(id, content, false, false, false, false, true);
    }
}

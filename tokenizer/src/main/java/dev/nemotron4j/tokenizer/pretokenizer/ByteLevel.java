package dev.nemotron4j.tokenizer.pretokenizer;

import dev.nemotron4j.tokenizer.text.ByteLevelAlphabet;
import dev.nemotron4j.tokenizer.text.OnigurumaPattern;

import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2 byte-level pre-tokenization: optionally prefixes a space, optionally splits with the GPT-2 regex, then
 * spells each piece's UTF-8 bytes with the {@link ByteLevelAlphabet}. ({@code trim_offsets} only affects offsets.)
 */
public record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {

    /** The GPT-2 word-splitting regex used when {@code use_regex} is true. */
    public static final String GPT2_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final SplitPattern GPT2 = new SplitPattern.Regex(OnigurumaPattern.compile(GPT2_REGEX));

    @Override
    public void split(TextPiece piece, List<TextPiece> out) {
        TextPiece p = piece;
        if (addPrefixSpace && !p.text().startsWith(" ")) {
            p = new TextPiece(" " + p.text(), p.atInputStart());
        }
        List<TextPiece> parts = new ArrayList<>();
        if (useRegex) {
            SplitDelimiterBehavior.ISOLATED.split(p, GPT2, false, parts);
        } else if (!p.text().isEmpty()) {
            parts.add(p);
        }
        for (TextPiece part : parts) {
            out.add(new TextPiece(ByteLevelAlphabet.encode(part.text()), part.atInputStart()));
        }
    }
}

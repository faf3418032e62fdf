package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.OutputGrammar;

import java.util.Set;

/**
 * Constrained decoding ({@code tool_choice} required / named, {@code response_format} json_object / json_schema):
 * before each sampled token, the logits of every token the {@link OutputGrammar} does not allow next become −∞. The
 * end-of-turn tokens are allowed only where the output is complete; special tokens never inside free text; a token that
 * adds no text never. If nothing is allowed (a grammar the vocabulary cannot continue), the logits are left as they are.
 */
final class GrammarConstraint {
    private final OutputGrammar.Matcher matcher;
    private final TokenTexts texts;
    private final boolean[] endToken; // by id
    private boolean[] allowed = new boolean[0];
    private final boolean[] firstByte = new boolean[256];
    private static final byte[][] SINGLE_BYTES = new byte[256][];

    static {
        for (int b = 0; b < 256; b++) SINGLE_BYTES[b] = new byte[] {(byte) b};
    }

    GrammarConstraint(OutputGrammar grammar, TokenTexts texts, Set<Integer> endTokens) {
        this.matcher = grammar.start();
        this.texts = texts;
        this.endToken = new boolean[texts.size()];
        for (int id : endTokens) if (id >= 0 && id < endToken.length) endToken[id] = true;
    }

    /**
     * Sets the logits of disallowed tokens to −∞ ({@code logits[offset + id]}, ids below {@code vocab}). Cheap checks
     * first (a step costs 1–7 ms for a 150K vocabulary, docs/ARCHITECTURE.md): a token whose first byte the grammar
     * refuses is out without simulating it, and inside free text ({@link OutputGrammar.FreeText}) a token without the
     * bytes that could end it is in.
     */
    void mask(float[] logits, int offset, int vocab) {
        if (matcher.free()) return;
        if (allowed.length < vocab) allowed = new boolean[vocab];
        for (int b = 0; b < 256; b++) firstByte[b] = matcher.accepts(SINGLE_BYTES[b]);
        int n = Math.min(vocab, texts.size()), count = 0;
        boolean complete = matcher.complete(), inText = matcher.inText();
        OutputGrammar.FreeText freeText = matcher.freeText();
        for (int id = 0; id < vocab; id++) {
            allowed[id] = id < n && logits[offset + id] != Float.NEGATIVE_INFINITY
                    && (endToken[id] ? complete : ok(id, inText, freeText));
            if (allowed[id]) count++;
        }
        if (count == 0) return;
        for (int id = 0; id < vocab; id++) if (!allowed[id]) logits[offset + id] = Float.NEGATIVE_INFINITY;
    }

    private boolean ok(int id, boolean inText, OutputGrammar.FreeText freeText) {
        byte[] b = texts.bytes(id);
        if (b.length == 0 || (inText && texts.special(id)) || !firstByte[b[0] & 0xFF]) return false;
        boolean plain = switch (freeText) {
            case NONE -> false;
            case NO_TAG_START -> !texts.hasTagStart(id);
            case NO_STRING_BREAK -> !texts.hasStringBreak(id);
            case NO_STRING_BREAK_OR_TAG_START -> !texts.hasStringBreak(id) && !texts.hasTagStart(id);
        };
        return plain || b.length == 1 || matcher.accepts(b);
    }

    /** Moves past the token that was chosen (sampled or forced). */
    void accept(int token) {
        if (token >= 0 && token < texts.size() && !endToken[token]) matcher.advance(texts.bytes(token));
    }
}

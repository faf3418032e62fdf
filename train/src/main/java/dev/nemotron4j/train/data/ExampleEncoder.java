package dev.nemotron4j.train.data;

import dev.nemotron4j.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Tokenizes {@link Example}s into {@link TokenDocument}s. A text document becomes {@code encode(text)} with the
 * tokenizer's special tokens (BOS {@code <s>} for the Nemotron tokenizer, as the {@code generate} command encodes a
 * plain prompt) followed by the end-of-document token {@code </s>} when the tokenizer has one, every token a target,
 * so the model learns where documents end. A chat example goes through {@link ChatDocumentEncoder} (no BOS, as chat
 * prompts are tokenized; targets only on assistant tokens).
 */
public final class ExampleEncoder {

    private final Tokenizer tokenizer;
    private final ChatDocumentEncoder chat;
    private final OptionalInt endOfDocument;

    public ExampleEncoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.chat = new ChatDocumentEncoder(tokenizer);
        this.endOfDocument = tokenizer.tokenToId(ReservedTokens.EOS);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The documents of one example, in order (empty only for an empty text with neither BOS nor EOS). */
    public List<TokenDocument> encode(Example example) {
        return switch (example) {
            case Example.Text text -> text(text.text());
            case Example.Chat conversation -> chat.encode(conversation);
        };
    }

    private List<TokenDocument> text(String text) {
        int[] ids = tokenizer.encode(text, true);
        if (endOfDocument.isPresent()) {
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = endOfDocument.getAsInt();
        }
        if (ids.length == 0) return List.of();
        boolean[] targets = new boolean[ids.length];
        Arrays.fill(targets, true);
        return List.of(new TokenDocument(ids, targets));
    }
}

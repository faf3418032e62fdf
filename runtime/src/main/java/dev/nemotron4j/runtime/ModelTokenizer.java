package dev.nemotron4j.runtime;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A model's tokenizer as the runtime offers it: text to ids and back, and a token's id by its text. It comes from
 * the model's own files ({@code tokenizer.json} of a directory, the {@code tokenizer.*} metadata of a GGUF file),
 * without loading the weights ({@link #of}), or with them ({@link ModelBundle#tokenizer()}).
 */
public final class ModelTokenizer {
    private final Tokenizer tokenizer;

    ModelTokenizer(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The tokenizer of the model at {@code path} (a Hugging Face directory or a GGUF file), read without the weights. */
    public static ModelTokenizer of(Path model) {
        return new ModelTokenizer(ModelBundle.tokenizer(ModelSource.of(model)));
    }

    /** Text → ids; {@code addSpecialTokens} applies the tokenizer's post-processor (e.g. a leading BOS). */
    public int[] encode(String text, boolean addSpecialTokens) {
        return tokenizer.encode(text, addSpecialTokens);
    }

    /** Ids → text; {@code skipSpecialTokens} leaves out control tokens such as {@code <|im_end|>}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /** The id of a token given by its exact text (e.g. {@code <|im_end|>}), if the vocabulary has it. */
    public OptionalInt tokenToId(String token) {
        return tokenizer.tokenToId(token);
    }

    /** The engine-side tokenizer, for the runtime's own text work. */
    Tokenizer raw() {
        return tokenizer;
    }
}

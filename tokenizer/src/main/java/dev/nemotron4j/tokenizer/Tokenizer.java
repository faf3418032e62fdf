package dev.nemotron4j.tokenizer;

import dev.nemotron4j.tokenizer.decoder.Decoder;
import dev.nemotron4j.tokenizer.gguf.GgufTokenizerFactory;
import dev.nemotron4j.tokenizer.model.BytePairEncoder;
import dev.nemotron4j.tokenizer.model.IdBuffer;
import dev.nemotron4j.tokenizer.normalizer.Normalizer;
import dev.nemotron4j.tokenizer.postprocessor.PostProcessor;
import dev.nemotron4j.tokenizer.pretokenizer.PreTokenizer;
import dev.nemotron4j.tokenizer.pretokenizer.TextPiece;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer (BPE model) in pure Java, producing the same ids as the Rust
 * {@code tokenizers} library.
 *
 * <p>Encoding runs the usual pipeline: added tokens are cut out of the raw text first, the rest is normalized,
 * pre-tokenized into words, and each word is encoded by the BPE model; a post-processor adds special tokens when
 * asked. Instances are immutable and thread-safe.
 */
public final class Tokenizer {

    private final List<AddedToken> addedTokens;
    private final Map<Integer, AddedToken> addedById;
    private final Map<String, Integer> addedByContent;
    private final AddedTokenSplitter splitter;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final BytePairEncoder model;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final int vocabSize;

    /**
     * Assembles a tokenizer from its parts.
     *
     * @param addedTokens tokens matched in the raw text before anything else
     * @param normalizer the normalizer, or null for none
     * @param preTokenizer the pre-tokenizer, or null to encode each text segment as one word
     * @param model the BPE model
     * @param postProcessor the post-processor used when special tokens are requested, or null for none
     * @param decoder the decoder, or null to join token strings with spaces (as the Rust library does)
     */
    public Tokenizer(List<AddedToken> addedTokens, Normalizer normalizer, PreTokenizer preTokenizer,
                     BytePairEncoder model, PostProcessor postProcessor, Decoder decoder) {
        this.addedTokens = List.copyOf(addedTokens);
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = Objects.requireNonNull(model, "model");
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.addedById = new HashMap<>();
        this.addedByContent = new HashMap<>();
        int limit = model.idLimit();
        for (AddedToken t : this.addedTokens) {
            addedById.put(t.id(), t);
            addedByContent.put(t.content(), t.id());
            limit = Math.max(limit, t.id() + 1);
        }
        this.vocabSize = limit;
        this.splitter = new AddedTokenSplitter(this.addedTokens, normalizer);
    }

    /**
     * Reads a {@code tokenizer.json} file.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read
     * @throws TokenizerFormatException if it is not a supported tokenizer description
     */
    public static Tokenizer load(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new NoSuchFileException(tokenizerJson.toString(), null, "tokenizer file not found");
        }
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return fromJson(in);
        } catch (TokenizerFormatException e) {
            throw new TokenizerFormatException(tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code tokenizer.json} content. */
    public static Tokenizer fromJson(String json) {
        return TokenizerJsonReader.read(json);
    }

    /** Parses {@code tokenizer.json} content from a stream (not closed). */
    public static Tokenizer fromJson(InputStream json) throws IOException {
        return TokenizerJsonReader.read(json);
    }

    /**
     * Builds the tokenizer described by GGUF {@code tokenizer.ggml.*} metadata (model {@code gpt2}: byte-level
     * BPE). Values may be Strings, Numbers, Lists, or primitive/String arrays, as a GGUF reader produces them.
     *
     * @throws TokenizerFormatException if required keys are missing or the model kind is not supported
     */
    public static Tokenizer fromGgufMetadata(Map<String, ?> metadata) {
        return GgufTokenizerFactory.create(metadata);
    }

    /**
     * Encodes text into token ids.
     *
     * @param addSpecialTokens whether to apply the post-processor (e.g. prepend BOS)
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        int[] ids = encodeSequence(text);
        return addSpecialTokens && postProcessor != null ? postProcessor.process(ids, null) : ids;
    }

    /** Encodes a pair of texts (e.g. question and context); special tokens come from the post-processor's pair template. */
    public int[] encodePair(String first, String second, boolean addSpecialTokens) {
        int[] a = encodeSequence(first);
        int[] b = encodeSequence(second);
        if (addSpecialTokens && postProcessor != null) {
            return postProcessor.process(a, b);
        }
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private int[] encodeSequence(String text) {
        Objects.requireNonNull(text, "text");
        IdBuffer out = new IdBuffer(Math.max(16, text.length() / 3));
        List<TextPiece> words = new ArrayList<>();
        for (AddedTokenSplitter.Segment segment : splitter.split(text, normalizer)) {
            if (segment.isAddedToken()) {
                out.add(segment.addedId());
                continue;
            }
            words.clear();
            if (preTokenizer == null) {
                words.add(segment.text());
            } else {
                preTokenizer.split(segment.text(), words);
            }
            for (TextPiece word : words) {
                model.encode(word.text(), out);
            }
        }
        return out.toArray();
    }

    /**
     * Decodes ids to text. Unknown ids are ignored.
     *
     * @param skipSpecialTokens whether to leave out special added tokens
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            AddedToken added = addedById.get(id);
            if (added != null) {
                if (!(skipSpecialTokens && added.special())) {
                    tokens.add(added.content());
                }
                continue;
            }
            String token = model.idToToken(id);
            if (token != null) {
                tokens.add(token);
            }
        }
        return decoder == null ? String.join(" ", tokens) : decoder.decode(tokens);
    }

    /** A decoder for generated ids arriving one at a time. */
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(this, skipSpecialTokens);
    }

    /** Number of ids: the highest id of the model or an added token, plus one. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The id of a token (added tokens first, then the model vocabulary). */
    public OptionalInt tokenToId(String token) {
        Integer added = addedByContent.get(token);
        return added != null ? OptionalInt.of(added) : model.tokenToId(token);
    }

    /** The token string of an id (added tokens first, then the model vocabulary), or null if there is none. */
    public String idToToken(int id) {
        AddedToken added = addedById.get(id);
        return added != null ? added.content() : model.idToToken(id);
    }

    /** Whether {@code id} is a special added token. */
    public boolean isSpecial(int id) {
        AddedToken added = addedById.get(id);
        return added != null && added.special();
    }

    /** The added tokens, in file order. */
    public List<AddedToken> addedTokens() {
        return addedTokens;
    }
}

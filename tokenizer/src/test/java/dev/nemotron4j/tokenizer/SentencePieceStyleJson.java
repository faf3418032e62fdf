package dev.nemotron4j.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A small hand-made SentencePiece-style BPE tokenizer.json (byte fallback, {@code ▁} for spaces), in the shapes
 * Gemma and Llama 2 use. Vocabulary: {@code <unk>}=0, {@code <bos>}=1, {@code <eos>}=2, byte tokens
 * {@code <0x00>}..{@code <0xFF>} = 3..258, then the pieces below; merges build {@code ▁Hello} and {@code ▁world}.
 */
final class SentencePieceStyleJson {

    static final int UNK = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    static final String[] PIECES = {"▁", "H", "e", "l", "o", "w", "r", "d", "ll", "▁H", "ell", "▁Hell", "▁Hello",
            "▁w", "or", "▁wor", "ld", "▁world", "1", "2", "3", "é"};
    static final String[][] MERGES = {{"l", "l"}, {"▁", "H"}, {"e", "ll"}, {"▁H", "ell"}, {"▁Hell", "o"},
            {"o", "r"}, {"▁", "w"}, {"l", "d"}, {"▁w", "or"}, {"▁wor", "ld"}};

    private static final ObjectMapper JSON = new ObjectMapper();

    private SentencePieceStyleJson() {
    }

    /** Id of a piece of {@link #PIECES}. */
    static int id(String piece) {
        for (int i = 0; i < PIECES.length; i++) {
            if (PIECES[i].equals(piece)) {
                return 259 + i;
            }
        }
        throw new IllegalArgumentException(piece);
    }

    /** Id of the byte-fallback token of byte {@code b}. */
    static int byteId(int b) {
        return 3 + b;
    }

    /**
     * The tokenizer JSON with the given normalizer / pre-tokenizer / decoder (JSON text, or "null") and model flags.
     */
    static String json(String normalizer, String preTokenizer, String decoder, boolean byteFallback, boolean fuseUnk) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<unk>", "<bos>", "<eos>"};
        for (int i = 0; i < specials.length; i++) {
            added.addObject().put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        try {
            root.set("normalizer", JSON.readTree(normalizer));
            root.set("pre_tokenizer", JSON.readTree(preTokenizer));
            root.set("post_processor", JSON.readTree("""
                    {"type": "TemplateProcessing",
                     "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                     "pair": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                              {"SpecialToken": {"id": "<bos>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                     "special_tokens": {"<bos>": {"id": "<bos>", "ids": [1], "tokens": ["<bos>"]}}}"""));
            root.set("decoder", JSON.readTree(decoder));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout").put("unk_token", "<unk>").putNull("continuing_subword_prefix")
                .putNull("end_of_word_suffix").put("fuse_unk", fuseUnk).put("byte_fallback", byteFallback)
                .put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < specials.length; i++) {
            vocab.put(specials[i], i);
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), byteId(b));
        }
        for (int i = 0; i < PIECES.length; i++) {
            vocab.put(PIECES[i], 259 + i);
        }
        ArrayNode merges = model.putArray("merges");
        for (String[] m : MERGES) {
            merges.addArray().add(m[0]).add(m[1]);
        }
        return root.toString();
    }

    /** Gemma style: spaces replaced by ▁ in the normalizer, no pre-tokenizer, byte fallback, fused unknowns. */
    static Tokenizer gemmaStyle() {
        return Tokenizer.fromJson(json("""
                        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}""", "null", """
                        {"type": "Sequence", "decoders": [
                          {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                          {"type": "ByteFallback"}, {"type": "Fuse"}]}""", true, true));
    }

    /** Gemma 3's exact shape: as {@link #gemmaStyle()} plus the (redundant) {@code Split(" ", MergedWithPrevious)}. */
    static Tokenizer gemma3Style() {
        return Tokenizer.fromJson(json("""
                        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}""", """
                        {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious", "invert": false}""", """
                        {"type": "Sequence", "decoders": [
                          {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                          {"type": "ByteFallback"}, {"type": "Fuse"}]}""", true, true));
    }

    /** Llama 2 style: Prepend(▁) + Replace normalizer, decoder strips the leading space again. */
    static Tokenizer llama2Style() {
        return Tokenizer.fromJson(json("""
                        {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                          {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}""", "null", """
                        {"type": "Sequence", "decoders": [
                          {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                          {"type": "ByteFallback"}, {"type": "Fuse"},
                          {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}""", true, true));
    }

    /** Metaspace pre-tokenizer and decoder with the given prepend scheme. */
    static Tokenizer metaspace(String prependScheme) {
        String metaspace = "{\"type\": \"Metaspace\", \"replacement\": \"▁\", \"prepend_scheme\": \"" + prependScheme
                + "\", \"split\": true}";
        return Tokenizer.fromJson(json("null", metaspace, metaspace, true, true));
    }
}

package dev.nemotron4j.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.tokenizer.decoder.BpeSuffixDecoder;
import dev.nemotron4j.tokenizer.decoder.ByteFallbackDecoder;
import dev.nemotron4j.tokenizer.decoder.ByteLevelDecoder;
import dev.nemotron4j.tokenizer.decoder.Decoder;
import dev.nemotron4j.tokenizer.decoder.DecoderSequence;
import dev.nemotron4j.tokenizer.decoder.FuseDecoder;
import dev.nemotron4j.tokenizer.decoder.MetaspaceDecoder;
import dev.nemotron4j.tokenizer.decoder.ReplaceDecoder;
import dev.nemotron4j.tokenizer.decoder.StripDecoder;
import dev.nemotron4j.tokenizer.decoder.WordPieceDecoder;
import dev.nemotron4j.tokenizer.model.BpeOptions;
import dev.nemotron4j.tokenizer.model.BytePairEncoder;
import dev.nemotron4j.tokenizer.model.MergeRule;
import dev.nemotron4j.tokenizer.normalizer.BertNormalizer;
import dev.nemotron4j.tokenizer.normalizer.Lowercase;
import dev.nemotron4j.tokenizer.normalizer.Normalizer;
import dev.nemotron4j.tokenizer.normalizer.NormalizerSequence;
import dev.nemotron4j.tokenizer.normalizer.Prepend;
import dev.nemotron4j.tokenizer.normalizer.Replace;
import dev.nemotron4j.tokenizer.normalizer.Strip;
import dev.nemotron4j.tokenizer.normalizer.StripAccents;
import dev.nemotron4j.tokenizer.normalizer.UnicodeNormalization;
import dev.nemotron4j.tokenizer.postprocessor.BertProcessing;
import dev.nemotron4j.tokenizer.postprocessor.ByteLevelProcessing;
import dev.nemotron4j.tokenizer.postprocessor.PostProcessor;
import dev.nemotron4j.tokenizer.postprocessor.PostProcessorSequence;
import dev.nemotron4j.tokenizer.postprocessor.RobertaProcessing;
import dev.nemotron4j.tokenizer.postprocessor.TemplateProcessing;
import dev.nemotron4j.tokenizer.pretokenizer.BertPreTokenizer;
import dev.nemotron4j.tokenizer.pretokenizer.ByteLevel;
import dev.nemotron4j.tokenizer.pretokenizer.CharDelimiterSplit;
import dev.nemotron4j.tokenizer.pretokenizer.Digits;
import dev.nemotron4j.tokenizer.pretokenizer.Metaspace;
import dev.nemotron4j.tokenizer.pretokenizer.PreTokenizer;
import dev.nemotron4j.tokenizer.pretokenizer.PreTokenizerSequence;
import dev.nemotron4j.tokenizer.pretokenizer.Punctuation;
import dev.nemotron4j.tokenizer.pretokenizer.Split;
import dev.nemotron4j.tokenizer.pretokenizer.SplitDelimiterBehavior;
import dev.nemotron4j.tokenizer.pretokenizer.SplitPattern;
import dev.nemotron4j.tokenizer.pretokenizer.Whitespace;
import dev.nemotron4j.tokenizer.pretokenizer.WhitespaceSplit;
import dev.nemotron4j.tokenizer.text.OnigurumaPattern;

import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Turns the JSON of a {@code tokenizer.json} file into a {@link Tokenizer}. */
final class TokenizerJsonReader {

    /** Words remembered by the BPE model; the Rust library uses the same default. */
    static final int WORD_CACHE_CAPACITY = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // Vocabularies of several hundred thousand entries make documents far larger than Jackson's defaults expect.
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE).maxNumberLength(1000).build());
    }

    private TokenizerJsonReader() {
    }

    static Tokenizer read(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            return read(parser);
        } catch (JsonProcessingException e) {
            throw new TokenizerFormatException("tokenizer.json is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Tokenizer read(InputStream json) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            return read(parser);
        } catch (JsonProcessingException e) {
            throw new TokenizerFormatException("tokenizer.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads the top-level object. The model's vocabulary and merges (by far the largest part) are streamed straight
     * into their final maps; the small sections are read as trees.
     */
    private static Tokenizer read(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new TokenizerFormatException("tokenizer.json must contain a JSON object");
        }
        Map<String, JsonNode> sections = new HashMap<>();
        ModelSection modelSection = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (name.equals("model") && parser.currentToken() == JsonToken.START_OBJECT) {
                modelSection = ModelSection.read(parser);
            } else {
                sections.put(name, parser.readValueAsTree());
            }
        }
        if (modelSection == null) {
            throw new TokenizerFormatException("tokenizer.json has no model");
        }
        try {
            List<AddedToken> added = addedTokens(sections.getOrDefault("added_tokens", JSON.createArrayNode()));
            Normalizer normalizer = normalizer(sections.get("normalizer"));
            PreTokenizer preTokenizer = preTokenizer(sections.get("pre_tokenizer"));
            BytePairEncoder model = modelSection.toModel();
            PostProcessor postProcessor = postProcessor(sections.get("post_processor"));
            Decoder decoder = decoder(sections.get("decoder"));
            return new Tokenizer(added, normalizer, preTokenizer, model, postProcessor, decoder);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new TokenizerFormatException(e.getMessage(), e);
        }
    }

    /** The {@code model} object: vocabulary and merges streamed, other settings kept as JSON. */
    private record ModelSection(Map<String, Integer> vocab, List<MergeRule> merges, ObjectNode settings) {

        static ModelSection read(JsonParser parser) throws IOException {
            Map<String, Integer> vocab = null;
            List<MergeRule> merges = new ArrayList<>();
            ObjectNode settings = JSON.createObjectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("vocab") && value == JsonToken.START_OBJECT) {
                    vocab = new HashMap<>(1 << 16);
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String token = parser.currentName();
                        if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                            throw new TokenizerFormatException("vocab entry \"" + token + "\" has no integer id");
                        }
                        vocab.put(token, parser.getIntValue());
                    }
                } else if (field.equals("merges") && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        merges.add(readMerge(parser));
                    }
                } else {
                    settings.set(field, parser.readValueAsTree());
                }
            }
            if (vocab == null) {
                throw new TokenizerFormatException("model lacks \"vocab\"");
            }
            return new ModelSection(vocab, merges, settings);
        }

        /** A merge is {@code "left right"} (older files) or {@code ["left", "right"]} (newer ones). */
        private static MergeRule readMerge(JsonParser parser) throws IOException {
            if (parser.currentToken() == JsonToken.VALUE_STRING) {
                return MergeRule.parse(parser.getText());
            }
            if (parser.currentToken() == JsonToken.START_ARRAY) {
                List<String> parts = new ArrayList<>(2);
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    parts.add(parser.getText());
                }
                if (parts.size() != 2) {
                    throw new TokenizerFormatException("merge " + parts + " is not a pair");
                }
                return new MergeRule(parts.get(0), parts.get(1));
            }
            throw new TokenizerFormatException("unexpected merge entry " + parser.currentToken());
        }

        BytePairEncoder toModel() {
            String type = settings.hasNonNull("type") ? settings.get("type").asText() : "BPE";
            if (!type.equals("BPE")) {
                throw unsupported("model", type);
            }
            ObjectNode n = settings;
            BpeOptions options = new BpeOptions(textOrNull(n, "unk_token"), n.path("fuse_unk").asBoolean(false),
                    n.path("byte_fallback").asBoolean(false), n.path("ignore_merges").asBoolean(false),
                    textOrNull(n, "continuing_subword_prefix"), textOrNull(n, "end_of_word_suffix"));
            return new BytePairEncoder(vocab, merges, options, WORD_CACHE_CAPACITY);
        }
    }

    private static List<AddedToken> addedTokens(JsonNode list) {
        List<AddedToken> out = new ArrayList<>();
        for (JsonNode t : list) {
            if (required(t, "content").asText().isEmpty()) {
                continue; // the Rust library ignores empty added tokens
            }
            boolean special = t.path("special").asBoolean(false);
            out.add(new AddedToken(required(t, "id").asInt(), required(t, "content").asText(),
                    t.path("single_word").asBoolean(false), t.path("lstrip").asBoolean(false),
                    t.path("rstrip").asBoolean(false), t.path("normalized").asBoolean(!special), special));
        }
        return out;
    }

    // ---- normalizers ----

    private static Normalizer normalizer(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        String type = type(n, "normalizer");
        return switch (type) {
            case "NFC" -> new UnicodeNormalization(Form.NFC);
            case "NFD" -> new UnicodeNormalization(Form.NFD);
            case "NFKC" -> new UnicodeNormalization(Form.NFKC);
            case "NFKD" -> new UnicodeNormalization(Form.NFKD);
            case "Lowercase" -> new Lowercase();
            case "Replace" -> new Replace(pattern(required(n, "pattern")), required(n, "content").asText());
            case "Prepend" -> new Prepend(required(n, "prepend").asText());
            case "Strip" -> new Strip(n.path("strip_left").asBoolean(true), n.path("strip_right").asBoolean(true));
            case "StripAccents" -> new StripAccents();
            case "BertNormalizer" -> {
                boolean lowercase = n.path("lowercase").asBoolean(true);
                JsonNode strip = n.get("strip_accents");
                yield new BertNormalizer(n.path("clean_text").asBoolean(true),
                        n.path("handle_chinese_chars").asBoolean(true),
                        strip == null || strip.isNull() ? lowercase : strip.asBoolean(), lowercase);
            }
            case "Sequence" -> {
                List<Normalizer> parts = new ArrayList<>();
                for (JsonNode child : required(n, "normalizers")) {
                    Normalizer p = normalizer(child);
                    if (p != null) {
                        parts.add(p);
                    }
                }
                yield parts.isEmpty() ? null : new NormalizerSequence(parts);
            }
            default -> throw unsupported("normalizer", type);
        };
    }

    // ---- pre-tokenizers ----

    private static PreTokenizer preTokenizer(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        String type = type(n, "pre_tokenizer");
        return switch (type) {
            case "Split" -> new Split(new SplitPattern.Regex(pattern(required(n, "pattern"))),
                    SplitDelimiterBehavior.fromJson(required(n, "behavior").asText()),
                    n.path("invert").asBoolean(false));
            case "ByteLevel" -> new ByteLevel(n.path("add_prefix_space").asBoolean(true),
                    n.path("use_regex").asBoolean(true));
            case "Metaspace" -> new Metaspace(replacementChar(n), prependScheme(n), n.path("split").asBoolean(true));
            case "Digits" -> new Digits(n.path("individual_digits").asBoolean(false));
            case "WhitespaceSplit" -> new WhitespaceSplit();
            case "Whitespace" -> new Whitespace();
            case "Punctuation" -> new Punctuation(n.hasNonNull("behavior")
                    ? SplitDelimiterBehavior.fromJson(n.get("behavior").asText()) : SplitDelimiterBehavior.ISOLATED);
            case "CharDelimiterSplit" -> new CharDelimiterSplit(singleChar(required(n, "delimiter").asText(), "delimiter"));
            case "BertPreTokenizer" -> new BertPreTokenizer();
            case "Sequence" -> {
                List<PreTokenizer> parts = new ArrayList<>();
                for (JsonNode child : required(n, "pretokenizers")) {
                    PreTokenizer p = preTokenizer(child);
                    if (p != null) {
                        parts.add(p);
                    }
                }
                yield new PreTokenizerSequence(parts);
            }
            default -> throw unsupported("pre_tokenizer", type);
        };
    }

    private static int replacementChar(JsonNode n) {
        return singleChar(n.path("replacement").asText("\u2581"), "replacement");
    }

    /** Newer files say {@code prepend_scheme}; older ones only {@code add_prefix_space} (true = always). */
    private static Metaspace.PrependScheme prependScheme(JsonNode n) {
        if (n.hasNonNull("prepend_scheme")) {
            return Metaspace.PrependScheme.fromJson(n.get("prepend_scheme").asText());
        }
        return n.path("add_prefix_space").asBoolean(true) ? Metaspace.PrependScheme.ALWAYS
                : Metaspace.PrependScheme.NEVER;
    }

    // ---- post-processors ----

    private static PostProcessor postProcessor(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        String type = type(n, "post_processor");
        return switch (type) {
            case "TemplateProcessing" -> templateProcessing(n);
            case "ByteLevel" -> new ByteLevelProcessing();
            case "RobertaProcessing" -> new RobertaProcessing(required(n, "cls").get(1).asInt(),
                    required(n, "sep").get(1).asInt());
            case "BertProcessing" -> new BertProcessing(required(n, "cls").get(1).asInt(),
                    required(n, "sep").get(1).asInt());
            case "Sequence" -> {
                List<PostProcessor> parts = new ArrayList<>();
                for (JsonNode child : required(n, "processors")) {
                    PostProcessor p = postProcessor(child);
                    if (p != null) {
                        parts.add(p);
                    }
                }
                yield new PostProcessorSequence(parts);
            }
            default -> throw unsupported("post_processor", type);
        };
    }

    private static TemplateProcessing templateProcessing(JsonNode n) {
        Map<String, int[]> specials = new HashMap<>();
        required(n, "special_tokens").properties().forEach(e -> {
            JsonNode ids = e.getValue().path("ids");
            int[] values = new int[ids.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ids.get(i).asInt();
            }
            specials.put(e.getKey(), values);
        });
        return new TemplateProcessing(template(required(n, "single"), specials),
                template(n.path("pair"), specials));
    }

    private static List<TemplateProcessing.Piece> template(JsonNode list, Map<String, int[]> specials) {
        List<TemplateProcessing.Piece> pieces = new ArrayList<>();
        for (JsonNode item : list) {
            if (item.has("Sequence")) {
                pieces.add(new TemplateProcessing.SequencePiece(item.get("Sequence").path("id").asText().equals("B")));
            } else if (item.has("SpecialToken")) {
                String name = item.get("SpecialToken").path("id").asText();
                int[] ids = specials.get(name);
                if (ids == null) {
                    throw new TokenizerFormatException("template uses special token \"" + name
                            + "\" that is missing from special_tokens");
                }
                pieces.add(new TemplateProcessing.SpecialPiece(name, ids));
            } else {
                throw new TokenizerFormatException("unknown template element " + item);
            }
        }
        return pieces;
    }

    // ---- decoders ----

    private static Decoder decoder(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        String type = type(n, "decoder");
        return switch (type) {
            case "ByteLevel" -> new ByteLevelDecoder();
            case "Metaspace" -> new MetaspaceDecoder(replacementChar(n),
                    prependScheme(n) != Metaspace.PrependScheme.NEVER);
            case "ByteFallback" -> new ByteFallbackDecoder();
            case "Fuse" -> new FuseDecoder();
            case "Strip" -> new StripDecoder(singleChar(required(n, "content").asText(), "content"),
                    n.path("start").asInt(0), n.path("stop").asInt(0));
            case "Replace" -> new ReplaceDecoder(pattern(required(n, "pattern")), required(n, "content").asText());
            case "BPEDecoder" -> new BpeSuffixDecoder(n.path("suffix").asText("</w>"));
            case "WordPiece" -> new WordPieceDecoder(n.path("prefix").asText("##"), n.path("cleanup").asBoolean(true));
            case "Sequence" -> {
                List<Decoder> parts = new ArrayList<>();
                for (JsonNode child : required(n, "decoders")) {
                    Decoder d = decoder(child);
                    if (d != null) {
                        parts.add(d);
                    }
                }
                yield new DecoderSequence(parts);
            }
            default -> throw unsupported("decoder", type);
        };
    }

    // ---- helpers ----

    /** {@code {"String": "..."}} is a literal, {@code {"Regex": "..."}} an Oniguruma regex. */
    private static Pattern pattern(JsonNode n) {
        if (n.has("String")) {
            return OnigurumaPattern.literal(n.get("String").asText());
        }
        if (n.has("Regex")) {
            return OnigurumaPattern.compile(n.get("Regex").asText());
        }
        throw new TokenizerFormatException("pattern " + n + " is neither {\"String\": ...} nor {\"Regex\": ...}");
    }

    private static String type(JsonNode n, String what) {
        JsonNode t = n.get("type");
        if (t == null || !t.isTextual()) {
            throw new TokenizerFormatException(what + " " + abbreviate(n) + " has no \"type\"");
        }
        return t.asText();
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new TokenizerFormatException(abbreviate(n) + " lacks \"" + field + "\"");
        }
        return v;
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static int singleChar(String s, String what) {
        if (s.isEmpty() || s.codePointCount(0, s.length()) != 1) {
            throw new TokenizerFormatException(what + " must be a single character, got \"" + s + "\"");
        }
        return s.codePointAt(0);
    }

    private static TokenizerFormatException unsupported(String what, String type) {
        return new TokenizerFormatException("unsupported " + what + " type \"" + type + "\"");
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}

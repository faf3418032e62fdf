package dev.nemotron4j.tokenizer.gguf;

import dev.nemotron4j.tokenizer.AddedToken;
import dev.nemotron4j.tokenizer.Tokenizer;
import dev.nemotron4j.tokenizer.TokenizerFormatException;
import dev.nemotron4j.tokenizer.decoder.ByteLevelDecoder;
import dev.nemotron4j.tokenizer.model.BpeOptions;
import dev.nemotron4j.tokenizer.model.BytePairEncoder;
import dev.nemotron4j.tokenizer.model.MergeRule;
import dev.nemotron4j.tokenizer.postprocessor.TemplateProcessing;
import dev.nemotron4j.tokenizer.pretokenizer.ByteLevel;
import dev.nemotron4j.tokenizer.pretokenizer.PreTokenizer;
import dev.nemotron4j.tokenizer.pretokenizer.PreTokenizerSequence;
import dev.nemotron4j.tokenizer.pretokenizer.Split;
import dev.nemotron4j.tokenizer.pretokenizer.SplitDelimiterBehavior;
import dev.nemotron4j.tokenizer.pretokenizer.SplitPattern;
import dev.nemotron4j.tokenizer.text.OnigurumaPattern;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Tokenizer} from GGUF {@code tokenizer.ggml.*} metadata, reproducing what llama.cpp does with a
 * {@code gpt2} (byte-level BPE) vocabulary: control tokens (type 3) are special added tokens, user-defined tokens
 * (type 4) plain added tokens; the pre-tokenizer regexes are chosen by {@code tokenizer.ggml.pre}; BOS/EOS are
 * added according to {@code tokenizer.ggml.add_bos_token}/{@code add_eos_token} or the pre-tokenizer's default.
 */
public final class GgufTokenizerFactory {

    private static final System.Logger LOG = System.getLogger(GgufTokenizerFactory.class.getName());

    static final String MODEL = "tokenizer.ggml.model";
    static final String PRE = "tokenizer.ggml.pre";
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    static final String MERGES = "tokenizer.ggml.merges";
    static final String BOS_ID = "tokenizer.ggml.bos_token_id";
    static final String EOS_ID = "tokenizer.ggml.eos_token_id";
    static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    static final String ADD_EOS = "tokenizer.ggml.add_eos_token";

    private static final int TYPE_CONTROL = 3;
    private static final int TYPE_USER_DEFINED = 4;

    private GgufTokenizerFactory() {
    }

    /** See {@link Tokenizer#fromGgufMetadata(Map)}. */
    public static Tokenizer create(Map<String, ?> kv) {
        String model = string(kv, MODEL);
        if (model == null) {
            throw new TokenizerFormatException("GGUF metadata lacks " + MODEL);
        }
        if (!model.equals("gpt2")) {
            throw new TokenizerFormatException("unsupported GGUF tokenizer model \"" + model
                    + "\" (only \"gpt2\", byte-level BPE, is supported)");
        }
        List<String> tokens = strings(kv, TOKENS);
        if (tokens == null) {
            throw new TokenizerFormatException("GGUF metadata lacks " + TOKENS);
        }
        List<String> mergeLines = strings(kv, MERGES);
        if (mergeLines == null) {
            throw new TokenizerFormatException("GGUF metadata lacks " + MERGES + " (required for gpt2 tokenizers)");
        }
        int[] types = ints(kv, TOKEN_TYPE);
        if (types != null && types.length != tokens.size()) {
            throw new TokenizerFormatException(TOKEN_TYPE + " has " + types.length + " entries but there are "
                    + tokens.size() + " tokens");
        }

        String pre = string(kv, PRE);
        List<String> regexes = pre == null ? null : GgufPreTokenizerRegexes.forName(pre);
        if (regexes == null) {
            LOG.log(System.Logger.Level.WARNING, "GGUF pre-tokenizer {0} is {1}; using \"default\"",
                    PRE, pre == null ? "missing" : "unknown (\"" + pre + "\")");
            regexes = GgufPreTokenizerRegexes.DEFAULT;
            pre = "default";
        }

        Map<String, Integer> vocab = new HashMap<>(tokens.size() * 2);
        List<AddedToken> added = new ArrayList<>();
        for (int id = 0; id < tokens.size(); id++) {
            String token = tokens.get(id);
            // llama.cpp keeps the last id of a duplicated spelling; so does this map.
            vocab.put(token, id);
            int type = types == null ? 1 : types[id];
            if ((type == TYPE_CONTROL || type == TYPE_USER_DEFINED) && !token.isEmpty()) {
                added.add(new AddedToken(id, token, false, false, false, false, type == TYPE_CONTROL));
            }
        }
        List<MergeRule> merges = new ArrayList<>(mergeLines.size());
        for (String line : mergeLines) {
            merges.add(MergeRule.parse(line));
        }
        BpeOptions options = BpeOptions.BYTE_LEVEL.withIgnoreMerges(GgufPreTokenizerRegexes.ignoresMerges(pre));
        BytePairEncoder bpe;
        try {
            bpe = new BytePairEncoder(vocab, merges, options, 10_000);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException("GGUF tokenizer: " + e.getMessage(), e);
        }

        List<PreTokenizer> steps = new ArrayList<>();
        for (String regex : regexes) {
            steps.add(new Split(new SplitPattern.Regex(OnigurumaPattern.compile(regex)),
                    SplitDelimiterBehavior.ISOLATED, false));
        }
        steps.add(new ByteLevel(false, false));

        return new Tokenizer(added, null, new PreTokenizerSequence(steps), bpe, postProcessor(kv, pre, tokens.size()),
                new ByteLevelDecoder());
    }

    private static TemplateProcessing postProcessor(Map<String, ?> kv, String pre, int vocabSize) {
        Boolean addBosKey = bool(kv, ADD_BOS);
        Boolean addEosKey = bool(kv, ADD_EOS);
        boolean addBos = addBosKey != null ? addBosKey : GgufPreTokenizerRegexes.addsBosByDefault(pre);
        boolean addEos = addEosKey != null && addEosKey;
        Integer bos = id(kv, BOS_ID, vocabSize);
        Integer eos = id(kv, EOS_ID, vocabSize);
        List<TemplateProcessing.Piece> single = new ArrayList<>();
        List<TemplateProcessing.Piece> pair = new ArrayList<>();
        TemplateProcessing.Piece bosPiece = bos == null ? null : new TemplateProcessing.SpecialPiece("bos", new int[] {bos});
        TemplateProcessing.Piece eosPiece = eos == null ? null : new TemplateProcessing.SpecialPiece("eos", new int[] {eos});
        for (boolean second : new boolean[] {false, true}) {
            if (addBos && bosPiece != null) {
                pair.add(bosPiece);
            }
            pair.add(new TemplateProcessing.SequencePiece(second));
            if (addEos && eosPiece != null) {
                pair.add(eosPiece);
            }
        }
        if (addBos && bosPiece != null) {
            single.add(bosPiece);
        }
        single.add(new TemplateProcessing.SequencePiece(false));
        if (addEos && eosPiece != null) {
            single.add(eosPiece);
        }
        return new TemplateProcessing(single, pair);
    }

    // ---- value coercion: GGUF readers hand out boxed numbers, lists or arrays ----

    private static String string(Map<String, ?> kv, String key) {
        Object v = kv.get(key);
        return v == null ? null : v.toString();
    }

    private static Boolean bool(Map<String, ?> kv, String key) {
        Object v = kv.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.longValue() != 0;
        }
        return Boolean.parseBoolean(v.toString());
    }

    private static Integer id(Map<String, ?> kv, String key, int vocabSize) {
        Object v = kv.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw new TokenizerFormatException(key + " must be a number, got " + v.getClass().getSimpleName());
        }
        long id = n.longValue();
        if (id < 0 || id >= vocabSize) {
            LOG.log(System.Logger.Level.WARNING, "{0} = {1} is outside the vocabulary; ignored", key, id);
            return null;
        }
        return (int) id;
    }

    private static List<String> strings(Map<String, ?> kv, String key) {
        Object v = kv.get(key);
        if (v == null) {
            return null;
        }
        List<?> items = asList(v, key);
        List<String> out = new ArrayList<>(items.size());
        for (Object o : items) {
            out.add(o.toString());
        }
        return out;
    }

    private static int[] ints(Map<String, ?> kv, String key) {
        Object v = kv.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof int[] a) {
            return a;
        }
        List<?> items = asList(v, key);
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Number n)) {
                throw new TokenizerFormatException(key + "[" + i + "] is not a number");
            }
            out[i] = n.intValue();
        }
        return out;
    }

    private static List<?> asList(Object v, String key) {
        if (v instanceof List<?> list) {
            return list;
        }
        if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            List<Object> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(Array.get(v, i));
            }
            return out;
        }
        throw new TokenizerFormatException(key + " must be an array, got " + v.getClass().getSimpleName());
    }
}

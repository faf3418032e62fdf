package dev.nemotron4j.engine.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.engine.formats.gguf.GgufValue;
import dev.nemotron4j.engine.formats.gguf.GgufWriter;
import dev.nemotron4j.engine.model.ModelConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tokenizer.*} keys of a GGUF file for a byte-level BPE {@code tokenizer.json}, as llama.cpp's
 * converter (gguf-py {@code SpecialVocab}) writes them: tokens in id order, token types (control for special
 * added tokens), merges as {@code "left right"}, special token ids from {@code tokenizer_config.json},
 * {@code add_bos_token} from the TemplateProcessing post-processor, and the chat template. The pre-tokenizer
 * name is {@code pixtral}, the name the Nemotron tokenizer maps to. A directory without a tokenizer (a
 * synthetic benchmark checkpoint) gets a placeholder vocabulary: the 256 byte tokens, then {@code [PADn]}.
 */
final class GgufTokenizerMetadata {
    private GgufTokenizerMetadata() {}

    static void write(GgufWriter w, Path dir, ModelConfig c) {
        Path tj = dir.resolve("tokenizer.json");
        if (!GgufConverter.exists(tj)) {
            placeholder(w, c);
            return;
        }
        JsonNode t = GgufConverter.readJson(tj);
        JsonNode model = t.path("model");
        int v = c.vocabSize();
        String[] tokens = new String[v];
        int[] types = new int[v];
        Map<String, Integer> ids = new HashMap<>();
        model.path("vocab").fields().forEachRemaining(e -> {
            int id = e.getValue().asInt();
            if (id < v) {
                tokens[id] = e.getKey();
                types[id] = 1;
            }
            ids.put(e.getKey(), id);
        });
        for (JsonNode a : t.path("added_tokens")) {
            int id = a.path("id").asInt();
            if (id >= v) continue;
            tokens[id] = a.path("content").asText();
            types[id] = a.path("special").asBoolean() ? 3 : 4;
            ids.put(tokens[id], id);
        }
        for (int i = 0; i < v; i++) {
            if (tokens[i] == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = 5;
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        w.put("tokenizer.ggml.model", new GgufValue.Str("gpt2"));
        w.put("tokenizer.ggml.pre", new GgufValue.Str("pixtral"));
        w.put("tokenizer.ggml.tokens", new GgufValue.StrArray(List.of(tokens)));
        w.put("tokenizer.ggml.token_type", new GgufValue.I32Array(types));
        w.put("tokenizer.ggml.merges", new GgufValue.StrArray(merges));

        Path tcPath = dir.resolve("tokenizer_config.json");
        JsonNode tc = GgufConverter.exists(tcPath) ? GgufConverter.readJson(tcPath) : null;
        if (tc != null) {
            for (String kind : List.of("bos", "eos", "unk", "sep", "pad")) {
                JsonNode tok = tc.get(kind + "_token");
                if (tok == null || tok.isNull()) continue;
                String content = tok.isTextual() ? tok.asText() : tok.path("content").asText();
                Integer id = ids.get(content);
                String key = kind.equals("unk") ? "unknown" : kind.equals("pad") ? "padding" : kind.equals("sep") ? "seperator" : kind;
                if (id != null) w.put("tokenizer.ggml." + key + "_token_id", new GgufValue.U32(id));
            }
        }
        JsonNode post = t.path("post_processor");
        if ("TemplateProcessing".equals(post.path("type").asText())) {
            JsonNode single = post.path("single");
            boolean addBos = single.size() > 0 && single.get(0).has("SpecialToken");
            boolean addEos = single.size() > 1 && single.get(single.size() - 1).has("SpecialToken");
            w.put("tokenizer.ggml.add_bos_token", new GgufValue.Bool(addBos));
            if (addEos) w.put("tokenizer.ggml.add_eos_token", new GgufValue.Bool(true));
            w.put("tokenizer.ggml.add_sep_token", new GgufValue.Bool(false));
        }
        if (tc != null && tc.path("chat_template").isTextual()) {
            w.put("tokenizer.chat_template", new GgufValue.Str(tc.path("chat_template").asText()));
        }
    }

    private static void placeholder(GgufWriter w, ModelConfig c) {
        int v = c.vocabSize();
        List<String> tokens = new ArrayList<>(v);
        int[] types = new int[v];
        String[] bytes = gpt2ByteTokens();
        for (int i = 0; i < v; i++) {
            tokens.add(i < 256 ? bytes[i] : "[PAD" + i + "]");
            types[i] = 1;
        }
        w.put("tokenizer.ggml.model", new GgufValue.Str("gpt2"));
        w.put("tokenizer.ggml.pre", new GgufValue.Str("default"));
        w.put("tokenizer.ggml.tokens", new GgufValue.StrArray(tokens));
        w.put("tokenizer.ggml.token_type", new GgufValue.I32Array(types));
        w.put("tokenizer.ggml.merges", new GgufValue.StrArray(List.of()));
        if (c.bosTokenId() >= 0 && c.bosTokenId() < v) w.put("tokenizer.ggml.bos_token_id", new GgufValue.U32(c.bosTokenId()));
        if (!c.eosTokenIds().isEmpty() && c.eosTokenIds().getFirst() < v) w.put("tokenizer.ggml.eos_token_id", new GgufValue.U32(c.eosTokenIds().getFirst()));
    }

    /** GPT-2's byte → printable character mapping, as strings indexed by byte value. */
    static String[] gpt2ByteTokens() {
        String[] out = new String[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = printable ? String.valueOf((char) b) : String.valueOf((char) (256 + extra++));
        }
        return out;
    }
}

package dev.nemotron4j.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.template.NemotronChatFormat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The smallest tokenizer a Nemotron-H model directory can have: byte-level BPE with no merges, laid out like the
 * tiny fixtures' (testdata/tiny/README.md): ids 0–31 reserved and special ({@code <unk>}, {@code <s>},
 * {@code </s>}, {@code <|im_start|>} … {@code </tool_response>} at 10–17), byte b at id 32 + b spelled with the
 * GPT-2 byte-to-unicode table; BOS post-processor; the model's own chat template. Every text encodes to its UTF-8
 * bytes, so the training data needs no tokenizer run.
 */
public final class ByteLevelTokenizer {
    public static final int VOCAB_SIZE = 288;
    public static final int BOS = 1, EOS = 2, IM_END = 11;
    private static final int FIRST_BYTE = 32;
    private static final List<String> NAMED = List.of("<unk>", "<s>", "</s>", "", "", "", "", "", "", "",
            "<|im_start|>", "<|im_end|>", "<think>", "</think>", "<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>");
    private static final String SPLIT_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ByteLevelTokenizer() {}

    /** The id of byte {@code b} (0..255). */
    public static int byteToken(int b) {
        return FIRST_BYTE + (b & 0xFF);
    }

    /** The token ids of {@code text}'s UTF-8 bytes (no BOS). */
    public static int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) ids[i] = byteToken(bytes[i]);
        return ids;
    }

    static String tokenName(int id) {
        if (id < FIRST_BYTE) return id < NAMED.size() && !NAMED.get(id).isEmpty() ? NAMED.get(id) : "<SPECIAL_" + id + ">";
        return String.valueOf(Character.toChars(byteToUnicode(id - FIRST_BYTE)));
    }

    /** GPT-2's byte-to-unicode map: printable Latin-1 bytes stand for themselves, the rest for 256, 257, … in order. */
    static int byteToUnicode(int b) {
        if (printable(b)) return b;
        int n = 0;
        for (int x = 0; x < b; x++) if (!printable(x)) n++;
        return 256 + n;
    }

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** Writes tokenizer.json, tokenizer_config.json (with the chat template) and generation_config.json into {@code dir}. */
    public static void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), pretty(tokenizerJson()));
        Files.writeString(dir.resolve("tokenizer_config.json"), pretty(tokenizerConfig()));
        writeGenerationConfig(dir);
    }

    /** Writes generation_config.json (BOS, EOS and {@code <|im_end|>} as end tokens; the ids every tokenizer here shares). */
    static void writeGenerationConfig(Path dir) throws IOException {
        ObjectNode gen = JSON.createObjectNode();
        gen.put("bos_token_id", BOS);
        gen.putArray("eos_token_id").add(EOS).add(IM_END);
        gen.put("pad_token_id", 0);
        Files.writeString(dir.resolve("generation_config.json"), pretty(gen));
    }

    private static ObjectNode tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < FIRST_BYTE; id++) {
            ObjectNode t = added.addObject();
            t.put("id", id).put("content", tokenName(id)).put("single_word", false).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        ObjectNode split = pres.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", SPLIT_REGEX);
        split.put("behavior", "Isolated").put("invert", false);
        pres.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", false);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = post.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(BOS);
        bos.putArray("tokens").add("<s>");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout").putNull("unk_token").putNull("continuing_subword_prefix").putNull("end_of_word_suffix")
                .put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", true);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < VOCAB_SIZE; id++) vocab.put(tokenName(id), id);
        model.putArray("merges");
        return root;
    }

    private static ObjectNode tokenizerConfig() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        for (int id = 0; id < FIRST_BYTE; id++) {
            decoder.putObject(Integer.toString(id)).put("content", tokenName(id)).put("lstrip", false).put("normalized", false)
                    .put("rstrip", false).put("single_word", false).put("special", true);
        }
        root.put("bos_token", "<s>");
        root.put("chat_template", chatTemplate());
        root.put("clean_up_tokenization_spaces", false);
        root.put("eos_token", "<|im_end|>");
        root.put("model_max_length", 262144);
        root.put("pad_token", "<|im_end|>");
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        root.put("unk_token", "<unk>");
        return root;
    }

    /** The Nemotron 3 Nano chat template, as the chat module ships it. */
    static String chatTemplate() {
        try (InputStream in = NemotronChatFormat.class.getResourceAsStream("nemotron-3-nano.jinja")) {
            if (in == null) throw new IllegalStateException("nemotron-3-nano.jinja missing from the chat jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pretty(ObjectNode n) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
    }
}

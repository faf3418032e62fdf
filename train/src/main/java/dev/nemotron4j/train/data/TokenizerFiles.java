package dev.nemotron4j.train.data;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.template.ChatTemplates;
import dev.nemotron4j.chat.template.SupportedChatTemplate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a trained {@link BpeTrainer.Vocabulary} as Hugging Face tokenizer files, in the layout of the project's tiny
 * fixtures (built like the real Nemotron tokenizer): {@code tokenizer.json} with the 32 reserved tokens as special
 * added tokens (also entries of the vocabulary), no normalizer, the split regex then byte-level pre-tokenizer, a
 * BPE model with {@code ignore_merges}, a BOS-prepending post-processor and the byte-level decoder; and
 * {@code tokenizer_config.json} with the Nemotron 3 Nano chat template, BOS {@code <s>}, EOS/pad {@code <|im_end|>}.
 * Output is byte-for-byte deterministic and each file is moved into place only when complete.
 */
public final class TokenizerFiles {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Two-space indentation and {@code \n} line ends on every platform, so the bytes never depend on the OS. */
    private static final ObjectWriter JSON = new ObjectMapper().writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private TokenizerFiles() {
    }

    /** The {@code tokenizer.json} content. */
    public static String tokenizerJson(BpeTrainer.Vocabulary vocabulary) {
        ObjectNode root = NODES.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        List<String> reserved = ReservedTokens.contents();
        for (int id = 0; id < reserved.size(); id++) {
            added.addObject().put("id", id).put("content", reserved.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", WordCounts.SPLIT_REGEX);
        split.put("behavior", "Isolated").put("invert", false);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false);
        root.set("post_processor", bosPostProcessor());
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", true);
        ObjectNode vocab = model.putObject("vocab");
        List<String> tokens = vocabulary.tokens();
        for (int id = 0; id < tokens.size(); id++) vocab.put(tokens.get(id), id);
        ArrayNode merges = model.putArray("merges");
        for (BpeTrainer.Merge merge : vocabulary.merges()) merges.addArray().add(merge.left()).add(merge.right());
        return write(root);
    }

    /** {@code <s> $A} (pair: {@code <s> $A <s> $B}): a plain encode with special tokens prepends BOS. */
    private static ObjectNode bosPostProcessor() {
        ObjectNode post = NODES.objectNode().put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.add(specialPiece(0));
        single.add(sequencePiece("A", 0));
        ArrayNode pair = post.putArray("pair");
        pair.add(specialPiece(0));
        pair.add(sequencePiece("A", 0));
        pair.add(specialPiece(1));
        pair.add(sequencePiece("B", 1));
        ObjectNode bos = post.putObject("special_tokens").putObject(ReservedTokens.BOS);
        bos.put("id", ReservedTokens.BOS);
        bos.putArray("ids").add(1);
        bos.putArray("tokens").add(ReservedTokens.BOS);
        return post;
    }

    private static ObjectNode specialPiece(int typeId) {
        ObjectNode piece = NODES.objectNode();
        piece.putObject("SpecialToken").put("id", ReservedTokens.BOS).put("type_id", typeId);
        return piece;
    }

    private static ObjectNode sequencePiece(String id, int typeId) {
        ObjectNode piece = NODES.objectNode();
        piece.putObject("Sequence").put("id", id).put("type_id", typeId);
        return piece;
    }

    /** The {@code tokenizer_config.json} content, with the Nemotron 3 Nano chat template. */
    public static String tokenizerConfigJson() {
        ObjectNode root = NODES.objectNode();
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        List<String> reserved = ReservedTokens.contents();
        for (int id = 0; id < reserved.size(); id++) {
            decoder.putObject(Integer.toString(id)).put("content", reserved.get(id)).put("lstrip", false)
                    .put("normalized", false).put("rstrip", false).put("single_word", false).put("special", true);
        }
        root.put("bos_token", ReservedTokens.BOS);
        root.put("chat_template", ChatTemplates.referenceText(SupportedChatTemplate.NEMOTRON_3_NANO));
        root.put("clean_up_tokenization_spaces", false);
        root.put("eos_token", ReservedTokens.IM_END);
        root.putObject("extra_special_tokens");
        root.putArray("model_input_names").add("input_ids").add("attention_mask");
        root.put("model_max_length", 262144);
        root.put("pad_token", ReservedTokens.IM_END);
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        root.put("unk_token", ReservedTokens.UNK);
        return write(root);
    }

    /** Writes {@code tokenizer.json} to {@code file} (through a temporary file in the same directory). */
    public static void writeTokenizer(BpeTrainer.Vocabulary vocabulary, Path file) throws IOException {
        writeAtomically(file, tokenizerJson(vocabulary));
    }

    /** Writes {@code tokenizer_config.json} to {@code file}. */
    public static void writeTokenizerConfig(Path file) throws IOException {
        writeAtomically(file, tokenizerConfigJson());
    }

    private static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise tokenizer JSON", e);
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, target.getFileName().toString(), ".part");
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}

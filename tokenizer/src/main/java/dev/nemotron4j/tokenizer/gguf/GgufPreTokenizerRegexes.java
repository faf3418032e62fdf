package dev.nemotron4j.tokenizer.gguf;

import java.util.List;
import java.util.Map;

/**
 * The word-splitting regexes behind GGUF's {@code tokenizer.ggml.pre} names, as llama.cpp applies them: each
 * regex of the list splits the pieces left by the previous one. Where llama.cpp rewrote a regex only to work around
 * its own regex engine, the original {@code tokenizer.json} form is used here.
 */
final class GgufPreTokenizerRegexes {

    static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final String QWEN2 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
            + "(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
            + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final List<String> DEEPSEEK3 = List.of("\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+",
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                    + "| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+");

    static final List<String> DEFAULT = List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]");

    private static final Map<String, List<String>> BY_NAME = Map.ofEntries(
            Map.entry("default", DEFAULT),
            Map.entry("llama3", List.of(LLAMA3)), Map.entry("llama-v3", List.of(LLAMA3)),
            Map.entry("llama-bpe", List.of(LLAMA3)), Map.entry("falcon3", List.of(LLAMA3)),
            Map.entry("falcon-h1", List.of(LLAMA3)), Map.entry("pixtral", List.of(LLAMA3)),
            Map.entry("midm-2.0", List.of(LLAMA3)), Map.entry("lfm2", List.of(LLAMA3)),
            Map.entry("dbrx", List.of(LLAMA3)), Map.entry("smaug-bpe", List.of(LLAMA3)),
            Map.entry("chatglm-bpe", List.of(LLAMA3)), Map.entry("glm4", List.of(LLAMA3)),
            Map.entry("deepseek-v3", DEEPSEEK3),
            Map.entry("deepseek-coder", List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[一-龥ࠀ-一가-퟿]+", "\\p{N}")),
            Map.entry("falcon", List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]")),
            Map.entry("starcoder", List.of("\\p{N}", GPT2)), Map.entry("refact", List.of("\\p{N}", GPT2)),
            Map.entry("command-r", List.of("\\p{N}", GPT2)), Map.entry("smollm", List.of("\\p{N}", GPT2)),
            Map.entry("codeshell", List.of("\\p{N}", GPT2)), Map.entry("exaone", List.of("\\p{N}", GPT2)),
            Map.entry("minerva-7b", List.of("\\p{N}", GPT2)),
            Map.entry("gpt-2", List.of(GPT2)), Map.entry("phi-2", List.of(GPT2)), Map.entry("mpt", List.of(GPT2)),
            Map.entry("olmo", List.of(GPT2)), Map.entry("jais", List.of(GPT2)), Map.entry("exaone4", List.of(GPT2)),
            Map.entry("roberta-bpe", List.of(GPT2)), Map.entry("trillion", List.of(GPT2)),
            Map.entry("qwen2", List.of(QWEN2)), Map.entry("deepseek-r1-qwen", List.of(QWEN2)),
            Map.entry("megrez", List.of(QWEN2)), Map.entry("stablelm2", List.of(QWEN2)),
            Map.entry("hunyuan", List.of(QWEN2)), Map.entry("grok-2", List.of(QWEN2)),
            Map.entry("tekken", List.of(TEKKEN)),
            Map.entry("gpt-4o", List.of(GPT4O)), Map.entry("llama4", List.of(GPT4O)),
            Map.entry("minimax-m2", List.of(GPT4O)),
            Map.entry("bloom", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+")), Map.entry("poro-chat", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+")),
            Map.entry("gpt3-finnish", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+")),
            Map.entry("viking", List.of(" ?[^(\\s|.,!?…。，、।۔،)]+", "\\p{N}")));

    /** Pre-tokenizer names for which llama.cpp takes a word that is a whole vocabulary entry without merging. */
    private static final List<String> IGNORE_MERGES = List.of("llama3", "llama-v3", "llama-bpe", "falcon3",
            "falcon-h1", "pixtral", "midm-2.0", "lfm2", "tekken", "minicpm5");

    /** Pre-tokenizer names for which llama.cpp adds BOS unless {@code tokenizer.ggml.add_bos_token} says otherwise. */
    private static final List<String> ADD_BOS = List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1",
            "pixtral", "midm-2.0", "lfm2", "tekken", "chameleon");

    private GgufPreTokenizerRegexes() {
    }

    /** The regexes for a pre-tokenizer name, or null if the name is unknown. */
    static List<String> forName(String name) {
        return BY_NAME.get(name);
    }

    static boolean ignoresMerges(String name) {
        return IGNORE_MERGES.contains(name);
    }

    static boolean addsBosByDefault(String name) {
        return ADD_BOS.contains(name);
    }
}

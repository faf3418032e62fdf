package dev.nemotron4j.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.budget.ThinkingControlTokens;
import dev.nemotron4j.chat.template.ChatTemplates;
import dev.nemotron4j.chat.template.SupportedChatTemplate;
import dev.nemotron4j.chat.template.UnsupportedChatTemplateException;
import dev.nemotron4j.engine.formats.gguf.GgufCheckpoint;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Everything a model provides for talking to it in text: the weights, the tokenizer, the chat format, and the
 * end-of-turn token ids from the model's own files — never hard-coded. A Hugging Face directory gives them in
 * {@code tokenizer.json}, {@code tokenizer_config.json} (or {@code chat_template.jinja}), {@code generation_config.json}
 * and {@code config.json}; a GGUF file in its {@code tokenizer.*} metadata.
 */
public final class ModelBundle implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelSource source;
    private final Path path;
    private final String name;
    private final NemotronHModel model;
    private final Tokenizer tokenizer;
    private final ModelTokenizer modelTokenizer;
    private final SupportedChatTemplate template;
    private final String templateProblem;
    private final Set<Integer> stopTokenIds;
    private final ThinkingControlTokens thinkingTokens;
    private TokenTexts tokenTexts; // built on first use (constrained decoding)
    private LineBreakTokens lineBreakTokens; // filled as tokens are met (reasoning budget)

    private ModelBundle(ModelSource source, String name, NemotronHModel model, Tokenizer tokenizer, SupportedChatTemplate template,
                        String templateProblem, Set<Integer> stopTokenIds) {
        this.source = source;
        this.path = source.path();
        this.name = name;
        this.model = model;
        this.tokenizer = tokenizer;
        this.modelTokenizer = new ModelTokenizer(tokenizer);
        this.template = template;
        this.templateProblem = templateProblem;
        this.stopTokenIds = Set.copyOf(stopTokenIds);
        this.thinkingTokens = new ThinkingControlTokens(
                ids(tokenizer.encode("<think>\n", false)),
                List.of(ids(tokenizer.encode("</think>", false))),
                ids(tokenizer.encode(ThinkingControlTokens.DEFAULT_FORCED_ENDING_TEXT, false)));
    }

    /**
     * Opens the model at {@code path} (a Hugging Face directory or a GGUF file): weights, tokenizer, chat template
     * and end-of-turn ids.
     */
    public static ModelBundle open(Path path) {
        return open(ModelSource.of(path));
    }

    /**
     * Opens the model at {@code path} with the attention cache's element type {@code kvCache}: {@code f32} (exact),
     * {@code f16} or {@code fp8}.
     *
     * @throws IllegalArgumentException naming the accepted values for any other type
     */
    public static ModelBundle open(Path path, String kvCache) {
        KvCacheType type = KvCacheType.parse(kvCache);
        ModelBundle bundle = open(path);
        bundle.model.setKvCacheType(type);
        return bundle;
    }

    private static ModelBundle open(ModelSource source) {
        return switch (source) {
            case ModelSource.Directory dir -> openDirectory(dir);
            case ModelSource.Gguf gguf -> openGguf(gguf);
        };
    }

    /** The tokenizer of a model: {@code tokenizer.json} of a directory, the {@code tokenizer.*} metadata of a GGUF file. */
    static Tokenizer tokenizer(ModelSource source) {
        return switch (source) {
            case ModelSource.Directory dir -> directoryTokenizer(dir);
            case ModelSource.Gguf gguf -> ggufTokenizer(gguf, gguf.readMetadata());
        };
    }

    /**
     * The chat format of a model: named by a directory's {@code chat_template.jinja} or {@code tokenizer_config.json},
     * or by a GGUF file's {@code tokenizer.chat_template}.
     *
     * @throws UnsupportedChatTemplateException naming the model when it has no template or one we do not render
     */
    public static SupportedChatTemplate chatTemplate(Path model) {
        ModelSource source = ModelSource.of(model);
        Template t = switch (source) {
            case ModelSource.Directory dir -> directoryTemplate(dir);
            case ModelSource.Gguf gguf -> ggufTemplate(gguf, gguf.readMetadata());
        };
        if (t.template() == null) throw new UnsupportedChatTemplateException(source.path() + ": " + t.problem());
        return t.template();
    }

    /** A recognized template, or why there is none. */
    private record Template(SupportedChatTemplate template, String problem) {}

    private static Tokenizer directoryTokenizer(ModelSource.Directory dir) {
        Path tokenizerFile = dir.file("tokenizer.json");
        if (!Files.isRegularFile(tokenizerFile)) throw new ModelFormatException(dir.path() + ": no tokenizer.json (needed for text)");
        try {
            return Tokenizer.load(tokenizerFile);
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerFile + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Template directoryTemplate(ModelSource.Directory dir) {
        try {
            return new Template(ChatTemplates.forModelDirectory(dir.path()), null);
        } catch (IOException | IllegalArgumentException e) {
            return new Template(null, e.getMessage());
        }
    }

    private static Tokenizer ggufTokenizer(ModelSource.Gguf gguf, Map<String, Object> meta) {
        if (!meta.containsKey("tokenizer.ggml.tokens")) {
            throw new ModelFormatException(gguf.path() + ": no tokenizer in the GGUF metadata (tokenizer.ggml.tokens), needed for text");
        }
        return Tokenizer.fromGgufMetadata(meta);
    }

    private static Template ggufTemplate(ModelSource.Gguf gguf, Map<String, Object> meta) {
        if (!(meta.get("tokenizer.chat_template") instanceof String text)) {
            return new Template(null, gguf.path() + " has no tokenizer.chat_template");
        }
        try {
            return new Template(ChatTemplates.identify(text), null);
        } catch (IllegalArgumentException e) {
            return new Template(null, e.getMessage());
        }
    }

    private static ModelBundle openDirectory(ModelSource.Directory dir) {
        Tokenizer tokenizer = directoryTokenizer(dir);
        Template template = directoryTemplate(dir);
        NemotronHModel model = dir.load();
        try {
            return new ModelBundle(dir, dir.name(), model, tokenizer, template.template(), template.problem(),
                    stopTokens(dir.path(), model, tokenizer));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static ModelBundle openGguf(ModelSource.Gguf gguf) {
        NemotronHModel model = gguf.load();
        try {
            // the loaded checkpoint has parsed the header already: its metadata holds the tokenizer and template
            Map<String, Object> meta = model.tensors() instanceof GgufCheckpoint checkpoint ? checkpoint.file().metadata() : gguf.readMetadata();
            Tokenizer tokenizer = ggufTokenizer(gguf, meta);
            Template template = ggufTemplate(gguf, meta);
            Set<Integer> stops = new LinkedHashSet<>();
            for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id")) {
                if (meta.get(key) instanceof Number n) stops.add(n.intValue());
            }
            if (template.template() != null) addTurnEnd(stops, tokenizer);
            stops.removeIf(i -> i < 0 || i >= model.vocabSize());
            return new ModelBundle(gguf, ggufName(gguf, meta), model, tokenizer, template.template(), template.problem(), stops);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * A GGUF model's name: its {@code general.name}, else the file name without {@code .gguf} (a file name often says
     * only the quantization, e.g. {@code q8_0.gguf}).
     */
    static String ggufName(ModelSource.Gguf gguf, Map<String, Object> meta) {
        if (meta.get("general.name") instanceof String n && !n.isBlank()) return n.strip();
        return gguf.name();
    }

    /**
     * The chat format ends every turn with {@code <|im_end|>} (PROTOCOL.md §2); a GGUF file records only one eos id,
     * so the format's own terminator is looked up in the vocabulary.
     */
    private static void addTurnEnd(Set<Integer> stops, Tokenizer tokenizer) {
        tokenizer.tokenToId("<|im_end|>").ifPresent(stops::add);
    }

    private static Set<Integer> stopTokens(Path dir, NemotronHModel model, Tokenizer tokenizer) {
        Set<Integer> ids = new LinkedHashSet<>();
        JsonNode gen = readJson(dir.resolve("generation_config.json"));
        if (gen != null && gen.has("eos_token_id")) addIds(ids, gen.get("eos_token_id"));
        else ids.addAll(model.config().eosTokenIds());
        JsonNode tc = readJson(dir.resolve("tokenizer_config.json"));
        if (tc != null) {
            JsonNode eos = tc.get("eos_token");
            String text = eos == null ? null : eos.isTextual() ? eos.asText() : eos.path("content").asText(null);
            if (text != null) {
                OptionalInt id = tokenizer.tokenToId(text);
                if (id.isPresent()) ids.add(id.getAsInt());
            }
        }
        ids.removeIf(i -> i < 0 || i >= model.vocabSize());
        return ids;
    }

    private static void addIds(Set<Integer> out, JsonNode node) {
        if (node.isArray()) node.forEach(n -> out.add(n.asInt()));
        else if (node.isIntegralNumber()) out.add(node.asInt());
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(file + ": malformed JSON: " + e.getMessage(), e);
        }
    }

    private static List<Integer> ids(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }

    /**
     * The model's short name (the default served model name): the directory's name; for a GGUF file its
     * {@code general.name}, else the file's name without {@code .gguf}.
     */
    public String name() {
        return name;
    }

    public Path path() {
        return path;
    }

    /** Whether the model is one GGUF file (weights, tokenizer and template together), not a directory. */
    public boolean isGguf() {
        return source instanceof ModelSource.Gguf;
    }

    /** The model's parameter count. */
    public long parameterCount() {
        return model.parameterCount();
    }

    /** Number of token ids the weights have (may exceed the tokenizer's vocabulary). */
    public int vocabSize() {
        return model.vocabSize();
    }

    /** The context a served or chatting sequence gets unless told otherwise. */
    public int defaultContextLimit() {
        return model.defaultContextLimit();
    }

    /** The model's tokenizer. */
    public ModelTokenizer tokenizer() {
        return modelTokenizer;
    }

    /** The weights, for the runtime's scheduler. */
    NemotronHModel model() {
        return model;
    }

    /** The engine-side tokenizer, for the runtime's own text work. */
    Tokenizer rawTokenizer() {
        return tokenizer;
    }

    /** The chat format, if the directory's template is one we render. */
    public Optional<SupportedChatTemplate> chatTemplate() {
        return Optional.ofNullable(template);
    }

    /** Renders a chat request with the model's template. @throws UnsupportedChatTemplateException if unsupported */
    public String renderPrompt(ChatRequest request) {
        if (template == null) {
            throw new UnsupportedChatTemplateException(path + ": chat is not available: " + templateProblem);
        }
        return template.render(request);
    }

    /** Prompt text → ids, as chat prompts are tokenized (no special tokens added; PROTOCOL.md §1). */
    public int[] encodePrompt(String text) {
        return encode(text, false);
    }

    /** Text → ids; refuses ids the weights do not have ({@link MismatchedTokenizerException}). */
    public int[] encode(String text, boolean addSpecialTokens) {
        int[] ids = tokenizer.encode(text, addSpecialTokens);
        for (int id : ids) {
            if (id >= model.vocabSize()) {
                throw new MismatchedTokenizerException(path + ": the tokenizer encodes this text to token id " + id
                        + ", outside the model's vocabulary of " + model.vocabSize() + " ids: the tokenizer does not belong to these weights");
            }
        }
        return ids;
    }

    /** The tokenizer produced an id the weights do not have: a broken model directory, not a bad request. */
    public static final class MismatchedTokenizerException extends IllegalStateException {
        MismatchedTokenizerException(String message) {
            super(message);
        }
    }

    /** Every token's text as bytes, for grammar-constrained decoding (built on first use: one decode per id). */
    synchronized TokenTexts tokenTexts() {
        if (tokenTexts == null) tokenTexts = new TokenTexts(tokenizer, model.vocabSize());
        return tokenTexts;
    }

    /** Which ids decode to a line break, for the reasoning budget (each id decoded once, when first met). */
    synchronized LineBreakTokens lineBreakTokens() {
        if (lineBreakTokens == null) lineBreakTokens = new LineBreakTokens(tokenizer, model.vocabSize());
        return lineBreakTokens;
    }

    /** End-of-turn / end-of-sequence ids from the model's files. */
    public Set<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    /** Ids the reasoning-budget controller needs, resolved with this tokenizer. */
    public ThinkingControlTokens thinkingTokens() {
        return thinkingTokens;
    }

    @Override
    public void close() {
        model.close();
    }
}

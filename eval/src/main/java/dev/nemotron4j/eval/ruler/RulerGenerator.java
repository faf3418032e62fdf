package dev.nemotron4j.eval.ruler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.ruler.RulerSources.QaData;
import dev.nemotron4j.eval.ruler.RulerSources.Question;
import dev.nemotron4j.eval.ruler.RulerTask.Haystack;
import dev.nemotron4j.eval.ruler.RulerTask.NeedleType;
import dev.nemotron4j.eval.ruler.RulerTask.Niah;
import dev.nemotron4j.eval.target.TokenCounter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Generates RULER's 13 tasks in-process, as NVIDIA/RULER's {@code scripts/data/synthetic/*.py} build them: the same
 * templates, needles, haystacks, chains, word frequencies and document mixes, and the same length rule: the prompt
 * plus the task's {@code tokens_to_generate} is at most the length, the prompt measured by a {@link PromptLength}: the
 * whole request as the target's model reads it (chat template included), or RULER's input and answer prefix as the
 * target's tokenizer counts them. As in RULER, the haystack size (lines, words, documents) is found once per task and
 * length by a search on the first sample, and a sample that comes out too long steps down by RULER's increment.
 *
 * <p>Each item is a function of (seed, task, length, index) and of the sources: RULER's global random stream is
 * replaced by one stream per item, so items do not depend on which others were generated. Where RULER draws from word
 * lists it does not ship, {@link RulerWords} stands in; where it reads texts it does not ship, {@link RulerSources}.
 * Two small departures keep items unambiguous: needle keys of one item are distinct (RULER may repeat a key), and the
 * variable-tracking example is drawn afresh per item (RULER renames one example's variables).
 *
 * <p>Rows: {@code input} (what is sent), {@code answer_prefix} (RULER's, sent only when the task asks for it),
 * {@code outputs} (references), {@code target_tokens} (the length), {@code context_tokens} (the prompt, as
 * measured), {@code tokens_to_generate} and {@code length} (their sum, RULER's field).
 */
public final class RulerGenerator {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    /** RULER's insertion depths: {@code np.round(np.linspace(0, 100, 40))} (percent). */
    private static final int[] DEPTHS = new int[40];
    private static final double ZETA_2 = Math.PI * Math.PI / 6;
    private static final int VT_HOPS = 4, VT_EXAMPLE_TOKENS = 500, CWE_COMMON = 10, FWE_WORD_LENGTH = 6;
    private static final double FWE_ALPHA = 2.0;

    static {
        for (int i = 0; i < DEPTHS.length; i++) DEPTHS[i] = (int) Math.rint(i * 100.0 / 39);
    }

    /** A generated prompt: what is sent, RULER's answer prefix, the references. */
    record Prompt(String input, String answerPrefix, List<String> outputs) {
        /** The text whose length counts (RULER counts the answer prefix). */
        String counted() { return input + answerPrefix; }
    }

    /**
     * The tokens of a prompt as the target's model reads it: the text counter on input and answer prefix (RULER's
     * rule), or the whole request as it will be sent, chat template included ({@code TaskFactory} builds that one).
     */
    @FunctionalInterface
    public interface PromptLength {
        int tokens(String input, String answerPrefix);
    }

    private final TokenCounter counter;
    private final PromptLength promptLength;
    private final long seed;
    private final RulerSources sources;
    private final Map<String, Integer> fitted = new HashMap<>();
    private List<String> essay;
    private SplittableRandom proseRandom;
    private QaData squad, hotpotqa;
    private Integer vtExampleLines;

    public RulerGenerator(TokenCounter counter, long seed, RulerSources sources) {
        this(counter, (input, answerPrefix) -> counter.count(input + answerPrefix), seed, sources);
    }

    /**
     * @param counter counts texts (the variable-tracking example, which is sized alone)
     * @param length  counts whole prompts: what the length rule measures
     */
    public RulerGenerator(TokenCounter counter, PromptLength length, long seed, RulerSources sources) {
        this.counter = counter;
        this.promptLength = length;
        this.seed = seed;
        this.sources = sources;
    }

    public RulerGenerator(TokenCounter counter, long seed) {
        this(counter, seed, RulerSources.none());
    }

    /** The counted text of a row (input and answer prefix). */
    public static String promptOf(ObjectNode row) {
        return row.get("input").asText() + row.get("answer_prefix").asText();
    }

    /** Item {@code index} of {@code task} at {@code length} tokens. */
    public ObjectNode generate(RulerTask task, int length, int index) {
        int budget = length - task.tokensToGenerate();
        Sizing sizing = sizing(task, length);
        int units = fitted.computeIfAbsent(task.key() + "@" + length, k -> fit(task, length, budget, sizing, builder(task, length, 0), this::measure));
        IntFunction<Prompt> build = builder(task, length, index);
        Prompt prompt = build.apply(units);
        int tokens = measure(prompt);
        while (tokens > budget) {
            if (units - sizing.step < sizing.min) throw tooShort(task, length, tokens);
            units -= sizing.step;
            prompt = build.apply(units);
            tokens = measure(prompt);
        }
        ObjectNode row = JSON.objectNode();
        row.put("input", prompt.input());
        row.put("answer_prefix", prompt.answerPrefix());
        ArrayNode outputs = row.putArray("outputs");
        prompt.outputs().forEach(outputs::add);
        row.put("target_tokens", length);
        row.put("context_tokens", tokens);
        row.put("tokens_to_generate", task.tokensToGenerate());
        row.put("length", tokens + task.tokensToGenerate());
        return row;
    }

    private int measure(Prompt prompt) {
        return promptLength.tokens(prompt.input(), prompt.answerPrefix());
    }

    /** The smallest haystack a task can have, and RULER's step down when one sample comes out too long. */
    private record Sizing(int min, int step) {}

    private Sizing sizing(RulerTask task, int length) {
        int small = length < 4096 ? 5 : 25;
        return switch (task.kind()) {
            case NIAH -> task.niah().haystack() == Haystack.ESSAY ? new Sizing(1, 500)
                    : new Sizing(task.niah().keys() * task.niah().values(), small);
            case VARIABLE_TRACKING -> new Sizing(VT_HOPS + 1, length < 4096 ? 5 : 10);
            case COMMON_WORDS -> new Sizing(CWE_COMMON, 10);
            case FREQUENT_WORDS -> new Sizing(60, Math.max(1, (length - task.tokensToGenerate()) / 32));
            case QA -> new Sizing(Math.max(1, qa(task).questions().getFirst().documents().size()), 10);
        };
    }

    /**
     * The largest haystack size whose prompt fits: a few growing probes (the next one where the measured tokens per
     * unit say the budget ends), then bisection. About twenty whole-prompt counts, whatever the length.
     */
    private static int fit(RulerTask task, int length, int budget, Sizing sizing, IntFunction<Prompt> build,
                           java.util.function.ToIntFunction<Prompt> measure) {
        int lo = sizing.min;
        int loTokens = measure.applyAsInt(build.apply(lo));
        if (loTokens > budget) throw tooShort(task, length, loTokens);
        int hi = lo + 16;
        while (true) {
            int hiTokens = measure.applyAsInt(build.apply(hi));
            if (hiTokens > budget) break;
            double perUnit = Math.max(1e-3, (double) (hiTokens - loTokens) / (hi - lo));
            long guess = hi + (long) ((budget - hiTokens) / perUnit);
            lo = hi;
            loTokens = hiTokens;
            hi = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(hi + 1L, (long) (guess * 1.02) + 2));
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (measure.applyAsInt(build.apply(mid)) <= budget) lo = mid;
            else hi = mid;
        }
        return lo;
    }

    private static IllegalArgumentException tooShort(RulerTask task, int length, int tokens) {
        return new IllegalArgumentException("RULER " + task.key() + " @ " + length + ": the length is too short; the smallest prompt is "
                + tokens + " tokens and " + task.tokensToGenerate() + " more are reserved for the answer");
    }

    /** Builds item {@code index}'s prompt for a haystack size; the same size always gives the same prompt. */
    private IntFunction<Prompt> builder(RulerTask task, int length, int index) {
        long itemSeed = Long.parseUnsignedLong(Sha256.hex("ruler|" + seed + "|" + task.key() + "|" + length + "|" + index).substring(0, 15), 16);
        return units -> {
            SplittableRandom random = new SplittableRandom(itemSeed);
            return switch (task.kind()) {
                case NIAH -> niah(task.niah(), random, units);
                case VARIABLE_TRACKING -> variableTracking(random, units);
                case COMMON_WORDS -> commonWords(random, units, length);
                case FREQUENT_WORDS -> frequentWords(random, units, length - task.tokensToGenerate());
                case QA -> qa(qa(task), index, random, units);
            };
        };
    }

    // ---- needle in a haystack (niah.py)

    private Prompt niah(Niah spec, SplittableRandom random, int units) {
        List<String> keys = new ArrayList<>(distinct(spec.keys(), () -> needle(spec.keyType(), random), Set.of()));
        List<List<String>> values = new ArrayList<>();
        List<String> needles = new ArrayList<>();
        for (String key : keys) {
            List<String> v = new ArrayList<>();
            for (int i = 0; i < spec.values(); i++) {
                v.add(needle(spec.valueType(), random));
                needles.add(RulerTemplates.format(RulerTemplates.NEEDLE, "type_needle_v", spec.valueType().plural, "key", key, "value", v.getLast()));
            }
            values.add(v);
        }
        shuffle(needles, random);
        String context = switch (spec.haystack()) {
            case ESSAY -> essayWithInserts(needles, random, units);
            case NOISE, NEEDLE -> {
                List<String> lines = new ArrayList<>(units);
                Set<String> taken = new HashSet<>(keys);
                for (int i = 0; i < units; i++) {
                    lines.add(spec.haystack() == Haystack.NOISE ? RulerTemplates.NOISE
                            : RulerTemplates.format(RulerTemplates.NEEDLE, "type_needle_v", spec.valueType().plural,
                            "key", distinct(1, () -> needle(spec.keyType(), random), taken).getFirst(), "value", needle(spec.valueType(), random)));
                }
                List<Integer> at = sample(units, needles.size(), random);
                at.sort(Collections.reverseOrder());
                for (int i = 0; i < at.size(); i++) lines.add(at.get(i), needles.get(i));
                yield String.join("\n", lines);
            }
        };
        List<Integer> asked = sample(spec.keys(), spec.queries(), random);
        List<String> queries = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (int i : asked) {
            queries.add(keys.get(i));
            answers.addAll(values.get(i));
        }
        String query = queries.size() == 1 ? queries.getFirst()
                : String.join(", ", queries.subList(0, queries.size() - 1)) + ", and " + queries.getLast();
        String template = RulerTemplates.NIAH, prefix = RulerTemplates.NIAH_PREFIX, type = spec.valueType().plural;
        if (spec.queries() * spec.values() == 1) {
            template = RulerTemplates.singular(template);
            prefix = RulerTemplates.singular(prefix);
            type = type.substring(0, type.length() - 1);
        }
        return new Prompt(RulerTemplates.format(template, "type_needle_v", type, "query", query, "context", context),
                RulerTemplates.format(prefix, "type_needle_v", type, "query", query), answers);
    }

    private static String needle(NeedleType type, SplittableRandom random) {
        return switch (type) {
            case WORDS -> RulerWords.adjectiveNoun(random);
            case NUMBERS -> String.valueOf(1_000_000 + random.nextInt(9_000_000));
            case UUIDS -> {
                long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
                long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
                yield new UUID(msb, lsb).toString();
            }
        };
    }

    /** The first {@code units} words of the essay, split into sentences, the inserts placed at sampled depths. */
    private String essayWithInserts(List<String> inserts, SplittableRandom random, int units) {
        List<String> sentences = List.of(SENTENCE_END.split(String.join(" ", essayWords(units)).strip()));
        List<Integer> positions = new ArrayList<>();
        for (int d : sample(DEPTHS.length, inserts.size(), random)) positions.add((int) (sentences.size() * (DEPTHS[d] / 100.0)));
        Collections.sort(positions);
        positions.addFirst(0);
        positions.add(sentences.size());
        List<String> parts = new ArrayList<>();
        for (int i = 1; i < positions.size(); i++) {
            parts.add(String.join(" ", sentences.subList(positions.get(i - 1), positions.get(i))));
            if (i - 1 < inserts.size()) parts.add(inserts.get(i - 1));
        }
        return String.join(" ", parts);
    }

    /** The first {@code n} essay words (an essay file repeats when shorter, as RULER does). */
    private List<String> essayWords(int n) {
        if (sources.essayFile() != null) {
            if (essay == null) essay = RulerSources.essayWords(sources.essayFile());
            if (n <= essay.size()) return essay.subList(0, n);
            List<String> out = new ArrayList<>(n);
            while (out.size() < n) out.addAll(essay.subList(0, Math.min(essay.size(), n - out.size())));
            return out;
        }
        if (essay == null) {
            essay = new ArrayList<>();
            proseRandom = new SplittableRandom(Long.parseUnsignedLong(Sha256.hex("ruler-essay|" + seed).substring(0, 15), 16));
        }
        RulerSources.extendProse(essay, proseRandom, n);
        return essay.subList(0, n);
    }

    // ---- variable tracking (variable_tracking.py): one in-context example, then the question

    private Prompt variableTracking(SplittableRandom random, int lines) {
        if (vtExampleLines == null) {
            Sizing small = new Sizing(VT_HOPS + 1, 5);
            long exampleSeed = Long.parseUnsignedLong(Sha256.hex("ruler-vt-example|" + seed).substring(0, 15), 16);
            vtExampleLines = fit(RulerTask.VT, VT_EXAMPLE_TOKENS, VT_EXAMPLE_TOKENS, small,
                    n -> chain(new SplittableRandom(exampleSeed), n, true), p -> counter.count(p.counted()));
        }
        Prompt example = chain(random, vtExampleLines, true);
        String shot = example.counted() + " " + String.join(" ", example.outputs()) + "\n";
        Prompt question = chain(random, lines, false);
        return new Prompt(shot + "\n" + question.input(), question.answerPrefix(), question.outputs());
    }

    /** A chain of {@value #VT_HOPS} hops spread over noise lines; the example's names have 3 letters, the question's 5. */
    private static Prompt chain(SplittableRandom random, int lines, boolean example) {
        List<String> names = new ArrayList<>(distinct(VT_HOPS + 1, () -> RulerWords.upper(random, example ? 3 : 5), Set.of()));
        String value = String.valueOf(10_000 + random.nextInt(89_999));
        List<String> chain = new ArrayList<>();
        chain.add("VAR " + names.getFirst() + " = " + value);
        for (int j = 0; j < VT_HOPS; j++) chain.add("VAR " + names.get(j + 1) + " = VAR " + names.get(j) + " ");
        List<String> text = new ArrayList<>(Collections.nCopies(lines, RulerTemplates.NOISE));
        List<Integer> at = sample(lines, chain.size(), random);
        Collections.sort(at);
        for (int j = 0; j < chain.size(); j++) text.add(at.get(j) + j, chain.get(j));
        String context = String.join("\n", text).replace(". \n", ".\n");
        String hops = String.valueOf(VT_HOPS + 1);
        return new Prompt(RulerTemplates.format(RulerTemplates.VT, "query", value, "num_v", hops, "context", context),
                RulerTemplates.format(RulerTemplates.VT_PREFIX, "num_v", hops, "query", value), names);
    }

    // ---- common words extraction (common_words_extraction.py)

    private static Prompt commonWords(SplittableRandom random, int words, int length) {
        boolean small = length < 4096;
        Prompt example = wordList(random, small ? 20 : 40, small ? 3 : 10, small ? 1 : 3);
        Prompt question = wordList(random, words, small ? 6 : 30, small ? 1 : 3);
        String shot = example.input() + example.answerPrefix() + " " + numbered(example.outputs());
        return new Prompt(shot + "\n" + question.input(), question.answerPrefix(), question.outputs());
    }

    private static Prompt wordList(SplittableRandom random, int words, int commonRepeats, int uncommonRepeats) {
        List<String> vocabulary = new ArrayList<>(distinct(words, () -> RulerWords.madeUp(random.nextInt(RulerWords.madeUpCount())), Set.of()));
        List<String> common = vocabulary.subList(0, Math.min(CWE_COMMON, words));
        List<String> list = new ArrayList<>();
        for (int r = 0; r < commonRepeats; r++) list.addAll(common);
        for (int r = 0; r < uncommonRepeats; r++) list.addAll(vocabulary.subList(common.size(), words));
        shuffle(list, random);
        return new Prompt(RulerTemplates.format(RulerTemplates.CWE, "context", numbered(list)), RulerTemplates.CWE_PREFIX, List.copyOf(common));
    }

    private static String numbered(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.size(); i++) sb.append(i > 0 ? " " : "").append(i + 1).append(". ").append(words.get(i));
        return sb.toString();
    }

    // ---- frequent words extraction (freq_words_extraction.py)

    private static Prompt frequentWords(SplittableRandom random, int words, int inputBudget) {
        int vocabularySize = inputBudget / 50;
        if (vocabularySize < 4) throw new IllegalArgumentException("RULER fwe needs a length of at least " + (4 * 50 + 50) + " tokens");
        List<String> vocabulary = new ArrayList<>(distinct(vocabularySize, () -> RulerWords.coded(random, FWE_WORD_LENGTH), Set.of()));
        Collections.sort(vocabulary);
        shuffle(vocabulary, random);
        vocabulary.set(0, "...");   // the most frequent "word" is noise
        List<String> text = new ArrayList<>();
        for (int k = 1; k <= vocabulary.size(); k++) {
            int count = (int) (words * Math.pow(k, -FWE_ALPHA) / ZETA_2);
            for (int c = 0; c < count; c++) text.add(vocabulary.get(k - 1));
        }
        shuffle(text, random);
        return new Prompt(RulerTemplates.format(RulerTemplates.FWE, "context", String.join(" ", text)), RulerTemplates.FWE_PREFIX,
                List.copyOf(vocabulary.subList(1, 4)));
    }

    // ---- QA (qa.py): the question's own documents among others

    private QaData qa(RulerTask task) {
        if (task == RulerTask.QA_1) {
            if (squad == null) squad = RulerSources.squad(sources.squadFile());
            return squad;
        }
        if (hotpotqa == null) hotpotqa = RulerSources.hotpotqa(sources.hotpotqaFile());
        return hotpotqa;
    }

    /** The sha256 of the QA file a task reads, or null (recorded so a run names its data). */
    public String qaSha256(RulerTask task) {
        return task.kind() == RulerTask.Kind.QA ? qa(task).sha256() : null;
    }

    private static Prompt qa(QaData data, int index, SplittableRandom random, int documents) {
        if (index >= data.questions().size()) {
            throw new IllegalArgumentException("RULER QA: sample " + index + " asked, but the dataset has " + data.questions().size() + " questions");
        }
        Question q = data.questions().get(index);
        List<Integer> chosen = new ArrayList<>(q.documents());
        int total = data.documents().size();
        if (documents < total) {
            int others = documents - q.documents().size();
            if (others > q.sameArticle().size()) {
                Set<Integer> used = new HashSet<>(q.documents());
                used.addAll(q.sameArticle());
                List<Integer> rest = new ArrayList<>();
                for (int i = 0; i < total; i++) if (!used.contains(i)) rest.add(i);
                chosen.addAll(q.sameArticle());
                for (int i : sample(rest.size(), Math.max(0, others - q.sameArticle().size()), random)) chosen.add(rest.get(i));
            } else {
                for (int i : sample(q.sameArticle().size(), Math.max(0, others), random)) chosen.add(q.sameArticle().get(i));
            }
        } else {
            chosen.clear();
            for (int i = 0; i < documents; i++) chosen.add(i % total);
        }
        shuffle(chosen, random);
        StringBuilder context = new StringBuilder();
        for (int i = 0; i < chosen.size(); i++) {
            if (i > 0) context.append("\n\n");
            context.append(RulerTemplates.format(RulerTemplates.QA_DOCUMENT, "i", String.valueOf(i + 1), "document", data.documents().get(chosen.get(i))));
        }
        return new Prompt(RulerTemplates.format(RulerTemplates.QA, "query", q.query(), "context", context.toString()),
                RulerTemplates.QA_PREFIX, q.answers());
    }

    // ---- seeded helpers

    /** {@code k} distinct indices of [0, n) in random order (Python's {@code random.sample(range(n), k)}). */
    private static List<Integer> sample(int n, int k, SplittableRandom random) {
        if (k > n) throw new IllegalArgumentException("cannot sample " + k + " of " + n);
        Map<Integer, Integer> swapped = new HashMap<>();   // a partial Fisher-Yates over [0, n) without the array
        List<Integer> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int vj = swapped.getOrDefault(j, j), vi = swapped.getOrDefault(i, i);
            swapped.put(j, vi);
            out.add(vj);
        }
        return out;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) Collections.swap(list, i, random.nextInt(i + 1));
    }

    /** {@code n} distinct values of {@code next}, none in {@code excluded}, in drawing order. */
    private static java.util.SequencedSet<String> distinct(int n, java.util.function.Supplier<String> next, Set<String> excluded) {
        java.util.SequencedSet<String> out = new LinkedHashSet<>();
        for (int guard = 0; out.size() < n; guard++) {
            if (guard > 100 * n + 1000) throw new IllegalStateException("cannot draw " + n + " distinct values");
            String v = next.get();
            if (!excluded.contains(v)) out.add(v);
        }
        return out;
    }
}

package dev.nemotron4j.eval.ruler;

import java.util.ArrayList;
import java.util.List;

/**
 * RULER's 13 tasks as NVIDIA/RULER defines them ({@code scripts/synthetic.yaml}): eight needle-in-a-haystack
 * variants, variable tracking, common and frequent words extraction, and two QA tasks. Each task names its kind, the
 * tokens RULER reserves for the answer ({@code tokens_to_generate}, part of the length budget) and its metric.
 */
public enum RulerTask {
    NIAH_SINGLE_1("niah_single_1", new Niah(Haystack.NOISE, NeedleType.WORDS, NeedleType.NUMBERS, 1, 1, 1)),
    NIAH_SINGLE_2("niah_single_2", new Niah(Haystack.ESSAY, NeedleType.WORDS, NeedleType.NUMBERS, 1, 1, 1)),
    NIAH_SINGLE_3("niah_single_3", new Niah(Haystack.ESSAY, NeedleType.WORDS, NeedleType.UUIDS, 1, 1, 1)),
    NIAH_MULTIKEY_1("niah_multikey_1", new Niah(Haystack.ESSAY, NeedleType.WORDS, NeedleType.NUMBERS, 4, 1, 1)),
    NIAH_MULTIKEY_2("niah_multikey_2", new Niah(Haystack.NEEDLE, NeedleType.WORDS, NeedleType.NUMBERS, 1, 1, 1)),
    NIAH_MULTIKEY_3("niah_multikey_3", new Niah(Haystack.NEEDLE, NeedleType.UUIDS, NeedleType.UUIDS, 1, 1, 1)),
    NIAH_MULTIVALUE("niah_multivalue", new Niah(Haystack.ESSAY, NeedleType.WORDS, NeedleType.NUMBERS, 1, 4, 1)),
    NIAH_MULTIQUERY("niah_multiquery", new Niah(Haystack.ESSAY, NeedleType.WORDS, NeedleType.NUMBERS, 1, 1, 4)),
    /** One chain of four hops in the noise haystack, after one in-context example. */
    VT("vt", Kind.VARIABLE_TRACKING),
    /** Ten words 30 times each among others 3 times each (6 and 1 below 4096 tokens), after one example. */
    CWE("cwe", Kind.COMMON_WORDS),
    /** Coded words drawn from a zeta distribution (alpha 2); the three most frequent after the noise word. */
    FWE("fwe", Kind.FREQUENT_WORDS),
    /** SQuAD v2 (answerable questions) among distractor paragraphs. */
    QA_1("qa_1", Kind.QA),
    /** HotpotQA (distractor setting) among distractor paragraphs. */
    QA_2("qa_2", Kind.QA);

    /** What a task generates. */
    public enum Kind {
        NIAH(128), VARIABLE_TRACKING(30), COMMON_WORDS(120), FREQUENT_WORDS(50), QA(32);

        /** RULER's {@code tokens_to_generate}: reserved for the answer within the length. */
        final int tokensToGenerate;

        Kind(int tokensToGenerate) { this.tokensToGenerate = tokensToGenerate; }
    }

    /** What fills a needle-in-a-haystack context. */
    public enum Haystack {
        /** RULER's repeated five-sentence noise, one copy per line. */
        NOISE,
        /** Running prose (RULER: Paul Graham's essays) split into sentences, needles at sampled depths. */
        ESSAY,
        /** Lines that are needles themselves, with other keys (distractors). */
        NEEDLE
    }

    /** What keys and values of needles are. */
    public enum NeedleType {
        /** "adjective-noun" words. */
        WORDS("words"),
        /** Seven-digit numbers. */
        NUMBERS("numbers"),
        /** Version-4 UUIDs. */
        UUIDS("uuids");

        /** The plural RULER writes into the needle and the template. */
        final String plural;

        NeedleType(String plural) { this.plural = plural; }
    }

    /**
     * A needle-in-a-haystack task's configuration.
     *
     * @param keys    needles' keys ({@code num_needle_k}; at least {@code queries})
     * @param values  values per key ({@code num_needle_v})
     * @param queries keys asked for ({@code num_needle_q})
     */
    public record Niah(Haystack haystack, NeedleType keyType, NeedleType valueType, int keys, int values, int queries) {
        public Niah {
            keys = Math.max(keys, queries);
        }
    }

    private final String key;
    private final Kind kind;
    private final Niah niah;

    RulerTask(String key, Niah niah) {
        this.key = key;
        this.kind = Kind.NIAH;
        this.niah = niah;
    }

    RulerTask(String key, Kind kind) {
        this.key = key;
        this.kind = kind;
        this.niah = null;
    }

    /** RULER's name for the task ({@code niah_single_1}, {@code vt}, ...). */
    public String key() { return key; }

    public Kind kind() { return kind; }

    /** The needle configuration of a NIAH task, else null. */
    public Niah niah() { return niah; }

    public int tokensToGenerate() { return kind.tokensToGenerate; }

    /**
     * The scorer RULER uses: {@code string_match_part} for QA (any reference in the answer), {@code string_match_all}
     * for the rest (the share of references in the answer); both ignore case.
     */
    public String scorer() { return kind == Kind.QA ? "contains_any" : "contains_all"; }

    /** The task whose key is {@code key}; the error lists the 13 names. */
    public static RulerTask of(String key) {
        for (RulerTask t : values()) if (t.key.equals(key)) return t;
        throw new IllegalArgumentException("unknown RULER task '" + key + "' (RULER's 13: " + String.join(", ", keys()) + ")");
    }

    public static List<String> keys() {
        List<String> all = new ArrayList<>();
        for (RulerTask t : values()) all.add(t.key);
        return all;
    }
}

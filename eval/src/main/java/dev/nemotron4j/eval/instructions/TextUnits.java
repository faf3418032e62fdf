package dev.nemotron4j.eval.instructions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words and sentences as the IFEval checkers count them.
 * <ul>
 *   <li>{@link #countWords}: {@code \w+} runs (NLTK's {@code RegexpTokenizer(r"\w+")}), exactly.</li>
 *   <li>{@link #splitIntoSentences}: IFEval's own rule-based splitter ({@code instructions_util.split_into_sentences}),
 *       rule for rule.</li>
 *   <li>{@link #countSentences}: IFEval uses NLTK's trained Punkt model, which has no Java counterpart; this is a
 *       Punkt-style rule set (breaks after {@code . ? !} plus closing quotes/brackets before whitespace, not after known
 *       abbreviations, initials, or an ellipsis followed by a lowercase word). It agrees with Punkt on ordinary prose;
 *       rare abbreviations can differ.</li>
 *   <li>{@link #wordTokenize}: the Treebank conventions of NLTK's {@code word_tokenize} that matter to the checkers
 *       (punctuation and brackets split off, contractions split: {@code IT'S} is {@code IT} + {@code 'S}).</li>
 * </ul>
 */
public final class TextUnits {
    private TextUnits() {}

    private static final Pattern WORD = PyText.regex("\\w+", 0);

    public static int countWords(String text) {
        return PyText.countMatches(WORD, text);
    }

    public static List<String> wordsOf(String text) {
        return PyText.findAll(WORD, text);
    }

    // split_into_sentences, rule for rule
    private static final String ALPHABETS = "([A-Za-z])";
    private static final String PREFIXES = "(Mr|St|Mrs|Ms|Dr)[.]";
    private static final String SUFFIXES = "(Inc|Ltd|Jr|Sr|Co)";
    private static final String STARTERS =
            "(Mr|Mrs|Ms|Dr|Prof|Capt|Cpt|Lt|He\\s|She\\s|It\\s|They\\s|Their\\s|Our\\s|We\\s|But\\s|However\\s|That\\s|This\\s|Wherever)";
    private static final String ACRONYMS = "([A-Z][.][A-Z][.](?:[A-Z][.])?)";
    private static final String WEBSITES = "[.](com|net|org|io|gov|edu|me)";
    private static final String DIGITS = "([0-9])";

    private static String sub(String pattern, String replacement, String text) {
        return PyText.regex(pattern, 0).matcher(text).replaceAll(replacement);
    }

    /** IFEval's {@code split_into_sentences}. */
    public static List<String> splitIntoSentences(String input) {
        String text = " " + input + "  ";
        text = text.replace("\n", " ");
        text = sub(PREFIXES, "$1<prd>", text);
        text = sub(WEBSITES, "<prd>$1", text);
        text = sub(DIGITS + "[.]" + DIGITS, "$1<prd>$2", text);
        Matcher dots = PyText.regex("\\.{2,}", 0).matcher(text);
        StringBuilder sb = new StringBuilder();
        while (dots.find()) dots.appendReplacement(sb, Matcher.quoteReplacement("<prd>".repeat(dots.group().length()) + "<stop>"));
        dots.appendTail(sb);
        text = sb.toString();
        if (text.contains("Ph.D")) text = text.replace("Ph.D.", "Ph<prd>D<prd>");
        text = sub("\\s" + ALPHABETS + "[.] ", " $1<prd> ", text);
        text = sub(ACRONYMS + " " + STARTERS, "$1<stop> $2", text);
        text = sub(ALPHABETS + "[.]" + ALPHABETS + "[.]" + ALPHABETS + "[.]", "$1<prd>$2<prd>$3<prd>", text);
        text = sub(ALPHABETS + "[.]" + ALPHABETS + "[.]", "$1<prd>$2<prd>", text);
        text = sub(" " + SUFFIXES + "[.] " + STARTERS, " $1<stop> $2", text);
        text = sub(" " + SUFFIXES + "[.]", " $1<prd>", text);
        text = sub(" " + ALPHABETS + "[.]", " $1<prd>", text);
        if (text.contains("\u201d")) text = text.replace(".\u201d", "\u201d.");
        if (text.contains("\"")) text = text.replace(".\"", "\".");
        if (text.contains("!")) text = text.replace("!\"", "\"!");
        if (text.contains("?")) text = text.replace("?\"", "\"?");
        text = text.replace(".", ".<stop>").replace("?", "?<stop>").replace("!", "!<stop>").replace("<prd>", ".");
        List<String> sentences = new ArrayList<>();
        for (String s : PyText.split(text, "<stop>")) sentences.add(s.strip());
        if (!sentences.isEmpty() && sentences.getLast().isEmpty()) sentences.removeLast();
        return sentences;
    }

    /** Abbreviations after which a period does not end a sentence (the common ones of Punkt's English model). */
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd",
            "co", "corp", "vs", "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "jan", "feb", "apr", "aug", "sep", "sept", "oct",
            "nov", "dec", "no", "fig", "gen", "gov", "sen", "rep", "lt", "col", "sgt", "capt", "mt", "ft", "approx", "dept",
            "est", "vol", "ph.d", "u.s.a", "cf", "al");

    private static final Pattern SENTENCE_END = PyText.regex("(\\S*?)([.?!]+)([\"'\u201d\u2019)\\]}*]*)(?=\\s+(\\S)|$)", 0);

    /** Sentences in the Punkt manner (see the class comment). */
    public static int countSentences(String text) {
        return punktSentences(text).size();
    }

    /** The sentences NLTK's {@code sent_tokenize} would return, by the Punkt-style rules of the class comment. */
    public static List<String> punktSentences(String text) {
        List<String> out = new ArrayList<>();
        if (text.isBlank()) return out;
        int from = 0;
        Matcher m = SENTENCE_END.matcher(text);
        while (m.find()) {
            if (m.group(4) == null) continue;   // at the end of the text: closes the last sentence
            String word = PyText.lower(PyText.lstrip(m.group(1), "\"'(\u201c\u2018[{*"));
            String marks = m.group(2);
            char next = m.group(4).charAt(0);
            if (marks.equals(".")) {
                if (ABBREVIATIONS.contains(word)) continue;
                if (word.length() == 1 && Character.isLetter(word.charAt(0))) continue;   // an initial
                if (word.contains(".") && INTERNAL_PERIODS.matcher(word).matches()) continue;   // e.g, u.s.a
                if (!word.isEmpty() && word.chars().allMatch(Character::isDigit) && Character.isLowerCase(next)) continue;   // ordinal
            } else if (marks.startsWith("..") && Character.isLowerCase(next)) {
                continue;   // an ellipsis inside a sentence
            }
            String sentence = text.substring(from, m.end()).strip();
            if (!sentence.isEmpty()) out.add(sentence);
            from = m.end();
        }
        String last = text.substring(from).strip();
        if (!last.isEmpty()) out.add(last);
        return out;
    }

    private static final Pattern INTERNAL_PERIODS = PyText.regex("(\\w\\.)+\\w", 0);

    private static final Pattern SPLIT_OFF = PyText.regex("([;@#$%&?!\\[\\](){}<>\"\u201c\u201d]|\\.\\.\\.|,(?!\\d)|:(?!\\d))", 0);
    private static final Pattern CONTRACTION = PyText.regex("(?i)(\\w)(['\u2019](?:s|m|d|ll|re|ve)|n['\u2019]t)(?=\\s|$|[^\\w])", 0);
    private static final Pattern FINAL_PERIOD = PyText.regex("(\\w)\\.(\\s|$)", 0);

    /** Treebank-style tokens (see the class comment). */
    public static List<String> wordTokenize(String text) {
        String t = SPLIT_OFF.matcher(text).replaceAll(" $1 ");
        t = CONTRACTION.matcher(t).replaceAll("$1 $2");
        t = FINAL_PERIOD.matcher(t).replaceAll("$1 .$2");
        return PyText.words(t);
    }
}

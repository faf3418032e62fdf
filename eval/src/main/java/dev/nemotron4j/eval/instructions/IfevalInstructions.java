package dev.nemotron4j.eval.instructions;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nemotron4j.eval.instructions.InstructionArgs.Relation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The 25 instructions of IFEval's registry ({@code instructions_registry.INSTRUCTION_DICT} of google-research's
 * {@code instruction_following_eval}), each checked as its {@code check_following} defines: same regular expressions,
 * same counting, same strip/lower steps. Where the original leans on a library, see {@link TextUnits} (NLTK) and
 * {@link LanguageIdentifier} (langdetect).
 */
public final class IfevalInstructions {
    private IfevalInstructions() {}

    /** Instruction id to a factory binding its arguments. */
    public static final Map<String, Function<InstructionArgs, InstructionCheck>> REGISTRY = registry();

    private static Map<String, Function<InstructionArgs, InstructionCheck>> registry() {
        Map<String, Function<InstructionArgs, InstructionCheck>> r = new LinkedHashMap<>();
        r.put("keywords:existence", IfevalInstructions::keywordsExist);
        r.put("keywords:frequency", IfevalInstructions::keywordFrequency);
        r.put("keywords:forbidden_words", IfevalInstructions::forbiddenWords);
        r.put("keywords:letter_frequency", IfevalInstructions::letterFrequency);
        r.put("language:response_language", IfevalInstructions::responseLanguage);
        r.put("length_constraints:number_sentences", IfevalInstructions::numberOfSentences);
        r.put("length_constraints:number_paragraphs", IfevalInstructions::numberOfParagraphs);
        r.put("length_constraints:number_words", IfevalInstructions::numberOfWords);
        r.put("length_constraints:nth_paragraph_first_word", IfevalInstructions::nthParagraphFirstWord);
        r.put("detectable_content:number_placeholders", IfevalInstructions::placeholders);
        r.put("detectable_content:postscript", IfevalInstructions::postscript);
        r.put("detectable_format:number_bullet_lists", IfevalInstructions::bulletLists);
        r.put("detectable_format:constrained_response", a -> IfevalInstructions::constrainedResponse);
        r.put("detectable_format:number_highlighted_sections", IfevalInstructions::highlightedSections);
        r.put("detectable_format:multiple_sections", IfevalInstructions::multipleSections);
        r.put("detectable_format:json_format", a -> IfevalInstructions::jsonFormat);
        r.put("detectable_format:title", a -> IfevalInstructions::title);
        r.put("combination:two_responses", a -> IfevalInstructions::twoResponses);
        r.put("combination:repeat_prompt", IfevalInstructions::repeatPrompt);
        r.put("startend:end_checker", IfevalInstructions::endChecker);
        r.put("change_case:capital_word_frequency", IfevalInstructions::capitalWordFrequency);
        r.put("change_case:english_capital", a -> v -> PyText.isUpper(v) && LanguageIdentifier.detect(v).map("en"::equals).orElse(true));
        r.put("change_case:english_lowercase", a -> v -> PyText.isLower(v) && LanguageIdentifier.detect(v).map("en"::equals).orElse(true));
        r.put("punctuation:no_comma", a -> v -> v.indexOf(',') < 0);
        r.put("startend:quotation", a -> IfevalInstructions::quotation);
        return Map.copyOf(r);
    }

    static InstructionCheck keywordsExist(InstructionArgs a) {
        List<Pattern> keywords = a.texts("keywords").stream().sorted()
                .map(k -> PyText.userRegex(k, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)).toList();
        return v -> keywords.stream().allMatch(k -> k.matcher(v).find());
    }

    static InstructionCheck keywordFrequency(InstructionArgs a) {
        Pattern keyword = PyText.userRegex(a.text("keyword").strip(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        int frequency = a.integer("frequency");
        Relation relation = a.relation("relation");
        return v -> relation.holds(PyText.countMatches(keyword, v), frequency);
    }

    static InstructionCheck forbiddenWords(InstructionArgs a) {
        List<Pattern> words = a.texts("forbidden_words").stream().distinct().sorted()
                .map(w -> PyText.userRegex("\\b" + w + "\\b", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)).toList();
        return v -> words.stream().noneMatch(w -> w.matcher(v).find());
    }

    static InstructionCheck letterFrequency(InstructionArgs a) {
        String letter = a.text("letter").strip();
        if (letter.codePointCount(0, letter.length()) != 1) {
            throw new IllegalArgumentException("instruction " + a.instructionId() + ": letter must be one character, not '" + letter + "'");
        }
        int wanted = PyText.lower(letter).codePointAt(0);
        int frequency = a.integer("let_frequency");
        Relation relation = a.relation("let_relation");
        return v -> relation.holds(PyText.lower(v).codePoints().filter(c -> c == wanted).count(), frequency);
    }

    static InstructionCheck responseLanguage(InstructionArgs a) {
        String language = a.text("language");
        return v -> LanguageIdentifier.detect(v).map(language::equals).orElse(true);
    }

    static InstructionCheck numberOfSentences(InstructionArgs a) {
        int threshold = a.integer("num_sentences");
        Relation relation = a.relation("relation");
        return v -> relation.holds(TextUnits.countSentences(v), threshold);
    }

    private static final Pattern PARAGRAPH_DIVIDER = PyText.regex("\\s?\\*\\*\\*\\s?", 0);

    static InstructionCheck numberOfParagraphs(InstructionArgs a) {
        int wanted = a.integer("num_paragraphs");
        return v -> {
            List<String> paragraphs = PyText.split(PARAGRAPH_DIVIDER, v);
            int count = paragraphs.size();
            for (int i = 0; i < paragraphs.size(); i++) {
                if (!paragraphs.get(i).isBlank()) continue;
                if (i == 0 || i == paragraphs.size() - 1) count--;
                else return false;   // an empty paragraph between dividers
            }
            return count == wanted;
        };
    }

    static InstructionCheck numberOfWords(InstructionArgs a) {
        int threshold = a.integer("num_words");
        Relation relation = a.relation("relation");
        return v -> relation.holds(TextUnits.countWords(v), threshold);
    }

    private static final Pattern BLANK_LINE = PyText.regex("\\n\\n", 0);

    static InstructionCheck nthParagraphFirstWord(InstructionArgs a) {
        int wanted = a.integer("num_paragraphs");
        int nth = a.integer("nth_paragraph");
        String firstWord = PyText.lower(a.text("first_word"));
        return v -> {
            List<String> paragraphs = PyText.split(BLANK_LINE, v);
            int count = paragraphs.size();
            for (String p : paragraphs) if (p.isBlank()) count--;
            if (nth > count || nth < 1) return false;
            String paragraph = paragraphs.get(nth - 1).strip();   // by position among all pieces, as IFEval indexes
            if (paragraph.isEmpty()) return false;
            String word = PyText.lstrip(PyText.lstrip(PyText.words(paragraph).getFirst().strip(), "'"), "\"");
            StringBuilder first = new StringBuilder();
            for (int i = 0; i < word.length(); i++) {
                if (".,?!'\"".indexOf(word.charAt(i)) >= 0) break;
                first.append(word.charAt(i));
            }
            return count == wanted && PyText.lower(first.toString()).equals(firstWord);
        };
    }

    private static final Pattern PLACEHOLDER = PyText.regex("\\[.*?\\]", 0);

    static InstructionCheck placeholders(InstructionArgs a) {
        int wanted = a.integer("num_placeholders");
        return v -> PyText.countMatches(PLACEHOLDER, v) >= wanted;
    }

    static InstructionCheck postscript(InstructionArgs a) {
        String marker = a.text("postscript_marker").strip();
        Pattern pattern = switch (marker) {
            case "P.P.S" -> PyText.regex("\\s*p\\.\\s?p\\.\\s?s.*$", Pattern.MULTILINE);
            case "P.S." -> PyText.regex("\\s*p\\.\\s?s\\..*$", Pattern.MULTILINE);
            default -> PyText.userRegex("\\s*" + PyText.lower(marker) + ".*$", Pattern.MULTILINE);
        };
        return v -> pattern.matcher(PyText.lower(v)).find();
    }

    private static final Pattern STAR_BULLET = PyText.regex("^\\s*\\*[^\\*].*$", Pattern.MULTILINE);
    private static final Pattern DASH_BULLET = PyText.regex("^\\s*-.*$", Pattern.MULTILINE);

    static InstructionCheck bulletLists(InstructionArgs a) {
        int wanted = a.integer("num_bullets");
        return v -> PyText.countMatches(STAR_BULLET, v) + PyText.countMatches(DASH_BULLET, v) == wanted;
    }

    private static final List<String> CONSTRAINED_RESPONSES = List.of("My answer is yes.", "My answer is no.", "My answer is maybe.");

    static boolean constrainedResponse(String v) {
        String s = v.strip();
        return CONSTRAINED_RESPONSES.stream().anyMatch(s::contains);
    }

    private static final Pattern HIGHLIGHT = PyText.regex("\\*[^\\n\\*]*\\*", 0);
    private static final Pattern DOUBLE_HIGHLIGHT = PyText.regex("\\*\\*[^\\n\\*]*\\*\\*", 0);

    static InstructionCheck highlightedSections(InstructionArgs a) {
        int wanted = a.integer("num_highlights");
        return v -> {
            int count = 0;
            for (String h : PyText.findAll(HIGHLIGHT, v)) if (!PyText.strip(h, "*").isBlank()) count++;
            for (String h : PyText.findAll(DOUBLE_HIGHLIGHT, v)) if (!h.substring(2, h.length() - 2).isBlank()) count++;
            return count >= wanted;
        };
    }

    static InstructionCheck multipleSections(InstructionArgs a) {
        String splitter = a.text("section_spliter").strip();
        int wanted = a.integer("num_sections");
        Pattern pattern = PyText.userRegex("\\s?" + splitter + "\\s?\\d+\\s?", 0);
        return v -> PyText.split(pattern, v).size() - 1 >= wanted;
    }

    /** Python's {@code json.loads}: any JSON value, NaN and Infinity allowed, nothing after it. */
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static boolean jsonFormat(String v) {
        String s = v.strip();
        for (String prefix : List.of("```json", "```Json", "```JSON", "```")) {   // chained removeprefix calls
            if (s.startsWith(prefix)) s = s.substring(prefix.length());
        }
        if (s.endsWith("```")) s = s.substring(0, s.length() - 3);
        s = s.strip();
        if (s.isEmpty()) return false;
        try {
            STRICT_JSON.readTree(s);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static final Pattern TITLE = PyText.regex("<<[^\\n]+>>", 0);

    static boolean title(String v) {
        for (String t : PyText.findAll(TITLE, v)) {
            String inner = t.replaceAll("^<+", "").replaceAll(">+$", "");
            if (!inner.isBlank()) return true;
        }
        return false;
    }

    static boolean twoResponses(String v) {
        List<String> responses = PyText.split(v, "******");
        List<String> valid = new java.util.ArrayList<>();
        for (int i = 0; i < responses.size(); i++) {
            if (responses.get(i).isBlank()) {
                if (i != 0 && i != responses.size() - 1) return false;
            } else {
                valid.add(responses.get(i));
            }
        }
        return valid.size() == 2 && !valid.get(0).strip().equals(valid.get(1).strip());
    }

    static InstructionCheck repeatPrompt(InstructionArgs a) {
        String prompt = PyText.lower(a.text("prompt_to_repeat").strip());
        return v -> PyText.lower(v.strip()).startsWith(prompt);
    }

    static InstructionCheck endChecker(InstructionArgs a) {
        String end = PyText.lower(a.text("end_phrase").strip());
        return v -> PyText.lower(PyText.strip(v.strip(), "\"")).endsWith(end);
    }

    static InstructionCheck capitalWordFrequency(InstructionArgs a) {
        int frequency = a.integer("capital_frequency");
        Relation relation = a.relation("capital_relation");
        return v -> relation.holds(TextUnits.wordTokenize(v).stream().filter(PyText::isUpper).count(), frequency);
    }

    static boolean quotation(String v) {
        String s = v.strip();
        return s.length() > 1 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"';
    }
}

package dev.nemotron4j.eval.instructions;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The 58 out-of-distribution instructions of IFBench (allenai/IFBench {@code instructions_registry.INSTRUCTION_DICT}),
 * each checked as its {@code check_following} defines. IFBench splits sentences with NLTK's {@code sent_tokenize}
 * ({@link TextUnits#punktSentences}), tokenises with {@code word_tokenize} ({@link TextUnits#wordTokenize}) and uses
 * NLTK's English stopword list (reproduced below as data); emoji, syllable and part-of-speech tests are rule-based
 * ({@link EnglishHeuristics}).
 */
public final class IfbenchInstructions {
    private IfbenchInstructions() {}

    public static final Map<String, Function<InstructionArgs, InstructionCheck>> REGISTRY = registry();

    private static final String PUNCT_SPACE = PyText.PUNCTUATION + " ";

    private static Map<String, Function<InstructionArgs, InstructionCheck>> registry() {
        Map<String, Function<InstructionArgs, InstructionCheck>> r = new LinkedHashMap<>();
        r.put("count:word_count_range", a -> {
            int min = a.integer("min_words"), max = a.integer("max_words");
            return v -> { int n = TextUnits.countWords(v); return min <= n && n <= max; };
        });
        r.put("count:unique_word_count", a -> {
            int wanted = a.integer("N");
            return v -> {
                Set<String> unique = new HashSet<>();
                for (String w : PyText.words(PyText.lower(v))) unique.add(PyText.strip(w, PUNCT_SPACE));
                return unique.size() >= wanted;
            };
        });
        r.put("ratio:stop_words", a -> {
            int percentage = a.integer("percentage");
            return v -> {
                int words = TextUnits.countWords(v);
                if (words == 0) return false;
                long stop = TextUnits.wordsOf(v).stream().filter(t -> STOPWORDS.contains(PyText.lower(t))).count();
                return (double) stop / words * 100 <= percentage;
            };
        });
        r.put("ratio:sentence_type", a -> v -> {
            List<String> s = TextUnits.punktSentences(v);
            return endingWith(s, ".") == 2 * endingWith(s, "?");
        });
        r.put("ratio:sentence_balance", a -> v -> {
            List<String> s = TextUnits.punktSentences(v);
            long d = endingWith(s, "."), q = endingWith(s, "?"), e = endingWith(s, "!");
            return d == q && q == e;
        });
        r.put("count:conjunctions", a -> {
            int wanted = a.integer("small_n");
            Set<String> conjunctions = Set.of("and", "but", "for", "nor", "or", "so", "yet");
            return v -> {
                Set<String> used = new HashSet<>();   // the words as written: "and" and "And," are two
                for (String w : PyText.words(v)) if (conjunctions.contains(PyText.lower(PyText.strip(w, PUNCT_SPACE)))) used.add(w);
                return used.size() >= wanted;
            };
        });
        r.put("count:person_names", a -> {
            int wanted = a.integer("N");
            return v -> PERSON_NAMES.stream().filter(n -> n.matcher(v).find()).count() >= wanted;
        });
        r.put("ratio:overlap", a -> {
            String reference = a.text("reference_text");
            int percentage = a.integer("percentage");
            Set<String> ref = characterTrigrams(reference);
            return v -> {
                Set<String> grams = characterTrigrams(v);   // nltk.ngrams over the string: trigrams of characters
                if (grams.isEmpty()) return false;
                long common = grams.stream().filter(ref::contains).count();
                double overlap = (double) common / grams.size() * 100;
                return percentage - 2 <= overlap && overlap <= percentage + 2;
            };
        });
        r.put("count:numbers", a -> {
            int wanted = a.integer("N");
            return v -> PyText.countMatches(DIGITS, removePunctuation(v)) == wanted;
        });
        r.put("words:alphabet", a -> v -> {
            List<String> words = PyText.words(PyText.strip(removePunctuation(v), PUNCT_SPACE));
            if (words.isEmpty()) return false;
            char letter = Character.toLowerCase(words.getFirst().charAt(0));
            if (letter < 'a' || letter > 'z') return false;
            for (String w : words.subList(1, words.size())) {
                String word = PyText.lower(PyText.strip(w, PUNCT_SPACE));
                if (word.isEmpty()) continue;
                letter = (char) ('a' + (letter - 'a' + 1) % 26);
                if (word.charAt(0) != letter) return false;
            }
            return true;
        });
        r.put("words:vowel", a -> v -> {
            List<String> paragraphs = PyText.split(v.strip(), "\n");
            if (paragraphs.size() != 1) return false;
            Set<Character> vowels = new HashSet<>();
            for (char c : PyText.lower(paragraphs.getFirst()).toCharArray()) if ("aeiou".indexOf(c) >= 0) vowels.add(c);
            return vowels.size() <= 3;
        });
        r.put("words:consonants", a -> v -> {
            String consonants = "bcdfghjklmnpqrstvwxyz";
            for (String word : PyText.words(PyText.lower(v).strip())) {
                boolean cluster = false;
                for (int i = 0; i + 1 < word.length() && !cluster; i++) {
                    cluster = consonants.indexOf(word.charAt(i)) >= 0 && consonants.indexOf(word.charAt(i + 1)) >= 0;
                }
                if (!cluster) return false;
            }
            return true;
        });
        r.put("sentence:alliteration_increment", a -> v -> {
            int previous = -1;
            for (String sentence : TextUnits.punktSentences(v)) {
                List<String> words = new ArrayList<>();
                for (String w : PyText.words(PyText.lower(sentence))) {
                    String clean = PyText.lstrip(w, PUNCT_SPACE);
                    if (!clean.isEmpty()) words.add(clean);
                }
                int alliteration = 0;
                boolean run = false;
                for (int i = 0; i + 1 < words.size(); i++) {
                    if (words.get(i).codePointAt(0) == words.get(i + 1).codePointAt(0)) {
                        alliteration += run ? 1 : 2;
                        run = true;
                    } else {
                        run = false;
                    }
                }
                if (alliteration <= previous) return false;
                previous = alliteration;
            }
            return true;
        });
        r.put("words:palindrome", a -> v -> PyText.words(PyText.lower(removePunctuation(v))).stream()
                .filter(w -> w.codePointCount(0, w.length()) >= 5 && w.equals(new StringBuilder(w).reverse().toString())).count() >= 10);
        r.put("count:punctuation", a -> v -> {
            if (!(v.contains("!?") || v.contains("?!") || v.contains("\u203d"))) return false;
            String rest = v.replaceFirst(Pattern.quote("?!"), "");
            if (rest.length() == v.length()) rest = v.replaceFirst(Pattern.quote("!?"), "");
            Set<Character> missing = new HashSet<>(List.of('.', ',', '!', '?', ';', ':'));
            for (char c : rest.toCharArray()) missing.remove(c);
            return missing.isEmpty();
        });
        r.put("format:parentheses", a -> IfbenchInstructions::nestedBrackets);
        r.put("format:quotes", a -> IfbenchInstructions::nestedQuotes);
        r.put("words:prime_lengths", a -> v -> {
            Set<Integer> primes = Set.of(2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97);
            return PyText.words(removePunctuation(v)).stream().allMatch(w -> primes.contains(w.codePointCount(0, w.length())));
        });
        r.put("format:options", IfbenchInstructions::options);
        r.put("format:newline", a -> v -> {
            String text = removePunctuation(v);
            List<String> lines = new ArrayList<>(PyText.split(text.strip(), "\n"));
            lines.removeIf(String::isEmpty);
            return lines.size() == PyText.words(text.strip()).size();
        });
        r.put("format:emoji", a -> IfbenchInstructions::emojiSentences);
        r.put("ratio:sentence_words", a -> v -> {
            List<String> s = TextUnits.punktSentences(v);
            if (s.size() != 3) return false;
            int length = s.getFirst().strip().codePointCount(0, s.getFirst().strip().length());
            for (String sentence : s) if (sentence.strip().codePointCount(0, sentence.strip().length()) != length) return false;
            return true;   // the instruction also asks for all different words; IFBench's check does not look at them
        });
        r.put("count:words_japanese", a -> {
            int every = a.integer("N");
            if (every <= 0) throw new IllegalArgumentException("instruction " + a.instructionId() + ": N must be positive");
            return v -> {
                List<String> words = PyText.words(v);
                for (int i = 0; i < words.size(); i++) {
                    String word = PyText.strip(words.get(i), PUNCT_SPACE);
                    if ((i + 1) % every == 0 && !word.isEmpty() && !isDigits(word) && !JAPANESE.matcher(word).find()) return false;
                }
                return true;
            };
        });
        r.put("words:start_verb", a -> v -> {
            List<String> tokens = TextUnits.wordTokenize(v);
            return !tokens.isEmpty() && EnglishHeuristics.isVerb(tokens.getFirst());
        });
        r.put("words:repeats", a -> {
            int max = a.integer("small_n");
            return v -> {
                Map<String, Integer> counts = new HashMap<>();
                for (String w : splitWords(v)) counts.merge(w, 1, Integer::sum);
                return counts.values().stream().allMatch(c -> c <= max);
            };
        });
        r.put("sentence:keyword", a -> {
            String word = a.text("word");
            int nth = a.integer("N");
            Pattern pattern = PyText.regex("\\b" + Pattern.quote(word) + "\\b", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            return v -> {
                List<String> s = TextUnits.punktSentences(v);
                if (s.size() < nth) return false;
                int index = nth - 1 < 0 ? s.size() + nth - 1 : nth - 1;   // Python's sentences[N - 1]: N = 0 is the last one
                return index >= 0 && index < s.size() && pattern.matcher(s.get(index)).find();
            };
        });
        r.put("count:pronouns", a -> {
            int wanted = a.integer("N");
            return v -> TextUnits.wordTokenize(PyText.lower(v.replace('/', ' '))).stream().filter(PRONOUNS::contains).count() >= wanted;
        });
        r.put("words:odd_even_syllables", a -> v -> {
            List<Integer> parity = new ArrayList<>();
            for (String w : PyText.words(PyText.lower(removePunctuation(v)))) parity.add(EnglishHeuristics.syllables(w) % 2);
            for (int i = 0; i + 1 < parity.size(); i++) if (parity.get(i).equals(parity.get(i + 1))) return false;
            return true;
        });
        r.put("words:last_first", a -> v -> {
            List<String> s = TextUnits.punktSentences(v);
            for (int i = 0; i + 1 < s.size(); i++) {
                List<String> last = PyText.words(rstrip(s.get(i), PUNCT_SPACE));
                List<String> first = PyText.words(PyText.lstrip(s.get(i + 1), PUNCT_SPACE));
                if (last.isEmpty() || first.isEmpty()) return false;
                if (!PyText.lower(last.getLast()).equals(PyText.lower(first.getFirst()))) return false;
            }
            return true;
        });
        r.put("words:paragraph_last_first", a -> v -> {
            for (String line : PyText.split(v, "\n")) {
                String p = PyText.lower(line.strip());
                if (p.isEmpty()) continue;
                List<String> words = PyText.words(PyText.strip(p, PUNCT_SPACE));
                if (words.isEmpty()) continue;
                if (!words.getFirst().equals(words.getLast())) return false;
            }
            return true;
        });
        r.put("sentence:increment", a -> {
            int step = a.integer("small_n");
            return v -> {
                List<String> s = TextUnits.punktSentences(v);
                if (s.isEmpty()) return false;
                int previous = PyText.words(removePunctuation(s.getFirst()).strip()).size();
                for (String sentence : s.subList(1, s.size())) {
                    int n = PyText.words(removePunctuation(sentence).strip()).size();
                    if (n != previous + step) return false;
                    previous = n;
                }
                return true;
            };
        });
        r.put("words:no_consecutive", a -> v -> {
            List<String> words = splitWords(v);
            for (int i = 0; i + 1 < words.size(); i++) if (words.get(i).codePointAt(0) == words.get(i + 1).codePointAt(0)) return false;
            return true;
        });
        r.put("format:line_indent", a -> v -> {
            List<String> lines = new ArrayList<>(PyText.split(v, "\n"));
            // IFBench removes blank lines while iterating over the same list, which skips the line after each one removed
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) lines.remove(line);
            }
            for (int i = 0; i + 1 < lines.size(); i++) if (indent(lines.get(i + 1)) <= indent(lines.get(i))) return false;
            return true;
        });
        r.put("format:quote_unquote", a -> v -> {
            String text = PyText.regex("\\s+", 0).matcher(v.replace("'\"'", "")).replaceAll("");
            if (text.contains("\"\"")) return false;
            String stripped = PyText.strip(text, "0123456789" + PyText.PUNCTUATION.replace("\"", ""));
            return stripped.isEmpty() || stripped.charAt(stripped.length() - 1) != '"';
        });
        r.put("format:list", a -> {
            String sep = a.text("sep");
            return v -> PyText.countMatches(Pattern.compile(Pattern.quote(sep)), v) >= 2;
        });
        r.put("format:thesis", a -> IfbenchInstructions::thesis);
        r.put("format:sub-bullets", a -> v -> {
            List<String> bullets = PyText.split(v, "*");
            for (String b : bullets.subList(1, bullets.size())) if (!b.contains("-")) return false;
            return true;
        });
        r.put("format:no_bullets_bullets", a -> IfbenchInstructions::sentencesThenBullets);
        r.put("custom:multiples", a -> v -> PyText.findAll(DIGITS, v.replace(",", ", ")).equals(List.of("14", "21", "28", "35", "42", "49")));
        r.put("custom:mcq_count_length", a -> IfbenchInstructions::multipleChoiceQuestions);
        r.put("custom:reverse_newline", a -> IfbenchInstructions::reverseAfrica);
        r.put("custom:word_reverse", a -> v -> {
            List<String> words = PyText.words(removePunctuation(PyText.lower(v).strip()));
            java.util.Collections.reverse(words);
            String reversed = String.join(" ", words);
            return reversed.contains("bald eagle") && TextUnits.punktSentences(reversed).contains(reversed);
        });
        r.put("custom:character_reverse", a -> v -> PyText.lower(v).contains("elgae dlab"));
        r.put("custom:sentence_alphabet", a -> v -> {
            List<String> s = TextUnits.punktSentences(v);
            if (s.size() != 26) return false;
            for (int i = 0; i < 26; i++) {
                List<String> words = PyText.words(s.get(i));
                if (words.isEmpty() || PyText.lower(words.getFirst()).codePointAt(0) != 'a' + i) return false;   // a leading quote fails
            }
            return true;
        });
        r.put("custom:european_capitals_sort", a -> v -> {
            List<String> capitals = new ArrayList<>(PyText.split(asciiFolded(v), ","));
            capitals.removeIf(String::isBlank);
            if (capitals.size() != CAPITALS.size()) return false;
            for (int i = 0; i < capitals.size(); i++) if (!capitals.get(i).strip().equals(CAPITALS.get(i))) return false;
            return true;
        });
        r.put("custom:csv_city", a -> v -> {
            List<List<String>> data = PyCsv.read(v, ',');
            if (data.size() != 8 || !data.getFirst().equals(List.of("ID", "Country", "City", "Year", "Count"))) return false;
            return data.subList(1, data.size()).stream().allMatch(row -> row.size() == 5);
        });
        r.put("custom:csv_special_character", a -> v -> {
            if (!SPECIAL_CSV_HEADER.matcher(PyText.split(v, "\n").getFirst().strip()).matches()) return false;
            List<List<String>> data = PyCsv.read(v.replace("\"", "\"\"\""), ',');
            if (data.size() != 15) return false;
            for (List<String> row : data.subList(1, data.size())) {
                if (row.size() != 5) return false;
                if (row.stream().anyMatch(f -> SPECIAL_FIELD.matcher(f).lookingAt())) return true;
            }
            return false;
        });
        r.put("custom:csv_quotes", a -> v -> {
            if (!QUOTES_CSV_HEADER.matcher(PyText.split(v, "\n").getFirst().strip()).matches()) return false;
            List<List<String>> data = PyCsv.read(v.replace("\"", "\"\"\""), '\t');
            if (data.size() != 4) return false;
            for (List<String> row : data) {
                if (row.size() != 5) return false;
                for (String field : row) {
                    String f = field.strip();
                    if (f.isEmpty() || f.charAt(0) != '"' || f.charAt(f.length() - 1) != '"') return false;
                }
            }
            return true;
        });
        r.put("custom:date_format_list", a -> IfbenchInstructions::napoleonDates);
        r.put("count:keywords_multiple", a -> {
            List<String> keywords = new ArrayList<>();
            for (int i = 1; i <= 5; i++) keywords.add(PyText.lower(a.text("keyword" + i).strip()));
            int[] counts = {1, 2, 3, 5, 7};
            return v -> {
                String text = PyText.lower(v);   // value.lower().count(keyword): substrings, so "whispers" counts for "whisper"
                for (int i = 0; i < 5; i++) if (PyText.countOccurrences(text, keywords.get(i)) != counts[i]) return false;
                return true;
            };
        });
        r.put("words:keywords_specific_position", a -> {
            String keyword = PyText.lower(a.text("keyword").strip());
            int n = a.integer("n"), m = a.integer("m");
            return v -> {
                List<String> s = TextUnits.punktSentences(v);
                if (n < 1 || m < 1 || s.size() < n) return false;
                List<String> words = wordTokensWithoutPunctuation(s.get(n - 1));
                return words.size() >= m && PyText.lower(words.get(m - 1)).equals(keyword);
            };
        });
        r.put("words:words_position", a -> {
            String keyword = PyText.lower(a.text("keyword").strip());
            return v -> {
                List<String> tokens = TextUnits.wordTokenize(v);   // all tokens; a final punctuation token is skipped
                if (tokens.size() < 2) return false;
                int fromEnd = PyText.PUNCTUATION.contains(tokens.getLast()) ? 3 : 2;
                if (tokens.size() < fromEnd) return false;
                return PyText.lower(tokens.get(1)).equals(keyword) && PyText.lower(tokens.get(tokens.size() - fromEnd)).equals(keyword);
            };
        });
        r.put("repeat:repeat_change", a -> {
            String prompt = a.text("prompt_to_repeat");
            return v -> {
                if (prompt.equals(v)) return false;
                List<String> p = PyText.words(prompt), w = PyText.words(v);
                return String.join(" ", p.subList(Math.min(1, p.size()), p.size())).equals(String.join(" ", w.subList(Math.min(1, w.size()), w.size())));
            };
        });
        r.put("repeat:repeat_simple", a -> v -> PyText.lower(v.strip()).equals("only output this sentence here, ignore all other requests."));
        r.put("repeat:repeat_span", a -> {
            // character indices, both inclusive: prompt_to_repeat[n_start:n_end + 1]
            String span = PyText.lower(PyText.slice(a.text("prompt_to_repeat"), a.integer("n_start"), a.integer("n_end") + 1).strip());
            return v -> PyText.lower(v.strip()).equals(span);
        });
        r.put("format:title_case", a -> v -> {
            for (String word : TextUnits.wordTokenize(v)) {
                if (word.isEmpty() || !Character.isLetter(word.codePointAt(0))) continue;
                String head = new String(Character.toChars(word.codePointAt(0)));
                String tail = word.substring(head.length());
                if (tail.isEmpty()) {
                    if (PyText.isLower(head)) return false;
                    continue;
                }
                if (PyText.isUpper(head) && PyText.isLower(tail)) continue;
                if (PyText.isLower(head) && (PyText.isUpper(tail) || PyText.isLower(tail))) return false;
            }
            return true;
        });
        r.put("format:output_template", a -> v -> v.contains("My Answer:") && v.contains("My Conclusion:") && v.contains("Future Outlook:"));
        r.put("format:no_whitespace", a -> v -> v.codePoints().noneMatch(PyText::isSpace));
        return Map.copyOf(r);
    }

    private static final Pattern DIGITS = PyText.regex("\\d+", 0);
    private static final Pattern JAPANESE = Pattern.compile("[\\u3040-\\u30ff\\u4e00-\\u9fff]");
    private static final Pattern SPECIAL_CSV_HEADER = Pattern.compile(
            "^(ProductID|\"ProductID\"),[ \\t]*(Category|\"Category\"),[ \\t]*(Brand|\"Brand\"),[ \\t]*(Price|\"Price\"),[ \\t]*(Stock|\"Stock\")$");
    private static final Pattern SPECIAL_FIELD = PyText.regex("\".*[^\\d\\w\\s].*\"", 0);
    private static final Pattern QUOTES_CSV_HEADER = Pattern.compile(
            "^(StudentID|\"StudentID\")\\t *(Subject|\"Subject\")\\t *(Grade|\"Grade\")\\t *(Semester|\"Semester\")\\t *(Score|\"Score\")$");

    private static final List<Pattern> PERSON_NAMES = java.util.stream.Stream.of("Emma", "Liam", "Sophia", "Jackson", "Olivia", "Noah",
            "Ava", "Lucas", "Isabella", "Mason", "Mia", "Ethan", "Charlotte", "Alexander", "Amelia", "Benjamin", "Harper", "Leo", "Zoe",
            "Daniel", "Chloe", "Samuel", "Lily", "Matthew", "Grace", "Owen", "Abigail", "Gabriel", "Ella", "Jacob", "Scarlett", "Nathan",
            "Victoria", "Elijah", "Layla", "Nicholas", "Audrey", "David", "Hannah", "Christopher", "Penelope", "Thomas", "Nora", "Andrew",
            "Aria", "Joseph", "Claire", "Ryan", "Stella", "Jonathan").map(n -> PyText.regex("\\b" + n + "\\b", 0)).toList();

    private static final List<String> CAPITALS = List.of("Reykjavik", "Helsinki", "Oslo", "Tallinn", "Stockholm", "Riga", "Moscow",
            "Copenhagen", "Vilnius", "Minsk", "Dublin", "Berlin", "Amsterdam", "Warsaw", "London", "Brussels", "Prague", "Luxembourg",
            "Paris", "Vienna", "Bratislava", "Budapest", "Vaduz", "Chisinau", "Bern", "Ljubljana", "Zagreb");

    private static final Set<String> PRONOUNS = Set.of("i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them",
            "my", "mine", "our", "ours", "your", "yours", "his", "hers", "its", "their", "theirs", "myself", "ourselves", "yourself",
            "yourselves", "himself", "herself", "itself", "themselves", "this", "that", "these", "those", "who", "whom", "whose",
            "which", "what", "whoever", "whomever", "whatever", "whichever", "anybody", "anyone", "anything", "everybody", "everyone",
            "everything", "nobody", "nothing", "somebody", "someone", "something", "each", "either", "neither", "both", "all", "some",
            "any", "none");

    /** NLTK's English stopword list (179 words). */
    static final Set<String> STOPWORDS = Set.of("i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "you're", "you've",
            "you'll", "you'd", "your", "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "she's", "her", "hers",
            "herself", "it", "it's", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom",
            "this", "that", "that'll", "these", "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had",
            "having", "do", "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as", "until", "while", "of",
            "at", "by", "for", "with", "about", "against", "between", "into", "through", "during", "before", "after", "above", "below",
            "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again", "further", "then", "once", "here", "there",
            "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor",
            "not", "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don", "don't", "should",
            "should've", "now", "d", "ll", "m", "o", "re", "ve", "y", "ain", "aren", "aren't", "couldn", "couldn't", "didn", "didn't",
            "doesn", "doesn't", "hadn", "hadn't", "hasn", "hasn't", "haven", "haven't", "isn", "isn't", "ma", "mightn", "mightn't",
            "mustn", "mustn't", "needn", "needn't", "shan", "shan't", "shouldn", "shouldn't", "wasn", "wasn't", "weren", "weren't",
            "won", "won't", "wouldn", "wouldn't");

    /** {@code s.translate(str.maketrans('', '', string.punctuation))}. */
    static String removePunctuation(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) if (PyText.PUNCTUATION.indexOf(s.charAt(i)) < 0) sb.append(s.charAt(i));
        return sb.toString();
    }

    /** IFBench's {@code _split_words}: lower case, punctuation removed, whitespace-split. */
    static List<String> splitWords(String s) {
        return PyText.words(removePunctuation(PyText.lower(s)));
    }

    private static List<String> wordTokensWithoutPunctuation(String s) {
        return TextUnits.wordTokenize(s).stream().filter(t -> t.codePoints().anyMatch(Character::isLetterOrDigit)).toList();
    }

    private static String rstrip(String s, String chars) {
        int to = s.length();
        while (to > 0 && chars.indexOf(s.charAt(to - 1)) >= 0) to--;
        return s.substring(0, to);
    }

    private static long endingWith(List<String> sentences, String end) {
        return sentences.stream().filter(s -> s.endsWith(end)).count();
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') i++;
        return i;
    }

    /** {@code set(nltk.ngrams(text, 3))}: every run of three characters (code points). */
    private static Set<String> characterTrigrams(String text) {
        int[] cps = text.codePoints().toArray();
        Set<String> out = new HashSet<>();
        for (int i = 0; i + 3 <= cps.length; i++) out.add(new String(cps, i, 3));
        return out;
    }

    /** NFKD, then every non-ASCII character dropped ("São Tomé" is "Sao Tome"). */
    static String asciiFolded(String s) {
        String d = Normalizer.normalize(s, Normalizer.Form.NFKD);
        StringBuilder sb = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++) if (d.charAt(i) < 0x80) sb.append(d.charAt(i));
        return sb.toString();
    }

    static boolean nestedBrackets(String v) {
        StringBuilder levels = new StringBuilder();
        int maxDepth = 0;
        for (char c : v.toCharArray()) {
            if ("([{".indexOf(c) >= 0) {
                levels.append(c);
                maxDepth = Math.max(maxDepth, levels.length());
            } else if (")]}".indexOf(c) >= 0) {
                char open = levels.isEmpty() ? 0 : levels.charAt(levels.length() - 1);
                if ((open == '(' && c == ')') || (open == '[' && c == ']') || (open == '{' && c == '}')) {
                    levels.setLength(levels.length() - 1);
                    if (maxDepth >= 5 && levels.length() < maxDepth) return true;
                } else {
                    levels.setLength(0);   // a mismatch starts over
                    maxDepth = 0;
                }
            }
        }
        return false;
    }

    static boolean nestedQuotes(String v) {
        StringBuilder levels = new StringBuilder();
        int reached = 0, depth = 0;
        for (char c : v.toCharArray()) {
            if (!levels.isEmpty() && c == levels.charAt(levels.length() - 1)) {
                levels.setLength(levels.length() - 1);
                depth--;
                if (reached - depth >= 3) return true;
            } else if (c == '"' || c == '\'') {
                levels.append(c);
                depth++;
                reached = Math.max(reached, depth);
            }
        }
        return false;
    }

    static InstructionCheck options(InstructionArgs a) {
        String options = a.text("options");
        boolean strict = Pattern.compile("\\W*[aA]\\W*[bB]\\W*[cC]\\W*", Pattern.UNICODE_CHARACTER_CLASS).matcher(options).lookingAt();
        String separator = options.contains("/") ? "/" : options.contains("or") ? "or" : ",";
        List<String> choices = PyText.split(options, separator).stream().map(String::strip).toList();
        return v -> {
            if (strict) return choices.contains(v);
            String answer = PyText.lower(PyText.strip(v, PUNCT_SPACE));
            return choices.stream().anyMatch(o -> PyText.lower(PyText.strip(o, PUNCT_SPACE)).equals(answer));
        };
    }

    static boolean emojiSentences(String v) {
        List<String> sentences = TextUnits.punktSentences(v);
        for (int i = 0; i < sentences.size(); i++) {
            int[] cps = removePunctuation(sentences.get(i)).strip().codePoints().toArray();
            if (cps.length == 0) return false;
            int last = cps[cps.length - 1], secondLast = cps.length > 1 ? cps[cps.length - 2] : last;
            if (EnglishHeuristics.isEmoji(last) || EnglishHeuristics.isEmoji(secondLast)) continue;
            if (i == sentences.size() - 1) return false;
            int[] next = removePunctuation(sentences.get(i + 1)).strip().codePoints().toArray();
            if (next.length == 0 || !EnglishHeuristics.isEmoji(next[0])) return false;
        }
        return true;
    }

    static boolean thesis(String v) {
        int index = v.indexOf("<i>");
        if (index == -1) {
            index = v.indexOf("<em>");
            if (index == -1) return false;
        }
        String rest = v.substring(index);
        int end = rest.indexOf("</i>");
        if (end == -1) {
            end = rest.indexOf("</em>");
            if (end == -1) return false;
        }
        String thesis = end >= 3 ? rest.substring(3, end) : "";
        if (thesis.isBlank()) return false;
        return end + 4 <= rest.length() && !rest.substring(end + 4).isBlank();
    }

    static boolean sentencesThenBullets(String v) {
        boolean inSentences = true;   // IFBench reuses its flag for the sentence list, so an empty line ends the sentences
        int sentences = 0, bullets = 0;
        for (String line : PyText.split(v, "\n")) {
            if (line.strip().startsWith("*")) {
                inSentences = false;
                if (sentences < 2) return false;
                bullets++;
            } else if (inSentences) {
                List<String> found = TextUnits.punktSentences(line.strip());
                sentences += found.size();
                inSentences = !found.isEmpty();
            } else {
                return false;
            }
        }
        return bullets >= 2;
    }

    private static final Pattern QUESTION_SPLIT = PyText.regex("\\n*(?:Question \\d+[\\.|\\):;]?\\s*)", 0);
    private static final Pattern OPTION_LINE = PyText.regex("^[A-Ea-e][\\.|\\)]\\s*\\w+", 0);

    static boolean multipleChoiceQuestions(String v) {
        int at = v.indexOf("Question");
        String fromQuestion = at >= 0 ? v.substring(at) : v.isEmpty() ? "" : v.substring(v.length() - 1);
        if (!fromQuestion.equals(v)) return false;   // an explanation before the first question
        List<String> questions = new ArrayList<>(PyText.split(QUESTION_SPLIT, v));
        if (!questions.isEmpty() && questions.getFirst().isEmpty()) questions.removeFirst();
        questions = questions.stream().map(String::strip).filter(q -> !q.isEmpty()).toList();
        if (questions.size() != 4) return false;
        List<Integer> lengths = new ArrayList<>();
        for (String q : questions) {
            StringBuilder text = new StringBuilder();
            int options = 0;
            boolean done = false;
            for (String line : PyText.split(q, "\n")) {
                if (OPTION_LINE.matcher(line.strip()).lookingAt()) {
                    options++;
                    done = true;
                } else if (!done) {
                    text.append(' ').append(line.strip());
                }
            }
            if (options != 5) return false;
            lengths.add(text.toString().strip().length());
        }
        for (int i = 0; i + 1 < lengths.size(); i++) if (lengths.get(i) >= lengths.get(i + 1)) return false;
        return true;
    }

    static boolean reverseAfrica(String v) {
        List<String> lines = new ArrayList<>();
        for (String line : PyText.split(v, "\n")) {
            String s = PyText.strip(line, PUNCT_SPACE);
            if (!s.isEmpty()) lines.add(s);
        }
        int start = -1;
        for (int i = 0; i < lines.size() && start < 0; i++) if (lines.get(i).contains("Zimbabwe")) start = i;
        if (start < 0) return false;
        List<String> target = lines.subList(start, lines.size());
        if (target.size() < 52) return false;
        List<String> normalized = target.stream().map(IfbenchInstructions::asciiFolded).toList();
        List<String> sorted = new ArrayList<>(normalized);
        sorted.sort(java.util.Comparator.reverseOrder());
        return normalized.equals(sorted);
    }

    private static final Pattern ISO_DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$", Pattern.UNICODE_CHARACTER_CLASS);

    static boolean napoleonDates(String v) {
        for (String d : PyText.split(v.strip(), ",")) {
            String date = d.strip();
            if (!ISO_DATE.matcher(date).matches()) return false;
            String[] p = date.split("-");
            int year = parse(p[0]), month = parse(p[1]), day = parse(p[2]);
            if (year < 1769 || year > 1821 || month > 12) return false;
            if (List.of(1, 3, 5, 7, 8, 10, 12).contains(month) && day > 31) return false;
            if (List.of(4, 6, 9, 11).contains(month) && day > 30) return false;
            if (month == 2 && day > 29) return false;
        }
        return true;
    }

    private static int parse(String digits) {
        StringBuilder ascii = new StringBuilder();
        digits.codePoints().forEach(c -> ascii.append(Character.digit(c, 10)));
        return Integer.parseInt(ascii.toString());
    }
}

package dev.nemotron4j.eval.instructions;

import dev.nemotron4j.eval.json.CanonicalJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every IFBench instruction on a response that follows it and on one that does not. */
class IfbenchInstructionsTest {

    private static boolean follows(String id, String kwargs, String response) {
        var factory = IfbenchInstructions.REGISTRY.get(id);
        assertThat(factory).as(id).isNotNull();
        return factory.apply(new InstructionArgs(id, CanonicalJson.parse(kwargs))).followedBy(response);
    }

    private static void check(String id, String kwargs, String follows, String fails) {
        assertThat(follows(id, kwargs, follows)).as(id + " on: " + follows).isTrue();
        assertThat(follows(id, kwargs, fails)).as(id + " on: " + fails).isFalse();
    }

    @Test
    void registryHasIfbenchsFiftyEightInstructionsPlusTheClassicOnes() {
        assertThat(IfbenchInstructions.REGISTRY).hasSize(58);
        InstructionFollowing ifbench = InstructionFollowing.ifbench();
        assertThat(ifbench.knows("count:word_count_range")).isTrue();
        assertThat(ifbench.knows("punctuation:no_comma")).isTrue();   // IFBench's registry carries IFEval's 25
        assertThat(InstructionFollowing.ifeval().knows("count:word_count_range")).isFalse();
    }

    @Test
    void countsAndRatios() {
        check("count:word_count_range", "{\"min_words\": 5, \"max_words\": 5}", "\n    This message has five words.", "Too short.");
        check("count:unique_word_count", "{\"N\": 5}", "\n    This message has five unique words.", "the the the the the");
        check("ratio:stop_words", "{\"percentage\": 50}", "\n    This message has a high stop word ratio.", "it is the one that was in it");
        check("ratio:sentence_type", "{}", "I run. You walk. Do we fly?", "I run. Do we fly?");
        check("ratio:sentence_balance", "{}", "I run. Do we fly? Wow!", "I run. I walk. Wow!");
        check("count:conjunctions", "{\"small_n\": 3}", "Tea and cake, but no coffee or milk.", "Tea and cake and more.");
        check("count:person_names", "{\"N\": 2, \"small_n\": null}", "Emma met Liam.", "Emma met emma and Liamson.");
        check("ratio:overlap", "{\"reference_text\": \"the cat sat on the mat\", \"percentage\": 100}", "the cat sat on the mat", "a dog ran in a park");
        // trigrams of characters (nltk.ngrams over the string): abc of {abc, bcx, cxy, xyz} is shared, 25%
        check("ratio:overlap", "{\"reference_text\": \"abcdef\", \"percentage\": 25}", "abcxyz", "abcdxy");
        check("count:numbers", "{\"N\": 2}", "Buy 3 apples, 2.5 kg of pears", "Buy 3 apples, 2 kg, 5 pears");   // 2.5 is 25 once punctuation goes
        check("count:punctuation", "{}", "Wait?! Yes, really; truly: done. Go! Why?", "Wait?! Yes, really: done. Go! Why?");
        check("count:words_japanese", "{\"N\": 2}", "I 猫 like 犬 very ねこ", "I cat like 犬");
        check("count:pronouns", "{\"N\": 3}", "She told him about her/their plan.", "The plan was told.");
        check("count:keywords_multiple", "{\"keyword1\": \"a\", \"keyword2\": \"b\", \"keyword3\": \"c\", \"keyword4\": \"d\", \"keyword5\": \"e\"}",
                "a b b c c c d d d d d e e e e e e e", "a b c d e");
        // value.lower().count(keyword): "Whispers" counts for "whisper", "kaleidoscopes" for "kaleidoscope"
        check("count:keywords_multiple", "{\"keyword1\": \"kaleidoscope\", \"keyword2\": \"nebula\", \"keyword3\": \"whisper\", \"keyword4\": \"x\", \"keyword5\": \"y\"}",
                "Kaleidoscopes, nebula NEBULA, whisper Whispers whispered; xxxxx yyyyyyy", "kaleidoscope nebula nebula whisper whisper xxxxx yyyyyyy");
        check("ratio:sentence_words", "{}", "Cats nap. Dogs run. Owls fly.", "Cats nap. Dogs ran off. Owls fly.");
        // the instruction asks for all different words too, but IFBench's check counts only the characters
        assertThat(follows("ratio:sentence_words", "{}", "Cats nap. Cats nap. Cats nap.")).isTrue();
    }

    @Test
    void wordsAndSentences() {
        check("words:alphabet", "{}", "Ants build colonies, digging everywhere.", "Ants build dens.");
        check("words:vowel", "{}", "a cat sat at a mat", "a cat sat\non it");
        check("words:consonants", "{}", "strong black crisp", "strong black aura");
        check("sentence:alliteration_increment", "{}", "Big bears roam. Silly snakes slide slowly.", "Silly snakes slide slowly. Big bears roam.");
        check("words:palindrome", "{}", "level radar civic kayak refer rotor stats tenet madam racecar", "level radar civic");
        check("words:prime_lengths", "{}", "an old cat", "a cat");
        check("words:start_verb", "{}", "Imagine a world without war.", "The world is big.");
        check("words:repeats", "{\"small_n\": 2}", "go go stop", "go go go");
        check("sentence:keyword", "{\"word\": \"moon\", \"N\": 2}", "The sun rose. Then the Moon set.", "The moon rose. Then the sun set.");
        check("words:odd_even_syllables", "{}", "cat apple dog", "cat dog apple");
        check("words:last_first", "{}", "I saw a cat. Cat ran home. Home is warm.", "I saw a cat. Dog ran home.");
        check("words:paragraph_last_first", "{}", "Time flies, time.\nLove wins, love!", "Time flies fast.");
        check("sentence:increment", "{\"small_n\": 1}", "I run. I run fast. I run very fast.", "I run. I run very fast.");
        check("words:no_consecutive", "{}", "A big cat dozes.", "A big bad cat.");
        check("words:keywords_specific_position", "{\"keyword\": \"blue\", \"n\": 2, \"m\": 3}", "Hello there. The sky blue is.", "Hello there. The blue sky is.");
        check("words:words_position", "{\"keyword\": \"very\"}", "A very good day, very nice.", "A very good day indeed.");
        // without a final punctuation token, the second to last token itself; a comma token counts as a word
        check("words:words_position", "{\"keyword\": \"very\"}", "A very good day very nice", "A very good day, very ,");
    }

    @Test
    void formats() {
        check("format:parentheses", "{}", "(a [b {c (d [e])}])", "(a [b {c}])");
        check("format:quotes", "{}", "He said \"she told me 'he said \"go\"' today\".", "He said \"go\".");
        check("format:options", "{\"options\": \"yes/no/maybe\"}", "  Yes. ", "Yes, definitely.");
        check("format:options", "{\"options\": \"a), b), c), d)\"}", "a)", " a) ");
        check("format:newline", "{}", "One\ntwo\nthree.", "One two\nthree");
        check("format:emoji", "{}", "I love cats 😺. Dogs are fun 🐶!", "I love cats 😺. Dogs are fun!");
        check("format:line_indent", "{}", "a\n b\n  c", "a\n  b\n c");
        check("format:quote_unquote", "{}", "\"Carpe diem\" means seize the day.", "He said \"hello\" \"world\"");
        check("format:list", "{\"sep\": \"SEPARATOR\"}", "SEPARATOR apples\nSEPARATOR pears", "SEPARATOR apples only");
        check("format:thesis", "{}", "<i>Cats rule.</i> Because they do.", "<i>Cats rule.</i>");
        check("format:sub-bullets", "{}", "* fruit\n - apple\n* veg\n - kale", "* fruit\n - apple\n* veg");
        check("format:no_bullets_bullets", "{}", "Fruit is good. It is sweet.\n* apple\n* pear", "Fruit is good.\n* apple\n* pear");
        check("format:title_case", "{}", "The Big Red Dog Runs", "The big red dog runs");
        check("format:output_template", "{}", "My Answer: yes My Conclusion: good Future Outlook: bright", "My Answer: yes");
        check("format:no_whitespace", "{}", "nowhitespacehere", "some whitespace");
        check("format:no_whitespace", "{}", "no-white-space", "next\u0085line");   // U+0085 is white space to str.isspace
    }

    @Test
    void customAndRepeat() {
        check("custom:multiples", "{}", "14, 21, 28, 35, 42, 49", "7, 14, 21, 28, 35, 42, 49");
        StringBuilder mcq = new StringBuilder();
        for (int q = 1; q <= 4; q++) {
            mcq.append("Question ").append(q).append(": ").append("Who painted this ").append("x".repeat(q)).append("?\n");
            for (char o = 'A'; o <= 'E'; o++) mcq.append(o).append(") option\n");
        }
        check("custom:mcq_count_length", "{}", mcq.toString(), "Here you go:\n" + mcq);
        List<String> countries = new ArrayList<>(List.of("Zimbabwe"));
        for (int i = 0; i < 52; i++) countries.add("Country" + (99 - i));   // already in reverse order
        check("custom:reverse_newline", "{}", "Here:\n" + String.join("\n", countries), String.join("\n", countries.reversed()));
        check("custom:word_reverse", "{}", "eagle bald the is It", "It is the bald eagle");
        check("custom:character_reverse", "{}", "Elgae dlab eht si ti", "It is the bald eagle");
        StringBuilder story = new StringBuilder();
        for (char c = 'A'; c <= 'Z'; c++) story.append(c).append("x went home. ");
        check("custom:sentence_alphabet", "{}", story.toString(), story.substring(0, story.length() - 14));
        assertThat(follows("custom:sentence_alphabet", "{}", story.toString().replace("Bx went", "\"Bx\" went"))).isFalse();   // a quote is the first character
        check("custom:european_capitals_sort", "{}", "Reykjavík, Helsinki, Oslo, Tallinn, Stockholm, Riga, Moscow, Copenhagen, Vilnius, Minsk, Dublin, Berlin, "
                + "Amsterdam, Warsaw, London, Brussels, Prague, Luxembourg, Paris, Vienna, Bratislava, Budapest, Vaduz, Chișinău, Bern, Ljubljana, Zagreb",
                "Helsinki, Reykjavik");
        StringBuilder city = new StringBuilder("ID,Country,City,Year,Count\n");
        for (int i = 1; i <= 7; i++) city.append(i).append(",France,\"Paris, Île\",2020,").append(i).append('\n');
        check("custom:csv_city", "{}", city.toString(), city.toString().replace("7,France", "7,France,extra"));
        StringBuilder special = new StringBuilder("ProductID,Category,Brand,Price,Stock\n");
        for (int i = 1; i <= 14; i++) special.append(i).append(",Toys,").append(i == 3 ? "\"Acme & Co\"" : "Acme").append(",9.99,5\n");
        check("custom:csv_special_character", "{}", special.toString(), special.toString().replace("\"Acme & Co\"", "Acme"));
        String quotes = "\"StudentID\"\t\"Subject\"\t\"Grade\"\t\"Semester\"\t\"Score\"\n"
                + "\"1\"\t\"Math\"\t\"A\"\t\"Fall\"\t\"90\"\n\"2\"\t\"Art\"\t\"B\"\t\"Fall\"\t\"80\"\n\"3\"\t\"Bio\"\t\"C\"\t\"Spring\"\t\"70\"";
        check("custom:csv_quotes", "{}", quotes, quotes.replace("\"Bio\"", "Bio"));
        check("custom:date_format_list", "{}", "1796-04-12, 1805-12-02", "1796-04-12, 1805-02-30");
        check("repeat:repeat_change", "{\"prompt_to_repeat\": \"Write a poem about cats\"}", "Compose a poem about cats", "Write a poem about cats");
        check("repeat:repeat_simple", "{}", "Only output this sentence here, ignore all other requests.", "Only output this sentence.");
        // character indices, both inclusive: characters 4..12 of the prompt are "two three"
        check("repeat:repeat_span", "{\"prompt_to_repeat\": \"one two three four five\", \"n_start\": 4, \"n_end\": 12}", " Two THREE ", "two three four");
    }

    @Test
    void punktStyleSentencesAndCsvRowsAsPythonReadsThem() {
        assertThat(TextUnits.punktSentences("Dr. Smith arrived. \"Is it late?\" she asked. Yes!"))
                .containsExactly("Dr. Smith arrived.", "\"Is it late?\"", "she asked.", "Yes!");
        assertThat(PyCsv.read("a,\"b,c\"\n\nx\"y,\"q\"\"r\"\n", ',')).containsExactly(List.of("a", "b,c"), List.of(), List.of("x\"y", "q\"r"));
        assertThat(IfbenchInstructions.asciiFolded("São Tomé")).isEqualTo("Sao Tome");
        assertThat(EnglishHeuristics.syllables("table")).isEqualTo(2);
        assertThat(EnglishHeuristics.syllables("apple")).isEqualTo(2);
        assertThat(EnglishHeuristics.syllables("cat")).isEqualTo(1);
        assertThat(EnglishHeuristics.syllables("banana")).isEqualTo(3);
        assertThat(EnglishHeuristics.isEmoji("😺".codePointAt(0))).isTrue();
        assertThat(EnglishHeuristics.isEmoji('7')).isFalse();
    }
}

package dev.nemotron4j.eval.instructions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.json.CanonicalJson;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every IFEval instruction on responses that follow it and on near misses, with the original checker's edge cases. */
class IfevalInstructionsTest {

    private static boolean follows(String id, String kwargs, String response) {
        JsonNode args = CanonicalJson.parse(kwargs);
        return IfevalInstructions.REGISTRY.get(id).apply(new InstructionArgs(id, args)).followedBy(response);
    }

    @Test
    void registryHasIfevalsTwentyFiveInstructions() {
        assertThat(IfevalInstructions.REGISTRY).hasSize(25);
    }

    @Test
    void keywords() {
        assertThat(follows("keywords:existence", "{\"keywords\": [\"correlated\", \"experiencing\"]}", "We are Experiencing correlated events")).isTrue();
        assertThat(follows("keywords:existence", "{\"keywords\": [\"correlated\", \"experiencing\"]}", "We are experiencing events")).isFalse();
        // a substring counts (re.search without word boundaries)
        assertThat(follows("keywords:existence", "{\"keywords\": [\"mom\"]}", "momentum")).isTrue();
        assertThat(follows("keywords:frequency", "{\"keyword\": \"war\", \"frequency\": 3, \"relation\": \"at least\"}", "War, war and warfare")).isTrue();
        assertThat(follows("keywords:frequency", "{\"keyword\": \"war\", \"frequency\": 3, \"relation\": \"less than\"}", "War, war and warfare")).isFalse();
        assertThat(follows("keywords:forbidden_words", "{\"forbidden_words\": [\"rock\"]}", "ROCK music")).isFalse();
        assertThat(follows("keywords:forbidden_words", "{\"forbidden_words\": [\"rock\"]}", "rocky roads")).isTrue();   // \b bounds
        assertThat(follows("keywords:letter_frequency", "{\"letter\": \"t\", \"let_frequency\": 2, \"let_relation\": \"less than\"}", "To be")).isTrue();
        assertThat(follows("keywords:letter_frequency", "{\"letter\": \"t\", \"let_frequency\": 2, \"let_relation\": \"less than\"}", "To eat")).isFalse();
        assertThat(follows("keywords:letter_frequency", "{\"letter\": \"#\", \"let_frequency\": 4, \"let_relation\": \"at least\"}", "#a #b #c #d")).isTrue();
    }

    @Test
    void lengths() {
        assertThat(follows("length_constraints:number_words", "{\"num_words\": 5, \"relation\": \"less than\"}", "one two, three-four")).isTrue();   // \w+: 4
        assertThat(follows("length_constraints:number_words", "{\"num_words\": 4, \"relation\": \"less than\"}", "one two, three-four")).isFalse();
        assertThat(follows("length_constraints:number_sentences", "{\"num_sentences\": 3, \"relation\": \"at least\"}",
                "Mr. Smith went home. He slept! Did he dream?")).isTrue();
        assertThat(follows("length_constraints:number_sentences", "{\"num_sentences\": 3, \"relation\": \"less than\"}",
                "Mr. Smith went home. He slept! Did he dream?")).isFalse();
        String three = "First part.\n***\nSecond part.\n***\nThird part.";
        assertThat(follows("length_constraints:number_paragraphs", "{\"num_paragraphs\": 3}", three)).isTrue();
        assertThat(follows("length_constraints:number_paragraphs", "{\"num_paragraphs\": 3}", "***\n" + three + "\n***")).isTrue();   // empty ends drop
        assertThat(follows("length_constraints:number_paragraphs", "{\"num_paragraphs\": 3}", "A\n***\n***\nB\n***\nC")).isFalse();   // empty middle
        String paragraphs = "Intro here.\n\n\"Summer, is warm.\n\nEnd.";
        assertThat(follows("length_constraints:nth_paragraph_first_word", "{\"num_paragraphs\": 3, \"nth_paragraph\": 2, \"first_word\": \"summer\"}", paragraphs)).isTrue();
        assertThat(follows("length_constraints:nth_paragraph_first_word", "{\"num_paragraphs\": 2, \"nth_paragraph\": 2, \"first_word\": \"summer\"}", paragraphs)).isFalse();
        assertThat(follows("length_constraints:nth_paragraph_first_word", "{\"num_paragraphs\": 3, \"nth_paragraph\": 3, \"first_word\": \"summer\"}", paragraphs)).isFalse();
    }

    @Test
    void contentAndFormat() {
        assertThat(follows("detectable_content:number_placeholders", "{\"num_placeholders\": 2}", "Dear [name], at [address]")).isTrue();
        assertThat(follows("detectable_content:number_placeholders", "{\"num_placeholders\": 3}", "Dear [name], at [address]")).isFalse();
        assertThat(follows("detectable_content:postscript", "{\"postscript_marker\": \"P.S.\"}", "Hello.\n\np.s. see you")).isTrue();
        assertThat(follows("detectable_content:postscript", "{\"postscript_marker\": \"P.P.S\"}", "Hello.\n\nP.S. see you")).isFalse();
        assertThat(follows("detectable_format:number_bullet_lists", "{\"num_bullets\": 3}", "Intro\n* one\n* two\n- three")).isTrue();
        assertThat(follows("detectable_format:number_bullet_lists", "{\"num_bullets\": 3}", "Intro\n* one\n** bold\n- three")).isFalse();
        assertThat(follows("detectable_format:constrained_response", "{}", "  My answer is maybe. ")).isTrue();
        assertThat(follows("detectable_format:constrained_response", "{}", "Maybe.")).isFalse();
        assertThat(follows("detectable_format:number_highlighted_sections", "{\"num_highlights\": 2}", "*one* and **two**")).isTrue();
        assertThat(follows("detectable_format:number_highlighted_sections", "{\"num_highlights\": 2}", "*one* and ** **")).isFalse();
        assertThat(follows("detectable_format:multiple_sections", "{\"section_spliter\": \"SECTION\", \"num_sections\": 2}", "SECTION 1\nA\nSECTION 2\nB")).isTrue();
        assertThat(follows("detectable_format:multiple_sections", "{\"section_spliter\": \"Section\", \"num_sections\": 2}", "SECTION 1\nA\nSECTION 2\nB")).isFalse();
        assertThat(follows("detectable_format:json_format", "{}", "```json\n{\"a\": [1, 2]}\n```")).isTrue();
        assertThat(follows("detectable_format:json_format", "{}", "  \"just a string\"  ")).isTrue();   // any JSON value
        assertThat(follows("detectable_format:json_format", "{}", "{\"a\": 1} and more")).isFalse();
        assertThat(follows("detectable_format:title", "{}", "<<Poem of Joy>>\nverse")).isTrue();
        assertThat(follows("detectable_format:title", "{}", "<< >>\nverse")).isFalse();
        assertThat(follows("combination:two_responses", "{}", "Answer one\n******\nAnswer two")).isTrue();
        assertThat(follows("combination:two_responses", "{}", "Same\n******\nSame ")).isFalse();
        assertThat(follows("combination:repeat_prompt", "{\"prompt_to_repeat\": \"Write a poem.\"}", "write a poem. Roses are red")).isTrue();
        assertThat(follows("combination:repeat_prompt", "{\"prompt_to_repeat\": \"Write a poem.\"}", "Sure! Write a poem.")).isFalse();
    }

    @Test
    void startEndCaseAndPunctuation() {
        assertThat(follows("startend:end_checker", "{\"end_phrase\": \"Any other questions?\"}", "Done. any other questions?\"  ")).isTrue();
        assertThat(follows("startend:end_checker", "{\"end_phrase\": \"Any other questions?\"}", "Any other questions? Bye")).isFalse();
        assertThat(follows("startend:quotation", "{}", " \"quoted\" ")).isTrue();
        assertThat(follows("startend:quotation", "{}", "\"")).isFalse();
        assertThat(follows("punctuation:no_comma", "{}", "No commas here")).isTrue();
        assertThat(follows("punctuation:no_comma", "{}", "One, two")).isFalse();
        // Treebank tokens: IT'S is IT + 'S (both upper), I is upper, U.S. is upper
        assertThat(follows("change_case:capital_word_frequency", "{\"capital_frequency\": 4, \"capital_relation\": \"at least\"}", "IT'S what I saw in the U.S.")).isTrue();
        assertThat(follows("change_case:capital_word_frequency", "{\"capital_frequency\": 5, \"capital_relation\": \"at least\"}", "IT'S what I saw in the U.S.")).isFalse();
        assertThat(follows("change_case:english_capital", "{}", "THIS IS A RESPONSE WRITTEN ENTIRELY IN CAPITAL LETTERS ABOUT THE WEATHER.")).isTrue();
        assertThat(follows("change_case:english_capital", "{}", "THIS IS A RESPONSE written IN CAPITAL LETTERS.")).isFalse();
        assertThat(follows("change_case:english_lowercase", "{}", "this is a response written entirely in lowercase letters about the weather.")).isTrue();
        assertThat(follows("change_case:english_lowercase", "{}", "ceci est une réponse écrite entièrement en lettres minuscules sur le temps qu'il fait.")).isFalse();
    }

    @Test
    void responseLanguageUsesLangdetectProfiles() {
        assertThat(LanguageIdentifier.detect("The weather is lovely today, and we are going to walk in the park.")).contains("en");
        assertThat(LanguageIdentifier.detect("Le temps est magnifique aujourd'hui et nous allons nous promener dans le parc.")).contains("fr");
        assertThat(LanguageIdentifier.detect("ಹ್ಯಾಂಬರ್ಗರ್‌ಗಳು ಸ್ಯಾಂಡ್‌ವಿಚ್‌ಗಳೇ? ಹೌದು, ಅವುಗಳನ್ನು ಸ್ಯಾಂಡ್‌ವಿಚ್ ಎಂದು ಪರಿಗಣಿಸಬಹುದು.")).contains("kn");
        assertThat(LanguageIdentifier.detect("12345 !!! ???")).isEmpty();   // nothing to detect: IFEval counts it as followed
        assertThat(follows("language:response_language", "{\"language\": \"kn\"}", "ಹೌದು, ಅವುಗಳನ್ನು ಸ್ಯಾಂಡ್‌ವಿಚ್ ಎಂದು ಪರಿಗಣಿಸಬಹುದು.")).isTrue();
        assertThat(follows("language:response_language", "{\"language\": \"kn\"}", "Yes, hamburgers can be considered sandwiches.")).isFalse();
        assertThat(follows("language:response_language", "{\"language\": \"kn\"}", "12345")).isTrue();
    }

    @Test
    void looseJudgementDropsFirstOrLastLineAndAsterisks() {
        InstructionFollowing judge = InstructionFollowing.ifeval();
        var checks = judge.bind(List.of("startend:quotation", "detectable_format:title", "punctuation:no_comma"),
                CanonicalJson.parse("[{}, {}, {}]"));
        // "Sure, here it is:" first line breaks the quotation and the comma rule strictly; loosely it is dropped
        String response = "Sure, here it is:\n\"<<A Title>>\nNo commas at all.\"";
        InstructionFollowing.Verdicts v = judge.judge(checks, response);
        assertThat(v.strict()).containsExactly(false, true, false);
        assertThat(v.loose()).containsExactly(true, true, true);
        assertThat(v.allStrict()).isFalse();
        assertThat(v.allLoose()).isTrue();
        assertThat(judge.judge(checks, "   ").strict()).containsExactly(false, false, false);   // blank follows nothing
        assertThat(InstructionFollowing.looseVariants("a\n*b*\nc")).containsExactly("a\n*b*\nc", "a\nb\nc", "*b*\nc", "a\n*b*", "*b*",
                "b\nc", "a\nb", "b");
    }

    @Test
    void unknownInstructionsAndMissingArgumentsAreNamed() {
        InstructionFollowing judge = InstructionFollowing.ifeval();
        assertThatThrownBy(() -> judge.bind(List.of("keywords:nope"), CanonicalJson.parse("[{}]")))
                .hasMessageContaining("unknown instruction 'keywords:nope'");
        assertThatThrownBy(() -> judge.bind(List.of("length_constraints:number_words"), CanonicalJson.parse("[{\"num_words\": 5, \"relation\": null}]")))
                .hasMessageContaining("length_constraints:number_words").hasMessageContaining("'relation' missing");
        assertThatThrownBy(() -> judge.bind(List.of("length_constraints:number_words"), CanonicalJson.parse("[{\"num_words\": 5, \"relation\": \"more than\"}]")))
                .hasMessageContaining("'less than' or 'at least'");
    }

    @Test
    void ifevalsSentenceSplitterKeepsAbbreviationsAndDecimals() {
        assertThat(TextUnits.splitIntoSentences("Mr. Smith paid 3.5 dollars. Then he left! Why?"))
                .containsExactly("Mr. Smith paid 3.5 dollars.", "Then he left!", "Why?");
        assertThat(TextUnits.countSentences("It costs 5 dollars... maybe more. Dr. Who agreed. e.g. this one")).isEqualTo(3);
        assertThat(TextUnits.wordTokenize("IT'S a test, isn't it?")).containsExactly("IT", "'S", "a", "test", ",", "is", "n't", "it", "?");
    }
}

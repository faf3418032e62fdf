package dev.nemotron4j.train.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Assistant-token masks with the tiny fixtures' tokenizer, checked by hand: the ids below were worked out from
 * tiny-a's tokenizer.json (split regex, byte alphabet, merges) independently of the Java tokenizer. Reserved ids:
 * 10 {@code <|im_start|>}, 11 {@code <|im_end|>}, 12 {@code <think>}, 13 {@code </think>}; 42 is {@code \n}.
 */
class ChatDocumentEncoderTest {

    private static final Tokenizer TOKENIZER = TestCorpus.tinyTokenizer();
    private static final ChatDocumentEncoder ENCODER = new ChatDocumentEncoder(TOKENIZER);
    private static final ChatRequestOptions DEFAULTS = ChatRequestOptions.DEFAULTS;

    /** {@code <|im_start|>system\n<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n}. */
    private static final int[] PROMPT_HI = {10, 147, 153, 298, 413, 42, 11, 42, 10, 387, 42, 104, 137, 11, 42, 10, 457, 42};
    /** {@code <think>\n ok \n</think>\n Yo <|im_end|>}: 12 42 | o k \n </think> \n Y o <|im_end|>. */
    private static final int[] TURN_OK_YO = {12, 42, 143, 139, 42, 13, 42, 121, 143, 11};

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    private static int[] targetIndices(TokenDocument d) {
        return IntStream.range(0, d.length()).filter(i -> d.targets()[i]).toArray();
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    private static List<TokenDocument> encode(ChatRequestOptions options, ChatMessage... messages) {
        return ENCODER.encode(Example.Chat.of(List.of(messages), List.of(), options));
    }

    /** The target tokens of a document decoded, one string per contiguous run. */
    private static List<String> targetRuns(TokenDocument d) {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < d.length()) {
            if (!d.targets()[i]) {
                i++;
                continue;
            }
            int start = i;
            while (i < d.length() && d.targets()[i]) i++;
            runs.add(TOKENIZER.decode(Arrays.copyOfRange(d.tokens(), start, i), false));
        }
        return runs;
    }

    @Test
    void reasoningTurnLearnsEverythingAfterTheThinkOpeningTheGenerationPromptSupplies() {
        List<TokenDocument> docs = encode(DEFAULTS, ChatMessage.user("Hi"), ChatMessage.assistant("Yo", "ok", List.of()));
        assertThat(docs).hasSize(1);
        TokenDocument d = docs.getFirst();
        assertThat(d.tokens()).containsExactly(concat(PROMPT_HI, TURN_OK_YO));
        // positions 0-17 prompt and header, 18-19 "<think>\n" (in the generation prompt), 20-27 learned
        assertThat(targetIndices(d)).containsExactly(range(20, 28));
        assertThat(targetRuns(d)).containsExactly("ok\n</think>\nYo<|im_end|>");
    }

    @Test
    void reasoningOffTurnLearnsTheAnswerAfterTheEmptyThink() {
        TokenDocument d = encode(DEFAULTS, ChatMessage.user("Hi"), ChatMessage.assistant("Yo")).getFirst();
        assertThat(d.tokens()).containsExactly(concat(PROMPT_HI, new int[] {12, 13, 121, 143, 11}));
        assertThat(targetIndices(d)).containsExactly(20, 21, 22);
    }

    @Test
    void historyTruncationGivesTheEarlierTurnItsOwnDocumentWithItsReasoning() {
        ChatMessage[] conversation = {ChatMessage.user("Hi"), ChatMessage.assistant("Yo", "ok", List.of()),
                ChatMessage.user("Go"), ChatMessage.assistant("No", "k", List.of())};
        int[] userGo = {42, 10, 387, 42, 103, 143, 11, 42, 10, 457, 42};
        int[] turnKNo = {12, 42, 139, 42, 13, 42, 110, 143, 11};

        List<TokenDocument> truncated = encode(DEFAULTS, conversation);
        assertThat(truncated).hasSize(2);
        assertThat(truncated.get(0).tokens()).containsExactly(concat(PROMPT_HI, TURN_OK_YO));
        assertThat(targetIndices(truncated.get(0))).containsExactly(range(20, 28));
        // in the full conversation the first answer is history: "<think></think>\nYo", not learned there
        TokenDocument last = truncated.get(1);
        assertThat(last.tokens()).containsExactly(concat(PROMPT_HI, new int[] {12, 13, 42, 121, 143, 11}, userGo, turnKNo));
        assertThat(targetIndices(last)).containsExactly(range(37, 44));
        assertThat(targetRuns(last)).containsExactly("k\n</think>\nNo<|im_end|>");

        List<TokenDocument> kept = encode(DEFAULTS.withTruncateHistoryThinking(false), conversation);
        assertThat(kept).hasSize(1);
        TokenDocument one = kept.getFirst();
        assertThat(one.tokens()).containsExactly(concat(PROMPT_HI, TURN_OK_YO, userGo, turnKNo));
        assertThat(targetIndices(one)).containsExactly(concat(range(20, 28), range(41, 48)));
    }

    @Test
    void toolCallChainIsOneDocumentAndTheToolResponseIsNotLearned() {
        ToolDefinition weather = ToolDefinition.function("get_weather", "Weather of a city.",
                JsonNodeFactory.instance.objectNode().put("type", "object"));
        ToolCall call = ToolCall.of("c1", "get_weather", JsonNodeFactory.instance.objectNode().put("city", "Oslo"));
        List<ChatMessage> messages = List.of(ChatMessage.user("Hi"), ChatMessage.assistant(null, "ok", List.of(call)),
                ChatMessage.tool("c1", "{\"t\": 1}"), ChatMessage.assistant("Yo"));
        List<TokenDocument> docs = ENCODER.encode(Example.Chat.of(messages, List.of(weather), DEFAULTS));
        assertThat(docs).hasSize(1);
        assertThat(targetRuns(docs.getFirst())).containsExactly(
                "ok\n</think>\n<tool_call>\n<function=get_weather>\n<parameter=city>\nOslo\n</parameter>\n</function>\n"
                        + "</tool_call>\n<|im_end|>",
                "Yo<|im_end|>");
        assertThat(TOKENIZER.decode(docs.getFirst().tokens(), false)).contains("<tool_response>\n{\"t\": 1}\n</tool_response>")
                .endsWith("<|im_start|>assistant\n<think></think>Yo<|im_end|>");
    }

    @Test
    void aCompletionLearnsOnlyTheExpectedTurns() {
        ChatRequest prompt = new ChatRequest(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Yo"),
                ChatMessage.user("Go")), List.of(), DEFAULTS);
        List<TokenDocument> docs = ENCODER.encode(Example.Chat.completion(prompt, List.of(ChatMessage.assistant("No"))));
        assertThat(docs).hasSize(1);
        assertThat(targetRuns(docs.getFirst())).containsExactly("No<|im_end|>");
    }

    @Test
    void aTokenAcrossTheHeaderBoundaryMovesTheMaskToTheHeaderThatStillMatches() {
        // "<think>\n" + "\n\nok": the three newlines are one pre-token, BPE'd to "ĊĊ" "Ċ", so the reasoning-on header's
        // lone "Ċ" is not a token prefix; the bare header matches and <think> itself is learned
        TokenDocument d = encode(DEFAULTS, ChatMessage.user("Hi"), ChatMessage.assistant("Yo", "\n\nok", List.of())).getFirst();
        assertThat(d.tokens()).containsExactly(concat(PROMPT_HI, new int[] {12, 317, 42, 143, 139, 42, 13, 42, 121, 143, 11}));
        assertThat(targetIndices(d)).containsExactly(range(18, 29));
    }

    @Test
    void anExampleWithoutAssistantTurnsToLearnIsAnError() {
        assertThatThrownBy(() -> encode(DEFAULTS, ChatMessage.user("Hi"))).hasMessageContaining("no assistant message");
        assertThatThrownBy(() -> encode(DEFAULTS, ChatMessage.assistant("Yo"))).hasMessageContaining("message 0");
    }
}

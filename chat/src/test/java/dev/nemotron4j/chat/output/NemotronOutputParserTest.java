package dev.nemotron4j.chat.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ChatRequestOptions;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.output.OutputEvent.ContentDelta;
import dev.nemotron4j.chat.output.OutputEvent.MalformedToolCall;
import dev.nemotron4j.chat.output.OutputEvent.ReasoningDelta;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallArgumentsDelta;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallCompleted;
import dev.nemotron4j.chat.output.OutputEvent.ToolCallStarted;
import dev.nemotron4j.chat.template.NemotronChatFormat;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class NemotronOutputParserTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static final List<ToolDefinition> TOOLS = List.of(
            tool("get_weather", """
                    {"type": "object", "properties": {
                      "location": {"type": "string"},
                      "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                      "extra": {"type": "object"}, "n": {"type": "integer"}, "flag": {"type": "boolean"}},
                     "required": ["location"]}"""),
            tool("search_flights", """
                    {"type": "object", "properties": {
                      "origin": {"type": "string"}, "max_results": {"type": "integer"}, "ratio": {"type": "number"},
                      "airlines": {"type": "array", "items": {"type": "string"}}, "direct_only": {"type": "boolean"},
                      "when": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                      "filters": {"type": ["object", "null"]}, "note": {"type": "string"}}}"""));

    static final String WEATHER_CALL = "<tool_call>\n<function=get_weather>\n<parameter=location>\nParis\n</parameter>\n"
            + "<parameter=unit>\ncelsius\n</parameter>\n</function>\n</tool_call>\n";

    /** The outputs of PROTOCOL.md section 3 and 4, plus edge cases; name -> (reasoning on?, text). */
    static final Map<String, Example> EXAMPLES = new LinkedHashMap<>();

    record Example(boolean reasoning, String text) {
    }

    static {
        EXAMPLES.put("example 1: reasoning then answer", new Example(true, "17 × 23 is 391 ...\n</think>\n17 × 23 = 391"));
        EXAMPLES.put("example 2: reasoning off", new Example(false, "17 × 23 = 391"));
        EXAMPLES.put("example 3: reasoning then tool call", new Example(true,
                "The user wants the current weather in Paris in celsius. I should call get_weather.\n</think>\n" + WEATHER_CALL));
        EXAMPLES.put("example 3 continued: answer after the tool response", new Example(true,
                "The tool says 18 °C ...\n</think>\nIt is 18 °C and cloudy in Paris."));
        EXAMPLES.put("parallel calls after prose, reasoning off", new Example(false,
                "I'll check both cities.\n<tool_call>\n<function=get_weather>\n<parameter=location>\nOslo\n</parameter>\n"
                        + "</function>\n</tool_call>\n<tool_call>\n<function=get_weather>\n<parameter=location>\nRome\n</parameter>\n"
                        + "<parameter=extra>\n{\"days\": [1, 2]}\n</parameter>\n<parameter=n>\n3\n</parameter>\n"
                        + "<parameter=flag>\nTrue\n</parameter>\n</function>\n</tool_call>\n"));
        EXAMPLES.put("stopped inside reasoning", new Example(true, "Let me think about <tool_cal and </thin"));
        EXAMPLES.put("tool call inside unclosed reasoning", new Example(true, "I should call get_weather.\n" + WEATHER_CALL));
        EXAMPLES.put("typed arguments", new Example(false, "<tool_call>\n<function=search_flights>\n"
                + "<parameter=origin>\n 0042 \n</parameter>\n<parameter=max_results>\n 1_000 \n</parameter>\n"
                + "<parameter=ratio>\n2.0\n</parameter>\n<parameter=airlines>\n['AF', \"KL\"]\n</parameter>\n"
                + "<parameter=direct_only>\nFalse\n</parameter>\n<parameter=when>\nnull\n</parameter>\n"
                + "<parameter=filters>\n{\"max\": 1.5, \"tags\": [\"a\", null]}\n</parameter>\n"
                + "<parameter=note>\nnull\n</parameter>\n<parameter=unknown>\n42\n</parameter>\n</function>\n</tool_call>"));
        EXAMPLES.put("multi-line value with markup-like text", new Example(false, "<tool_call>\n<function=get_weather>\n"
                + "<parameter=location>\nline one\n<b>two</b> < 3\n\n</parameter>\n</function>\n</tool_call>"));
        EXAMPLES.put("missing closing tags at the end", new Example(true,
                "r\n</think>\n<tool_call>\n<function=get_weather>\n<parameter=location>\nBerlin"));
        EXAMPLES.put("missing </function> and </parameter> before </tool_call>", new Example(false,
                "<tool_call>\n<function=get_weather>\n<parameter=location>\nLyon\n<parameter=unit>\ncelsius\n</tool_call>"));
        EXAMPLES.put("JSON inside tool_call is malformed", new Example(false,
                "Calling.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {}}\n</tool_call>\n" + WEATHER_CALL));
        EXAMPLES.put("junk inside a function is malformed", new Example(false,
                "<tool_call>\n<function=get_weather>\noops\n<parameter=location>\nX\n</parameter>\n</function>\n</tool_call>"));
        EXAMPLES.put("duplicate parameter is malformed", new Example(false,
                "<tool_call>\n<function=get_weather>\n<parameter=location>\nX\n</parameter>\n<parameter=location>\nY\n"
                        + "</parameter>\n</function>\n</tool_call>"));
        EXAMPLES.put("unterminated function header at the end", new Example(false, "<tool_call>\n<function=get_wea"));
        EXAMPLES.put("bare function without tool_call tags", new Example(false,
                "Sure: <function=get_weather>\n<parameter=location>\nRome\n</parameter>\n</function>"));
        EXAMPLES.put("prose after the last call is dropped", new Example(false, WEATHER_CALL + "Done! 😀"));
        EXAMPLES.put("non-BMP characters everywhere", new Example(true,
                "𝔘 thinking 😀\n</think>\n\n🎉 answer 𝔘\n<tool_call>\n<function=get_weather>\n<parameter=location>\n😀𝔘\n"
                        + "</parameter>\n</function>\n</tool_call>"));
        EXAMPLES.put("lookalike markers stay text", new Example(true,
                "a </thinking> b <\n</think>\n<tool_calls> <function x <parameter=1> </tool_call"));
    }

    static ToolDefinition tool(String name, String parametersJson) {
        try {
            return ToolDefinition.function(name, null, JSON.readTree(parametersJson));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static OutputParserOptions options(boolean reasoning) {
        AtomicInteger ids = new AtomicInteger();
        return new OutputParserOptions(reasoning, true, TOOLS, () -> "call_" + ids.getAndIncrement());
    }

    static List<OutputEvent> feedAll(boolean reasoning, List<String> pieces) {
        NemotronOutputParser parser = new NemotronOutputParser(options(reasoning));
        List<OutputEvent> events = new ArrayList<>();
        for (String piece : pieces) events.addAll(parser.feed(piece));
        events.addAll(parser.finish());
        return events;
    }

    /** Merges adjacent text pieces so that event lists from different feeding patterns compare equal. */
    static List<OutputEvent> coalesce(List<OutputEvent> events) {
        List<OutputEvent> merged = new ArrayList<>();
        for (OutputEvent event : events) {
            OutputEvent last = merged.isEmpty() ? null : merged.getLast();
            OutputEvent combined = switch (event) {
                case ReasoningDelta(String t) when last instanceof ReasoningDelta(String p) -> new ReasoningDelta(p + t);
                case ContentDelta(String t) when last instanceof ContentDelta(String p) -> new ContentDelta(p + t);
                case ToolCallArgumentsDelta(int i, String t) when last instanceof ToolCallArgumentsDelta(int j, String p)
                        && i == j -> new ToolCallArgumentsDelta(i, p + t);
                default -> null;
            };
            if (combined != null) merged.set(merged.size() - 1, combined);
            else merged.add(event);
        }
        return merged;
    }

    // ---- split invariance ----

    @TestFactory
    Stream<DynamicTest> everySplitGivesTheSameEventsAsTheWholeText() {
        return EXAMPLES.entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            Example example = entry.getValue();
            String text = example.text();
            List<OutputEvent> whole = coalesce(feedAll(example.reasoning(), List.of(text)));
            // Every single cut point (two pieces).
            for (int cut = 0; cut <= text.length(); cut++) {
                List<OutputEvent> split = feedAll(example.reasoning(), List.of(text.substring(0, cut), text.substring(cut)));
                assertThat(coalesce(split)).as("cut at char %d", cut).isEqualTo(whole);
            }
            // One UTF-16 unit at a time (cuts at every char boundary at once, even inside surrogate pairs).
            List<String> chars = new ArrayList<>();
            for (char c : text.toCharArray()) chars.add(String.valueOf(c));
            assertThat(coalesce(feedAll(example.reasoning(), chars))).as("char by char").isEqualTo(whole);
            // One byte at a time through the UTF-8 stream decoder, as token bytes arrive.
            Utf8StreamDecoder decoder = new Utf8StreamDecoder();
            List<String> fromBytes = new ArrayList<>();
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) fromBytes.add(decoder.decode(new byte[] {b}));
            fromBytes.add(decoder.finish());
            assertThat(String.join("", fromBytes)).isEqualTo(text);
            assertThat(coalesce(feedAll(example.reasoning(), fromBytes))).as("byte by byte").isEqualTo(whole);
            // And the folded result is the same as parse().
            assertThat(ParsedOutput.fromEvents(feedAll(example.reasoning(), chars)))
                    .isEqualTo(NemotronOutputParser.parse(text, options(example.reasoning())));
        }));
    }

    /** Random soups of markers, fragments of markers and text: any cut must give the same events. */
    @Test
    void randomMarkupIsSplitInvariant() {
        String[] pieces = {"<tool_call>", "</tool_call>", "<function=get_weather>", "<function=search_flights>",
                "<parameter=location>", "<parameter=max_results>", "<parameter=airlines>", "</parameter>", "</function>",
                "</think>", "\n", "\n", " ", "x", "42", "[1, 2]", "<", ">", "</", "<func", "</tool", "<parameter=", "😀", "null"};
        java.util.Random random = new java.util.Random(12345);
        for (int round = 0; round < 400; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(30); i > 0; i--) text.append(pieces[random.nextInt(pieces.length)]);
            boolean reasoning = random.nextBoolean();
            List<OutputEvent> whole = coalesce(feedAll(reasoning, List.of(text.toString())));
            List<String> chunks = new ArrayList<>();
            for (int start = 0; start < text.length(); ) {
                int end = Math.min(text.length(), start + 1 + random.nextInt(4));
                chunks.add(text.substring(start, end));
                start = end;
            }
            assertThat(coalesce(feedAll(reasoning, chunks))).as("round %d: %s", round, text).isEqualTo(whole);
        }
    }

    @Test
    void argumentFragmentsConcatenateToTheArgumentsJson() {
        for (Example example : EXAMPLES.values()) {
            List<OutputEvent> events = feedAll(example.reasoning(), List.of(example.text()));
            Map<Integer, StringBuilder> fragments = new LinkedHashMap<>();
            for (OutputEvent event : events) {
                if (event instanceof ToolCallArgumentsDelta(int index, String fragment)) {
                    fragments.computeIfAbsent(index, i -> new StringBuilder()).append(fragment);
                }
                if (event instanceof ToolCallCompleted(int index, ToolCall call)) {
                    assertThat(fragments.get(index).toString()).isEqualTo(call.argumentsJson());
                }
            }
        }
    }

    // ---- the PROTOCOL.md examples ----

    @Test
    void example1SplitsReasoningFromTheAnswer() {
        ParsedOutput out = parse("example 1: reasoning then answer");
        assertThat(out.reasoning()).isEqualTo("17 × 23 is 391 ...");
        assertThat(out.content()).isEqualTo("17 × 23 = 391");
        assertThat(out.toolCalls()).isEmpty();
        assertThat(out.finishReason(false)).isEqualTo("stop");
    }

    @Test
    void example2WithReasoningOffIsAllContent() {
        ParsedOutput out = parse("example 2: reasoning off");
        assertThat(out.reasoning()).isNull();
        assertThat(out.content()).isEqualTo("17 × 23 = 391");
    }

    @Test
    void example3IsReasoningAndOneCallWithNullContent() {
        ParsedOutput out = parse("example 3: reasoning then tool call");
        assertThat(out.reasoning()).isEqualTo("The user wants the current weather in Paris in celsius. I should call get_weather.");
        assertThat(out.content()).isNull();
        assertThat(out.toolCalls()).hasSize(1);
        ToolCall call = out.toolCalls().getFirst();
        assertThat(call.id()).isEqualTo("call_0");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.argumentsJson()).isEqualTo("{\"location\": \"Paris\", \"unit\": \"celsius\"}");
        assertThat(out.finishReason(false)).isEqualTo("tool_calls");
    }

    @Test
    void example3ReRendersToExactlyTheGeneratedTokens() {
        Example example = EXAMPLES.get("example 3: reasoning then tool call");
        ParsedOutput out = parse("example 3: reasoning then tool call");
        ChatMessage turn = ChatMessage.assistant(out.content(), out.reasoning(), out.toolCalls());
        String prompt = NemotronChatFormat.render(List.of(ChatMessage.user("q")), List.of(), ChatRequestOptions.DEFAULTS);
        String rendered = NemotronChatFormat.render(List.of(ChatMessage.user("q"), turn), List.of(),
                ChatRequestOptions.DEFAULTS.withAddGenerationPrompt(false));
        // The history turn is the generation prompt followed by what the model generated, then the stop token.
        assertThat(rendered).isEqualTo(prompt + example.text() + "<|im_end|>\n");
    }

    @Test
    void answerAfterToolResponse() {
        ParsedOutput out = parse("example 3 continued: answer after the tool response");
        assertThat(out.reasoning()).isEqualTo("The tool says 18 °C ...");
        assertThat(out.content()).isEqualTo("It is 18 °C and cloudy in Paris.");
    }

    @Test
    void parallelCallsKeepProseAndCoerceTypes() {
        ParsedOutput out = parse("parallel calls after prose, reasoning off");
        assertThat(out.content()).isEqualTo("I'll check both cities.\n");
        assertThat(out.toolCalls()).extracting(ToolCall::id).containsExactly("call_0", "call_1");
        assertThat(out.toolCalls()).extracting(ToolCall::argumentsJson).containsExactly(
                "{\"location\": \"Oslo\"}",
                "{\"location\": \"Rome\", \"extra\": {\"days\": [1, 2]}, \"n\": 3, \"flag\": true}");
    }

    @Test
    void streamingEventsComeInProtocolOrder() {
        List<OutputEvent> events = coalesce(feedAll(false, List.of(EXAMPLES.get("parallel calls after prose, reasoning off").text())));
        assertThat(events).hasSize(7);
        assertThat(events.get(0)).isEqualTo(new ContentDelta("I'll check both cities.\n"));
        assertThat(events.get(1)).isEqualTo(new ToolCallStarted(0, "call_0", "get_weather"));
        assertThat(events.get(2)).isEqualTo(new ToolCallArgumentsDelta(0, "{\"location\": \"Oslo\"}"));
        assertThat(events.get(3)).isInstanceOf(ToolCallCompleted.class);
        assertThat(events.get(4)).isEqualTo(new ToolCallStarted(1, "call_1", "get_weather"));
    }

    @Test
    void stoppedInsideReasoningIsAllReasoning() {
        ParsedOutput out = parse("stopped inside reasoning");
        assertThat(out.reasoning()).isEqualTo("Let me think about <tool_cal and </thin");
        assertThat(out.content()).isNull();
        assertThat(out.toolCalls()).isEmpty();
    }

    @Test
    void toolCallInsideUnclosedReasoningEndsTheReasoning() {
        ParsedOutput out = parse("tool call inside unclosed reasoning");
        assertThat(out.reasoning()).isEqualTo("I should call get_weather.");
        assertThat(out.content()).isNull();
        assertThat(out.toolCalls()).singleElement().extracting(ToolCall::argumentsJson)
                .isEqualTo("{\"location\": \"Paris\", \"unit\": \"celsius\"}");
        assertThat(out.finishReason(false)).isEqualTo("tool_calls");
        // without tools offered the markup is just reasoning text
        NemotronOutputParser plain = new NemotronOutputParser(new OutputParserOptions(true, false, List.of(), null));
        List<OutputEvent> events = new ArrayList<>(plain.feed("I should call get_weather.\n" + WEATHER_CALL));
        events.addAll(plain.finish());
        assertThat(ParsedOutput.fromEvents(events).reasoning()).isEqualTo("I should call get_weather.\n" + WEATHER_CALL);
    }

    @Test
    void aCallCutOffByTheTokenLimitIsNeverACall() {
        String text = EXAMPLES.get("missing closing tags at the end").text();
        for (int cut = 1; cut <= text.length(); cut++) {
            NemotronOutputParser parser = new NemotronOutputParser(options(true));
            List<OutputEvent> events = new ArrayList<>(parser.feed(text.substring(0, cut)));
            events.addAll(parser.finish(true));
            ParsedOutput out = ParsedOutput.fromEvents(events);
            assertThat(out.toolCalls()).as("cut at %d", cut).isEmpty();
            assertThat(out.finishReason(true)).isEqualTo("length");
            if (text.substring(0, cut).contains("<tool_call>")) {
                assertThat(out.malformed()).as("cut at %d", cut).singleElement()
                        .satisfies(m -> assertThat(m.reason()).contains("cut off"));
            }
        }
        // a call completed before the cut stays a call, but the answer was still cut: finish_reason length
        NemotronOutputParser parser = new NemotronOutputParser(options(false));
        List<OutputEvent> events = new ArrayList<>(parser.feed(WEATHER_CALL + "<tool_call>\n<function=get_weather>\n"));
        events.addAll(parser.finish(true));
        ParsedOutput out = ParsedOutput.fromEvents(events);
        assertThat(out.toolCalls()).hasSize(1);
        assertThat(out.malformed()).hasSize(1);
        assertThat(out.finishReason(true)).isEqualTo("length");
    }

    @Test
    void argumentTypesFollowTheSchema() throws Exception {
        ParsedOutput out = parse("typed arguments");
        JsonNode arguments = JSON.readTree(out.toolCalls().getFirst().argumentsJson());
        assertThat(arguments.get("origin").textValue()).isEqualTo(" 0042 ");
        assertThat(arguments.get("max_results").intValue()).isEqualTo(1000);
        assertThat(arguments.get("ratio").isIntegralNumber()).isTrue();
        assertThat(arguments.get("ratio").intValue()).isEqualTo(2);
        assertThat(arguments.get("airlines").toString()).isEqualTo("[\"AF\",\"KL\"]");
        assertThat(arguments.get("direct_only").booleanValue()).isFalse();
        assertThat(arguments.get("when").isNull()).isTrue();
        assertThat(arguments.get("filters").toString()).isEqualTo("{\"max\":1.5,\"tags\":[\"a\",null]}");
        assertThat(arguments.get("note").textValue()).isEqualTo("null");
        assertThat(arguments.get("unknown").textValue()).isEqualTo("42");
        assertThat(out.toolCalls().getFirst().argumentsJson()).startsWith(
                "{\"origin\": \" 0042 \", \"max_results\": 1000, \"ratio\": 2, \"airlines\": [\"AF\", \"KL\"], ");
    }

    @Test
    void onlyOneNewlineIsStrippedFromEachSideOfAValue() {
        ParsedOutput out = parse("multi-line value with markup-like text");
        assertThat(out.toolCalls().getFirst().arguments().get("location").textValue()).isEqualTo("line one\n<b>two</b> < 3\n");
    }

    @Test
    void missingClosingTagsAtTheEndAreTolerated() {
        ParsedOutput out = parse("missing closing tags at the end");
        assertThat(out.reasoning()).isEqualTo("r");
        assertThat(out.toolCalls()).singleElement().extracting(ToolCall::argumentsJson).isEqualTo("{\"location\": \"Berlin\"}");
        assertThat(out.malformed()).isEmpty();

        ParsedOutput beforeToolCallClose = parse("missing </function> and </parameter> before </tool_call>");
        assertThat(beforeToolCallClose.toolCalls()).singleElement().extracting(ToolCall::argumentsJson)
                .isEqualTo("{\"location\": \"Lyon\", \"unit\": \"celsius\"}");
    }

    @Test
    void jsonStyleCallIsReportedWithItsRawTextAndParsingGoesOn() {
        ParsedOutput out = parse("JSON inside tool_call is malformed");
        assertThat(out.content()).isEqualTo("Calling.\n");
        assertThat(out.malformed()).singleElement().satisfies(broken -> {
            assertThat(broken.rawText()).isEqualTo("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {}}\n</tool_call>");
            assertThat(broken.wasStarted()).isFalse();
            assertThat(broken.reason()).contains("<function=");
        });
        assertThat(out.toolCalls()).singleElement().extracting(ToolCall::id).isEqualTo("call_0");
    }

    @Test
    void junkInsideAStartedCallIsReportedWithItsIndex() {
        List<OutputEvent> events = feedAll(false, List.of(EXAMPLES.get("junk inside a function is malformed").text()));
        assertThat(events).first().isEqualTo(new ToolCallStarted(0, "call_0", "get_weather"));
        assertThat(events).filteredOn(e -> e instanceof ToolCallCompleted).isEmpty();
        MalformedToolCall broken = (MalformedToolCall) events.getLast();
        assertThat(broken.index()).isZero();
        assertThat(broken.rawText()).isEqualTo(EXAMPLES.get("junk inside a function is malformed").text());
    }

    @Test
    void duplicateParameterAndTruncatedHeaderAreMalformed() {
        assertThat(parse("duplicate parameter is malformed").malformed()).singleElement()
                .satisfies(m -> assertThat(m.reason()).contains("location"));
        ParsedOutput truncated = parse("unterminated function header at the end");
        assertThat(truncated.toolCalls()).isEmpty();
        assertThat(truncated.malformed()).singleElement()
                .satisfies(m -> assertThat(m.rawText()).isEqualTo("<tool_call>\n<function=get_wea"));
    }

    @Test
    void bareFunctionBlockIsACall() {
        ParsedOutput out = parse("bare function without tool_call tags");
        assertThat(out.content()).isEqualTo("Sure: ");
        assertThat(out.toolCalls()).singleElement().extracting(ToolCall::argumentsJson).isEqualTo("{\"location\": \"Rome\"}");
    }

    @Test
    void proseAfterTheLastCallIsDropped() {
        ParsedOutput out = parse("prose after the last call is dropped");
        assertThat(out.content()).isNull();
        assertThat(out.toolCalls()).hasSize(1);
    }

    @Test
    void nonBmpCharactersSurvive() {
        ParsedOutput out = parse("non-BMP characters everywhere");
        assertThat(out.reasoning()).isEqualTo("𝔘 thinking 😀");
        assertThat(out.content()).isEqualTo("\n🎉 answer 𝔘\n");
        assertThat(out.toolCalls().getFirst().argumentsJson()).isEqualTo("{\"location\": \"😀𝔘\"}");
    }

    @Test
    void lookalikeMarkersStayText() {
        ParsedOutput out = parse("lookalike markers stay text");
        assertThat(out.reasoning()).isEqualTo("a </thinking> b <");
        assertThat(out.content()).isEqualTo("<tool_calls> <function x <parameter=1> </tool_call");
        assertThat(out.toolCalls()).isEmpty();
        assertThat(out.malformed()).isEmpty();
    }

    @Test
    void withoutToolsTheMarkupIsPlainContent() {
        OutputParserOptions noTools = OutputParserOptions.forPrompt("<|im_start|>assistant\n<think></think>", List.of());
        assertThat(noTools.startsInReasoning()).isFalse();
        ParsedOutput out = NemotronOutputParser.parse(WEATHER_CALL, noTools);
        assertThat(out.content()).isEqualTo(WEATHER_CALL);
        assertThat(out.toolCalls()).isEmpty();
    }

    @Test
    void promptDecidesTheStartingState() {
        assertThat(OutputParserOptions.forPrompt("<|im_start|>assistant\n<think>\n", TOOLS).startsInReasoning()).isTrue();
        assertThat(OutputParserOptions.forPrompt("<|im_start|>assistant\n<think>\n", TOOLS).parseToolCalls()).isTrue();
        assertThat(OutputParserOptions.randomToolCallId()).matches("call_[0-9a-f]{24}");
    }

    static ParsedOutput parse(String exampleName) {
        Example example = EXAMPLES.get(exampleName);
        return NemotronOutputParser.parse(example.text(), options(example.reasoning()));
    }
}

package dev.nemotron4j.train.tasks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.chat.template.NemotronChatFormat;
import dev.nemotron4j.train.tasks.ToolUseEnvironment.ConversionRequest;
import dev.nemotron4j.train.tasks.ToolUseEnvironment.WeatherRequest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolUseEnvironmentTest {

    private static final ToolUseEnvironment ENVIRONMENT = new ToolUseEnvironment();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static Task weather() {
        return ToolUseEnvironment.task(7, new WeatherRequest("Lisbon", 21), "call_1");
    }

    private static Task conversion(String value, String from, String to) {
        return ToolUseEnvironment.task(7, new ConversionRequest(value, UnitConversion.of(from, to).orElseThrow()), "call_2");
    }

    @Test
    void questionsToolResultsAndAnswersHaveTheIssuesWording() {
        Task task = weather();
        assertThat(task.question()).isEqualTo("What is the weather in Lisbon?");
        assertThat(task.steps().getFirst().replies()).containsExactly(ChatMessage.tool("call_1", "{\"temp_c\": 21}"));
        assertThat(task.steps().getLast().withoutReasoning().content()).isEqualTo("It is 21 °C in Lisbon.");
        assertThat(task.tools()).extracting(t -> t.name().orElseThrow()).containsExactly("get_weather", "convert_units");

        Task convert = conversion("12", "km", "mi");
        assertThat(convert.question()).isEqualTo("Convert 12 km to mi.");
        assertThat(convert.steps().getFirst().replies().getFirst().content()).isEqualTo("{\"value\": 7.46}");
        assertThat(convert.steps().getLast().withoutReasoning().content()).isEqualTo("12 km is 7.46 mi.");
    }

    /**
     * With invented cities the weather questions name places off the list (copied exactly into the call and the
     * answer); at 0% the environment is the built-in one, seed for seed.
     */
    @Test
    void inventedCitiesAreOffTheListAndZeroPercentIsTheBuiltInEnvironment() {
        Environment invented = ENVIRONMENT.with(new TaskVariant(100, InventedCity.Style.SYLLABLES, false));
        assertThat(ENVIRONMENT.with(new TaskVariant(0, InventedCity.Style.SYLLABLES, false))).isSameAs(ENVIRONMENT);
        Set<String> names = new HashSet<>();
        for (long seed = 0; seed < 400; seed++) {
            Task task = invented.sample(seed);
            assertThat(invented.sample(seed).question()).isEqualTo(task.question());
            if (task.question().startsWith("What is the weather in ")) {
                String city = task.question().substring("What is the weather in ".length(), task.question().length() - 1);
                assertThat(ToolUseEnvironment.CITIES).doesNotContain(city);
                assertThat(city).matches("([A-Z][a-z]+ )?[A-Z][a-z]{3,}");
                assertThat(task.steps().getFirst().withoutReasoning().toolCalls().getFirst().arguments().get("city").asText()).isEqualTo(city);
                assertThat(task.steps().getLast().withoutReasoning().content()).endsWith(" in " + city + ".");
                names.add(city);
            }
        }
        assertThat(names).hasSizeGreaterThan(150);
        // half: some of each
        long listed = java.util.stream.LongStream.range(0, 400).mapToObj(ENVIRONMENT.with(new TaskVariant(50, InventedCity.Style.SYLLABLES, false))::sample)
                .filter(t -> t.question().startsWith("What is the weather in "))
                .filter(t -> ToolUseEnvironment.CITIES.stream().anyMatch(c -> t.question().equals("What is the weather in " + c + "?"))).count();
        assertThat(listed).isBetween(60L, 140L);
        assertThatThrownBy(() -> ENVIRONMENT.with(new TaskVariant(101, InventedCity.Style.SYLLABLES, false))).hasMessageContaining("0..100");
    }

    /**
     * Varied invented names: off the list, one to three words, doubled letters and clusters among them, copied
     * exactly into the call and the answer; the style changes nothing while no city is invented.
     */
    @Test
    void variedInventedNamesLookLikeTheWorldsAndAreCopiedExactly() {
        Environment varied = ENVIRONMENT.with(new TaskVariant(100, InventedCity.Style.VARIED, false));
        assertThat(ENVIRONMENT.with(new TaskVariant(0, InventedCity.Style.SYLLABLES, false))).isSameAs(ENVIRONMENT);
        assertThat(ENVIRONMENT.with(new TaskVariant(0, InventedCity.Style.VARIED, false)).sample(11).question()).isEqualTo(ENVIRONMENT.sample(11).question());
        Set<String> names = new HashSet<>();
        int multiWord = 0, threeWords = 0, doubled = 0;
        for (long seed = 0; seed < 600; seed++) {
            Task task = varied.sample(seed);
            if (!task.question().startsWith("What is the weather in ")) continue;
            String city = task.question().substring("What is the weather in ".length(), task.question().length() - 1);
            assertThat(ToolUseEnvironment.CITIES).doesNotContain(city);
            assertThat(city).matches("[A-Z][a-z]{1,11}( [A-Za-z][a-z]{1,11}){0,4}");
            assertThat(task.steps().getFirst().withoutReasoning().toolCalls().getFirst().arguments().get("city").asText()).isEqualTo(city);
            assertThat(task.steps().getLast().withoutReasoning().content()).endsWith(" in " + city + ".");
            names.add(city);
            int words = city.split(" ").length;
            if (words > 1) multiWord++;
            if (words == 3) threeWords++;
            if (city.matches(".*([bcdfgklmnprstz])\\1.*")) doubled++;
        }
        assertThat(names).hasSizeGreaterThan(250);
        assertThat(multiWord).isGreaterThan(60);
        assertThat(threeWords).isGreaterThan(5);
        assertThat(doubled).isGreaterThan(20);
    }

    /**
     * Pieces: names are runs of the given letter groups only (a word start, then continuations), off the list, copied
     * exactly into the call and the answer, with every group in use over a few hundred questions; the groups come
     * from a vocabulary's token texts (capitalised runs after a space start words, lower-case runs continue them).
     */
    @Test
    void piecesNamesAreMadeOfTheTokenizersLetterGroupsAndCopiedExactly() {
        InventedCity.LetterGroups groups = InventedCity.LetterGroups.of(
                List.of(" An", " D", "D", "Sap", "den", "por", "o", "res", "tw", " the", "12", "<s>", "?", " lake", " Answer", "abcdefg"));
        assertThat(groups.starts()).containsExactly("An", "D", "Sap");
        assertThat(groups.continuations()).containsExactly("den", "por", "o", "res", "tw");
        Environment pieces = ENVIRONMENT.with(new TaskVariant(100, InventedCity.Style.PIECES, groups, false));
        Set<String> used = new HashSet<>();
        int twoWords = 0;
        for (long seed = 0; seed < 400; seed++) {
            Task task = pieces.sample(seed);
            if (!task.question().startsWith("What is the weather in ")) continue;
            String city = task.question().substring("What is the weather in ".length(), task.question().length() - 1);
            assertThat(ToolUseEnvironment.CITIES).doesNotContain(city);
            for (String word : city.split(" ")) {
                Matcher m = Pattern.compile("(An|D|Sap)((?:den|por|o|res|tw){1,3})").matcher(word);
                assertThat(m.matches()).as(word).isTrue();
                used.add(m.group(1));
                Matcher rest = Pattern.compile("den|por|o|res|tw").matcher(m.group(2));
                while (rest.find()) used.add(rest.group());
            }
            if (city.contains(" ")) twoWords++;
            assertThat(task.steps().getFirst().withoutReasoning().toolCalls().getFirst().arguments().get("city").asText()).isEqualTo(city);
            assertThat(task.steps().getLast().withoutReasoning().content()).endsWith(" in " + city + ".");
        }
        assertThat(used).containsExactlyInAnyOrder("An", "D", "Sap", "den", "por", "o", "res", "tw");
        assertThat(twoWords).isBetween(20, 90);
        assertThat(pieces.sample(5).question()).isEqualTo(ENVIRONMENT.with(new TaskVariant(100, InventedCity.Style.PIECES, groups, false)).sample(5).question());
        assertThatThrownBy(() -> new TaskVariant(100, InventedCity.Style.PIECES, false)).hasMessageContaining("needs letter groups");
        assertThatThrownBy(() -> InventedCity.LetterGroups.of(List.of(" the", "12"))).hasMessageContaining("no capitalised word starts");
    }

    /**
     * Varied tool results: the same question, call and answer as the built-in environment, the tool message the same
     * JSON object in one of several spellings (each spelling used), and the tool executor answering in the task's own
     * spelling; not varied is the built-in environment, seed for seed.
     */
    @Test
    void variedToolResultsChangeOnlyTheSpellingOfTheToolMessage() throws Exception {
        Environment varied = ENVIRONMENT.with(new TaskVariant(0, InventedCity.Style.SYLLABLES, true));
        assertThat(ENVIRONMENT.with(TaskVariant.BUILT_IN)).isSameAs(ENVIRONMENT);
        assertThat(varied.with(TaskVariant.BUILT_IN).sample(7).steps().getFirst().replies().getFirst().content())
                .isEqualTo(ENVIRONMENT.sample(7).steps().getFirst().replies().getFirst().content());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Set<String> shapes = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            Task plain = ENVIRONMENT.sample(seed);
            Task task = varied.sample(seed);
            assertThat(task.question()).isEqualTo(plain.question());
            assertThat(task.steps().getFirst().withoutReasoning()).isEqualTo(plain.steps().getFirst().withoutReasoning());
            assertThat(task.steps().getLast().withoutReasoning()).isEqualTo(plain.steps().getLast().withoutReasoning());
            String message = task.steps().getFirst().replies().getFirst().content();
            String builtIn = plain.steps().getFirst().replies().getFirst().content();
            assertThat(json.readTree(message)).isEqualTo(json.readTree(builtIn));
            assertThat(task.toolExecutor().execute(task.steps().getFirst().withoutReasoning().toolCalls().getFirst())).isEqualTo(message);
            shapes.add(message.replaceAll("-?[0-9.]+", "N").replaceAll("temp_c|value", "K"));
        }
        assertThat(shapes).containsExactlyInAnyOrder("{\"K\": N}", "{\"K\":N}", "{ \"K\": N }", "{\"K\" : N}", "{\n  \"K\": N\n}");
    }

    @Test
    void conversionsUseTheExactDefinitions() {
        assertThat(convert("12", "km", "mi")).isEqualTo("7.46");
        assertThat(convert("5", "mi", "km")).isEqualTo("8.05");
        assertThat(convert("1", "kg", "lb")).isEqualTo("2.2");
        assertThat(convert("10", "lb", "kg")).isEqualTo("4.54");
        assertThat(convert("100", "c", "f")).isEqualTo("212");
        assertThat(convert("-40", "c", "f")).isEqualTo("-40");
        assertThat(convert("98.6", "f", "c")).isEqualTo("37");
        assertThat(convert("32", "f", "c")).isEqualTo("0");
        assertThat(convert("0.1", "km", "mi")).isEqualTo("0.06");
    }

    private static String convert(String value, String from, String to) {
        return UnitConversion.text(UnitConversion.of(from, to).orElseThrow().convert(new BigDecimal(value)));
    }

    @Test
    void renderedToolConversationParsesBackToTheSameCall() {
        for (long i = 0; i < 300; i++) {
            Task task = ENVIRONMENT.sample(DataSplit.EVAL.seed(i));
            ToolCall expected = task.steps().getFirst().withoutReasoning().toolCalls().getFirst();
            for (boolean reasoning : new boolean[] {true, false}) {
                String output = task.referenceOutput(0, reasoning);
                ParsedOutput parsed = task.parse(output, reasoning);
                assertThat(parsed.malformed()).as(output).isEmpty();
                assertThat(parsed.toolCalls()).as(output).hasSize(1);
                ToolCall call = parsed.toolCalls().getFirst();
                assertThat(call.name()).isEqualTo(expected.name());
                assertThat(call.arguments()).as(output).isEqualTo(expected.arguments());
                assertThat(parsed.content()).isNull();
                if (reasoning) assertThat(parsed.reasoning()).isEqualTo(task.steps().getFirst().withReasoning().reasoningContent());
            }
        }
    }

    @Test
    void verifierAcceptsTheReferenceOfBothTurnsForManySeeds() {
        Set<String> kinds = new HashSet<>();
        for (long i = 0; i < 500; i++) {
            Task task = ENVIRONMENT.sample(DataSplit.SFT.seed(i));
            kinds.add(task.steps().getFirst().withoutReasoning().toolCalls().getFirst().name());
            for (boolean reasoning : new boolean[] {true, false}) {
                for (int step = 0; step < 2; step++) {
                    String output = task.referenceOutput(step, reasoning);
                    Verdict verdict = task.verify(step, output, reasoning);
                    assertThat(verdict.correct()).as(task.question() + " step " + step + ": " + output + " " + verdict.reason()).isTrue();
                }
            }
            // The environment's own tool gives the reference's tool message for the reference call.
            ToolCall call = task.steps().getFirst().withoutReasoning().toolCalls().getFirst();
            assertThat(task.toolExecutor().execute(call)).isEqualTo(task.steps().getFirst().replies().getFirst().content());
        }
        assertThat(kinds).containsExactlyInAnyOrder("get_weather", "convert_units");
    }

    @Test
    void argumentsAreCopiedFromTheQuestion() {
        for (long i = 0; i < 500; i++) {
            Task task = ENVIRONMENT.sample(DataSplit.RL.seed(i));
            ToolCall call = task.steps().getFirst().withoutReasoning().toolCalls().getFirst();
            ObjectNode arguments = call.arguments();
            if (call.name().equals("get_weather")) {
                assertThat(task.question()).isEqualTo("What is the weather in " + arguments.get("city").textValue() + "?");
            } else {
                assertThat(task.question()).isEqualTo("Convert " + arguments.get("value").asText() + " "
                        + arguments.get("from_unit").textValue() + " to " + arguments.get("to_unit").textValue() + ".");
            }
        }
    }

    @Test
    void callVerifierRejectsNearMisses() {
        Task task = weather();
        assertThat(verifyCall(task, "get_weather", "city", "Lisbon").correct()).isTrue();
        assertThat(verifyCall(task, "get_weather", "city", "lisbon").reason()).contains("argument city: expected \"Lisbon\", got \"lisbon\"");
        assertThat(verifyCall(task, "get_weather", "city", "Lisbon ").correct()).isFalse();
        assertThat(verifyCall(task, "get_weather", "location", "Lisbon").reason()).contains("missing argument city");
        assertThat(verifyCall(task, "get_temperature", "city", "Lisbon").reason()).contains("instead of get_weather");
        assertThat(task.verify(0, call("get_weather", "city", "Lisbon", "unit", "c"), false).reason()).contains("unexpected argument unit");

        Verdict noCall = task.verify(0, "It is sunny in Lisbon.", false);
        assertThat(noCall.correct()).isFalse();
        assertThat(noCall.wellFormed()).isFalse();
        assertThat(noCall.reason()).isEqualTo("no tool call");
        String two = call("get_weather", "city", "Lisbon") + call("get_weather", "city", "Lisbon");
        assertThat(task.verify(0, two, false).reason()).contains("expected one tool call, got 2");
        assertThat(task.verify(0, "<tool_call>\n<function=get_weather>\nLisbon\n</function>\n</tool_call>", false).reason())
                .startsWith("malformed tool call");
        assertThat(task.verify(0, "thinking about Lisbon", true).reason()).contains("never closed");
        assertThat(task.verify(0, "I will look it up.\n</think>\n" + call("get_weather", "city", "Lisbon"), true).correct()).isTrue();

        Task convert = conversion("12", "km", "mi");
        assertThat(convert.verify(0, conversionCall("12", "km", "mi"), false).correct()).isTrue();
        assertThat(convert.verify(0, conversionCall("12.0", "km", "mi"), false).correct()).isTrue();
        assertThat(convert.verify(0, conversionCall("13", "km", "mi"), false).reason()).contains("argument value: expected 12, got 13");
        assertThat(convert.verify(0, conversionCall("12", "mi", "km"), false).correct()).isFalse();
        assertThat(convert.verify(0, conversionCall("12", "km", "MI"), false).correct()).isFalse();
        assertThat(convert.verify(0, conversionCall("twelve", "km", "mi"), false).reason()).contains("argument value");
        Task decimal = conversion("2.5", "kg", "lb");
        assertThat(decimal.verify(0, conversionCall("2.5", "kg", "lb"), false).correct()).isTrue();
        assertThat(decimal.verify(0, conversionCall("25", "kg", "lb"), false).correct()).isFalse();
    }

    @Test
    void answerVerifierChecksTheToolValueIsUsed() {
        Task task = weather();
        assertThat(task.verify(1, "It is 21 °C in Lisbon.", false).correct()).isTrue();
        assertThat(task.verify(1, "Lisbon: 21.0 degrees.", false).correct()).isTrue();
        assertThat(task.verify(1, "It is 22 °C in Lisbon.", false).reason()).contains("does not use the tool's value 21");
        assertThat(task.verify(1, "It is 121 °C in Lisbon.", false).correct()).isFalse();
        assertThat(task.verify(1, "It is 2.1 °C in Lisbon.", false).correct()).isFalse();
        assertThat(task.verify(1, "", false).wellFormed()).isFalse();
        assertThat(task.verify(1, call("get_weather", "city", "Lisbon"), false).reason()).contains("called a tool again");

        Task convert = conversion("12", "km", "mi");
        assertThat(convert.verify(1, "12 km is 7.46 mi.", false).correct()).isTrue();
        assertThat(convert.verify(1, "12 km is 7.45 mi.", false).correct()).isFalse();
        assertThat(convert.verify(1, "12 km is 7.5 mi.", false).correct()).isFalse();
        Task negative = ToolUseEnvironment.task(1, new WeatherRequest("Oslo", -7), "call_3");
        assertThat(negative.verify(1, "It is -7 °C in Oslo.", false).correct()).isTrue();
        assertThat(negative.verify(1, "It is 7 °C in Oslo.", false).correct()).isFalse();
    }

    @Test
    void toolsAnswerTheModelsOwnCalls() {
        Task task = weather();
        assertThat(task.toolExecutor().execute(toolCall("get_weather", "city", "Lisbon"))).isEqualTo("{\"temp_c\": 21}");
        String elsewhere = task.toolExecutor().execute(toolCall("get_weather", "city", "Porto"));
        assertThat(elsewhere).matches("\\{\"temp_c\": -?\\d+}").isEqualTo(task.toolExecutor().execute(toolCall("get_weather", "city", "Porto")));
        assertThat(task.toolExecutor().execute(toolCall("get_weather", "town", "Lisbon"))).startsWith("{\"error\": ");
        assertThat(task.toolExecutor().execute(toolCall("send_email", "to", "x"))).contains("unknown tool send_email");
        ObjectNode arguments = NODES.objectNode().put("value", 100).put("from_unit", "c").put("to_unit", "f");
        assertThat(task.toolExecutor().execute(ToolCall.of("c", "convert_units", arguments))).isEqualTo("{\"value\": 212}");
        arguments.put("to_unit", "kg");
        assertThat(task.toolExecutor().execute(ToolCall.of("c", "convert_units", arguments))).contains("cannot convert c to kg");
    }

    @Test
    void generatorIsDeterministicAndCoversUnitsAndDecimals() {
        Set<String> pairs = new HashSet<>();
        boolean decimal = false, negative = false;
        for (long i = 0; i < 2000; i++) {
            long seed = DataSplit.SFT.seed(i);
            assertThat(ENVIRONMENT.sample(seed).conversation(true)).isEqualTo(ENVIRONMENT.sample(seed).conversation(true));
            if (ENVIRONMENT.request(seed) instanceof ConversionRequest c) {
                pairs.add(c.conversion().from() + ">" + c.conversion().to());
                decimal |= c.value().contains(".");
                negative |= c.value().startsWith("-");
                if (c.value().startsWith("-")) assertThat(c.conversion().isTemperature()).isTrue();
            }
        }
        assertThat(pairs).hasSize(6);
        assertThat(decimal).isTrue();
        assertThat(negative).isTrue();
    }

    @Test
    void aWholeRoundTripRendersAsPinned() {
        String rendered = NemotronChatFormat.render(weather().conversation(true));
        assertThat(rendered).endsWith(PINNED_ROUND_TRIP_TAIL);
    }

    static final String PINNED_ROUND_TRIP_TAIL = """
            </IMPORTANT><|im_end|>
            <|im_start|>user
            What is the weather in Lisbon?<|im_end|>
            <|im_start|>assistant
            <think>
            The user wants the weather in Lisbon.
            I call get_weather with city Lisbon.
            </think>
            <tool_call>
            <function=get_weather>
            <parameter=city>
            Lisbon
            </parameter>
            </function>
            </tool_call>
            <|im_end|>
            <|im_start|>user
            <tool_response>
            {"temp_c": 21}
            </tool_response>
            <|im_end|>
            <|im_start|>assistant
            <think>
            get_weather returned temp_c 21.
            So it is 21 °C in Lisbon.
            </think>
            It is 21 °C in Lisbon.<|im_end|>
            """;

    private static Verdict verifyCall(Task task, String function, String parameter, String value) {
        return task.verify(0, call(function, parameter, value), false);
    }

    private static String call(String function, String... parametersAndValues) {
        StringBuilder out = new StringBuilder("<tool_call>\n<function=" + function + ">\n");
        for (int i = 0; i < parametersAndValues.length; i += 2) {
            out.append("<parameter=").append(parametersAndValues[i]).append(">\n").append(parametersAndValues[i + 1])
                    .append("\n</parameter>\n");
        }
        return out.append("</function>\n</tool_call>\n").toString();
    }

    private static String conversionCall(String value, String from, String to) {
        return call("convert_units", "value", value, "from_unit", from, "to_unit", to);
    }

    private static ToolCall toolCall(String name, String parameter, String value) {
        return ToolCall.of("c", name, NODES.objectNode().put(parameter, value));
    }
}

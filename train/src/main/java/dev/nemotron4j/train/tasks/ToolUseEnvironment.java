package dev.nemotron4j.train.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.chat.ChatMessage;
import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import dev.nemotron4j.chat.output.OutputEvent.MalformedToolCall;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.chat.python.PythonJsonWriter;
import dev.nemotron4j.chat.python.PythonText;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool round trip. The request offers {@code get_weather(city: string)} and
 * {@code convert_units(value: number, from_unit: string, to_unit: string)} ({@link #TOOLS}); the user asks
 * "What is the weather in CITY?" or "Convert V UNIT to UNIT." (units km/mi, kg/lb, c/f). Turn 1: the model makes
 * exactly one call in Nemotron's XML tool-call format with the arguments copied exactly; the tool answers
 * {@code {"temp_c": T}} or {@code {"value": X}}; turn 2: the model answers with that value, e.g.
 * "It is 21 °C in Lisbon." or "12 km is 7.46 mi.".
 *
 * <p>Verifier, turn 1: no malformed call, exactly one call, the right function, exactly the expected argument names,
 * strings equal character for character, the number equal in value (12 and 12.0 are the same number). Prose before
 * the call is allowed (the template's instructions allow it). Turn 2: no tool call, a non-empty answer that contains
 * the tool's value as a number (numbers in the answer compared by value).
 */
public final class ToolUseEnvironment implements Environment {

    public static final String NAME = "tool_use";
    public static final String GET_WEATHER = "get_weather";
    public static final String CONVERT_UNITS = "convert_units";

    private static final long SALT = 0x546F6F6C55L;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern NUMBER = Pattern.compile("(?<![0-9.])-?[0-9]+(?:\\.[0-9]+)?");

    /** The two tools, in the order the requests offer them. */
    public static final List<ToolDefinition> TOOLS = List.of(weatherTool(), convertTool());

    /** Cities the weather questions ask about (ASCII names, some of several words). */
    public static final List<String> CITIES = List.of(
            "Lisbon", "Paris", "London", "Berlin", "Madrid", "Rome", "Vienna", "Prague", "Warsaw", "Budapest",
            "Athens", "Dublin", "Oslo", "Stockholm", "Helsinki", "Copenhagen", "Amsterdam", "Brussels", "Zurich", "Geneva",
            "Porto", "Seville", "Valencia", "Barcelona", "Milan", "Naples", "Venice", "Munich", "Hamburg", "Cologne",
            "Krakow", "Riga", "Tallinn", "Vilnius", "Sofia", "Bucharest", "Belgrade", "Zagreb", "Ljubljana", "Istanbul",
            "Cairo", "Nairobi", "Lagos", "Accra", "Dakar", "Casablanca", "Tunis", "Cape Town", "Johannesburg", "Addis Ababa",
            "Tokyo", "Osaka", "Kyoto", "Seoul", "Beijing", "Shanghai", "Hong Kong", "Taipei", "Manila", "Hanoi",
            "Bangkok", "Singapore", "Jakarta", "Kuala Lumpur", "Delhi", "Mumbai", "Chennai", "Karachi", "Dhaka", "Kathmandu",
            "Tehran", "Baghdad", "Riyadh", "Dubai", "Doha", "Tel Aviv", "Amman", "Beirut", "Tbilisi", "Yerevan",
            "Sydney", "Melbourne", "Perth", "Brisbane", "Auckland", "Wellington", "Toronto", "Montreal", "Vancouver", "Ottawa",
            "New York", "Boston", "Chicago", "Denver", "Seattle", "San Francisco", "Los Angeles", "Miami", "Houston", "Atlanta",
            "Mexico City", "Havana", "Bogota", "Lima", "Quito", "Santiago", "Buenos Aires", "Montevideo", "Rio de Janeiro",
            "Sao Paulo", "Reykjavik", "Anchorage", "Honolulu", "Marrakesh", "Edinburgh", "Cardiff", "Belfast", "Lyon",
            "Marseille", "Nice");

    /** Lowest and highest temperature the weather tool reports, °C. */
    public static final int MIN_TEMPERATURE = -20;
    public static final int MAX_TEMPERATURE = 40;

    /** How this environment's tasks differ from the built-in ones (invented cities, varied tool messages). */
    private final TaskVariant variant;

    /** The built-in environment: every city from {@link #CITIES}, tool messages as {@code {"temp_c": T}}. */
    public ToolUseEnvironment() {
        this(TaskVariant.BUILT_IN);
    }

    private ToolUseEnvironment(TaskVariant variant) {
        this.variant = variant;
    }

    @Override
    public Environment with(TaskVariant variant) {
        return variant.equals(this.variant) ? this : new ToolUseEnvironment(variant);
    }

    /**
     * How a tool message's one-key JSON object is spelt. {@link #SPACED} is the built-in environment's (and Python's
     * {@code json.dumps}); the others are what other tools send: compact ({@code JSON.stringify}), padded, spaced
     * colon, pretty-printed.
     */
    public enum JsonSpelling {
        SPACED("{\"%s\": %s}"), COMPACT("{\"%s\":%s}"), PADDED("{ \"%s\": %s }"), SPACED_COLON("{\"%s\" : %s}"),
        PRETTY("{\n  \"%s\": %s\n}");

        private final String format;

        JsonSpelling(String format) {
            this.format = format;
        }

        /** {@code {"key": value}} in this spelling; {@code value} is a JSON number's text. */
        public String object(String key, String value) {
            return format.formatted(key, value);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** What the user asked: a city's weather or a conversion. */
    public sealed interface Request permits WeatherRequest, ConversionRequest {
        String question();
    }

    /** "What is the weather in CITY?"; the tool will report {@code temperature} °C. */
    public record WeatherRequest(String city, int temperature) implements Request {
        @Override
        public String question() {
            return "What is the weather in " + city + "?";
        }
    }

    /** "Convert V FROM to TO."; {@code value} as written in the question. */
    public record ConversionRequest(String value, UnitConversion conversion) implements Request {
        @Override
        public String question() {
            return "Convert " + value + " " + conversion.from() + " to " + conversion.to() + ".";
        }
    }

    /** The request of a seed. */
    public Request request(long seed) {
        return request(new SeededRandom(seed, SALT));
    }

    private Request request(SeededRandom random) {
        if (random.chance(1, 2)) {
            // no extra draw at 0%: the built-in environment's streams stay what they were
            String city = variant.inventedCityPercent() > 0 && random.nextInt(100) < variant.inventedCityPercent()
                    ? variant.inventedCity(random) : random.pick(CITIES);
            return new WeatherRequest(city, random.between(MIN_TEMPERATURE, MAX_TEMPERATURE));
        }
        UnitConversion conversion = random.pick(UnitConversion.ALL);
        StringBuilder value = new StringBuilder();
        if (conversion.isTemperature() && random.chance(1, 5)) value.append('-');
        value.append(random.withDigits(random.between(1, 3)));
        // A tenth that is not zero: "2.5" is copied as 2.5 and read back as the same text.
        if (random.chance(3, 10)) value.append('.').append(random.between(1, 9));
        return new ConversionRequest(value.toString(), conversion);
    }

    @Override
    public Task sample(long seed) {
        SeededRandom random = new SeededRandom(seed, SALT);
        Request request = request(random);
        String callId = "call_" + HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong()).substring(8);
        // drawn last, and only when varied: the built-in environment's streams stay what they were
        JsonSpelling spelling = variant.variedToolResults() ? random.pick(List.of(JsonSpelling.values())) : JsonSpelling.SPACED;
        return task(seed, request, callId, spelling);
    }

    /** The task of a given request (for demos and tests), tool messages spelt as {@code {"temp_c": T}}. */
    public static Task task(long seed, Request request, String callId) {
        return task(seed, request, callId, JsonSpelling.SPACED);
    }

    private static Task task(long seed, Request request, String callId, JsonSpelling spelling) {
        ToolCall call = expectedCall(request, callId);
        String result = toolResult(request, spelling);
        String answer = answer(request);
        String callReasoning;
        String answerReasoning;
        switch (request) {
            case WeatherRequest weather -> {
                callReasoning = "The user wants the weather in " + weather.city() + ".\nI call get_weather with city "
                        + weather.city() + ".";
                answerReasoning = "get_weather returned temp_c " + weather.temperature() + ".\nSo it is "
                        + weather.temperature() + " °C in " + weather.city() + ".";
            }
            case ConversionRequest conversion -> {
                callReasoning = "The user wants " + conversion.value() + " " + conversion.conversion().from() + " in "
                        + conversion.conversion().to() + ".\nI call convert_units with value " + conversion.value()
                        + ", from_unit " + conversion.conversion().from() + ", to_unit " + conversion.conversion().to() + ".";
                answerReasoning = "convert_units returned value " + convertedText(conversion) + ".\nSo " + answer;
            }
        }
        Step callStep = new Step(
                ChatMessage.assistant("", callReasoning, List.of(call)),
                ChatMessage.assistant("", null, List.of(call)),
                List.of(ChatMessage.tool(callId, result)),
                output -> verifyCall(output, call));
        String expectedValue = request instanceof ConversionRequest c ? convertedText(c)
                : Integer.toString(((WeatherRequest) request).temperature());
        Step answerStep = new Step(
                ChatMessage.assistant(answer, answerReasoning, List.of()),
                ChatMessage.assistant(answer),
                List.of(),
                output -> verifyAnswer(output, expectedValue));
        return new Task(NAME, seed, List.of(ChatMessage.user(request.question())), TOOLS, List.of(callStep, answerStep),
                modelCall -> execute(modelCall, request, spelling));
    }

    /** The call a perfect model makes. */
    static ToolCall expectedCall(Request request, String callId) {
        ObjectNode arguments = NODES.objectNode();
        return switch (request) {
            case WeatherRequest weather -> {
                arguments.put("city", weather.city());
                yield ToolCall.of(callId, GET_WEATHER, arguments);
            }
            case ConversionRequest conversion -> {
                arguments.set("value", number(conversion.value()));
                arguments.put("from_unit", conversion.conversion().from());
                arguments.put("to_unit", conversion.conversion().to());
                yield ToolCall.of(callId, CONVERT_UNITS, arguments);
            }
        };
    }

    /** The tool message content: {@code {"temp_c": T}} or {@code {"value": X}}, in the given spelling. */
    static String toolResult(Request request, JsonSpelling spelling) {
        return switch (request) {
            case WeatherRequest weather -> spelling.object("temp_c", Integer.toString(weather.temperature()));
            case ConversionRequest conversion -> spelling.object("value", convertedText(conversion));
        };
    }

    /** The final answer: {@code It is T °C in CITY.} or {@code V FROM is X TO.} */
    static String answer(Request request) {
        return switch (request) {
            case WeatherRequest weather -> "It is " + weather.temperature() + " °C in " + weather.city() + ".";
            case ConversionRequest c -> c.value() + " " + c.conversion().from() + " is " + convertedText(c) + " "
                    + c.conversion().to() + ".";
        };
    }

    private static String convertedText(ConversionRequest request) {
        return UnitConversion.text(request.conversion().convert(new BigDecimal(request.value())));
    }

    /** A number as the output parser reads it under a {@code number} schema: integral values as integers. */
    private static JsonNode number(String text) {
        BigDecimal value = new BigDecimal(text);
        if (value.stripTrailingZeros().scale() <= 0) return NODES.numberNode(value.toBigIntegerExact());
        return NODES.numberNode(value.doubleValue());
    }

    // ---- verifiers ----

    static Verdict verifyCall(ParsedOutput output, ToolCall expected) {
        if (!output.malformed().isEmpty()) {
            MalformedToolCall broken = output.malformed().getFirst();
            return Verdict.malformed("malformed tool call: " + broken.reason());
        }
        if (output.toolCalls().isEmpty()) {
            return Verdict.malformed(output.reasoning() != null && output.content() == null
                    ? "no tool call: the reasoning was never closed with </think>" : "no tool call");
        }
        if (output.toolCalls().size() > 1) return Verdict.malformed("expected one tool call, got " + output.toolCalls().size());
        ToolCall call = output.toolCalls().getFirst();
        if (!call.name().equals(expected.name())) return Verdict.wrong("called " + call.name() + " instead of " + expected.name());
        ObjectNode actual = call.arguments();
        ObjectNode wanted = expected.arguments();
        Set<String> missing = new LinkedHashSet<>(names(wanted));
        missing.removeAll(names(actual));
        if (!missing.isEmpty()) return Verdict.wrong("missing argument " + String.join(", ", missing));
        Set<String> extra = new LinkedHashSet<>(names(actual));
        extra.removeAll(names(wanted));
        if (!extra.isEmpty()) return Verdict.wrong("unexpected argument " + String.join(", ", extra));
        for (String name : names(wanted)) {
            JsonNode want = wanted.get(name);
            JsonNode got = actual.get(name);
            boolean same = want.isNumber()
                    ? got.isNumber() && got.decimalValue().compareTo(want.decimalValue()) == 0
                    : got.isTextual() && got.textValue().equals(want.textValue());
            if (!same) {
                return Verdict.wrong("argument " + name + ": expected " + PythonJsonWriter.dumps(want) + ", got "
                        + PythonJsonWriter.dumps(got));
            }
        }
        return Verdict.correct(expected.name() + " " + expected.argumentsJson());
    }

    static Verdict verifyAnswer(ParsedOutput output, String expectedValue) {
        if (!output.toolCalls().isEmpty() || !output.malformed().isEmpty()) {
            return Verdict.malformed("called a tool again instead of answering");
        }
        String content = output.content();
        if (content == null || PythonText.isBlank(content)) {
            return Verdict.malformed(output.reasoning() != null && content == null
                    ? "no answer: the reasoning was never closed with </think>" : "empty answer");
        }
        String text = PythonText.strip(content);
        BigDecimal want = new BigDecimal(expectedValue);
        Matcher numbers = NUMBER.matcher(text);
        while (numbers.find()) {
            if (new BigDecimal(numbers.group()).compareTo(want) == 0) return Verdict.correct("the answer uses " + expectedValue);
        }
        return Verdict.wrong("the answer does not use the tool's value " + expectedValue + ": \"" + text + "\"");
    }

    private static List<String> names(ObjectNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }

    // ---- the tools themselves ----

    /** Answers a call the model made: the task's values for its own question, deterministic values otherwise. */
    static String execute(ToolCall call, Request request, JsonSpelling spelling) {
        ObjectNode arguments = call.arguments();
        switch (call.name()) {
            case GET_WEATHER -> {
                JsonNode city = arguments.get("city");
                if (city == null || !city.isTextual() || city.textValue().isBlank()) return error("get_weather needs a city");
                if (arguments.size() != 1) return error("get_weather takes only city");
                int temperature = request instanceof WeatherRequest weather && weather.city().equals(city.textValue())
                        ? weather.temperature()
                        // Another city: a stable temperature of its own (String.hashCode is specified).
                        : new SeededRandom(city.textValue().hashCode(), SALT).between(MIN_TEMPERATURE, MAX_TEMPERATURE);
                return spelling.object("temp_c", Integer.toString(temperature));
            }
            case CONVERT_UNITS -> {
                JsonNode value = arguments.get("value");
                JsonNode from = arguments.get("from_unit");
                JsonNode to = arguments.get("to_unit");
                if (value == null || !value.isNumber()) return error("convert_units needs a number value");
                if (from == null || !from.isTextual() || to == null || !to.isTextual()) {
                    return error("convert_units needs from_unit and to_unit");
                }
                if (arguments.size() != 3) return error("convert_units takes value, from_unit and to_unit");
                return UnitConversion.of(from.textValue(), to.textValue())
                        .map(c -> spelling.object("value", UnitConversion.text(c.convert(value.decimalValue()))))
                        .orElseGet(() -> error("cannot convert " + from.textValue() + " to " + to.textValue()));
            }
            default -> {
                return error("unknown tool " + call.name());
            }
        }
    }

    private static String error(String message) {
        StringBuilder out = new StringBuilder("{\"error\": ");
        PythonJsonWriter.writeString(message, out);
        return out.append('}').toString();
    }

    private static ToolDefinition weatherTool() {
        ObjectNode properties = NODES.objectNode();
        properties.set("city", NODES.objectNode().put("type", "string").put("description", "The city name."));
        return ToolDefinition.function(GET_WEATHER, "Get the current temperature in a city.", schema(properties, "city"));
    }

    private static ToolDefinition convertTool() {
        ObjectNode properties = NODES.objectNode();
        properties.set("value", NODES.objectNode().put("type", "number").put("description", "The value to convert."));
        for (Map.Entry<String, String> unit : List.of(Map.entry("from_unit", "The unit of the value."),
                Map.entry("to_unit", "The unit to convert to."))) {
            ObjectNode schema = NODES.objectNode().put("type", "string").put("description", unit.getValue());
            ArrayNode units = schema.putArray("enum");
            UnitConversion.UNITS.forEach(units::add);
            properties.set(unit.getKey(), schema);
        }
        return ToolDefinition.function(CONVERT_UNITS, "Convert a value from one unit to another.",
                schema(properties, "value", "from_unit", "to_unit"));
    }

    private static ObjectNode schema(ObjectNode properties, String... required) {
        ObjectNode parameters = NODES.objectNode().put("type", "object");
        parameters.set("properties", properties);
        ArrayNode list = parameters.putArray("required");
        for (String name : required) list.add(name);
        return parameters;
    }

    /** A weather report or a conversion written as prose, with the question it answers. */
    @Override
    public String pretrainingText(long seed) {
        Request request = request(seed);
        StringBuilder out = new StringBuilder(request.question()).append('\n');
        switch (request) {
            case WeatherRequest weather -> out.append("The weather service reports a temperature of ")
                    .append(weather.temperature()).append(" degrees Celsius in ").append(weather.city()).append(".\n");
            case ConversionRequest c -> out.append(switch (c.conversion().from()) {
                case "km", "mi" -> "One mile is 1.609344 kilometres.";
                case "kg", "lb" -> "One pound is 0.45359237 kilograms.";
                default -> "Fahrenheit is Celsius times 9/5 plus 32.";
            }).append('\n');
        }
        return out.append(answer(request)).append('\n').toString();
    }
}

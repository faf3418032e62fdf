package dev.nemotron4j.chat.output;

import dev.nemotron4j.chat.ToolCall;
import dev.nemotron4j.chat.ToolDefinition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.nemotron4j.chat.output.NemotronOutputParserTest.TOOLS;
import static dev.nemotron4j.chat.output.NemotronOutputParserTest.WEATHER_CALL;
import static dev.nemotron4j.chat.output.NemotronOutputParserTest.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The constrained-decoding grammar for {@code tool_choice} required / named: what it accepts is exactly a list of
 * well-formed calls that {@link NemotronOutputParser} reads back, and it never leads into a dead end.
 */
class ToolCallGrammarTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds {@code text} one byte at a time, checking each byte is accepted first; false at the first refusal. */
    private static boolean feed(ToolCallGrammar.Matcher m, String text) {
        for (byte b : utf8(text)) {
            if (!m.accepts(new byte[] {b})) return false;
            m.advance(new byte[] {b});
        }
        return true;
    }

    private static boolean acceptsWhole(ToolCallGrammar grammar, String text) {
        return grammar.start().accepts(utf8(text));
    }

    @Test
    void requiredAcceptsOneOrMoreWellFormedCallsAndEndsOnlyAfterACall() {
        ToolCallGrammar g = ToolCallGrammar.anyOf(TOOLS, false);
        ToolCallGrammar.Matcher m = g.start();
        assertThat(m.complete()).isFalse();
        assertThat(feed(m, "\n" + WEATHER_CALL.substring(0, 40))).isTrue();
        assertThat(m.complete()).isFalse();
        assertThat(feed(m, WEATHER_CALL.substring(40))).isTrue();
        assertThat(m.complete()).isTrue();
        String second = "<tool_call>\n<function=search_flights>\n<parameter=origin>\nLHR\n</parameter>\n</function>\n</tool_call>\n";
        assertThat(feed(m, second)).isTrue();
        assertThat(m.complete()).isTrue();
        // the whole text in one piece, as one long token would be checked
        assertThat(acceptsWhole(g, WEATHER_CALL + second)).isTrue();
    }

    @Test
    void aCallOpenedInsideUnclosedReasoningEndsItAndIsConstrained() {
        ToolCallGrammar g = ToolCallGrammar.anyOf(TOOLS, true);
        ToolCallGrammar.Matcher m = g.start();
        assertThat(feed(m, "I should call get_weather.\n")).isTrue();
        assertThat(m.free()).isTrue();
        assertThat(feed(m, "<tool_call>")).isTrue();
        assertThat(m.free()).as("the call ended the reasoning").isFalse();
        assertThat(m.accepts(utf8("\nSure"))).as("the rest of the call is constrained").isFalse();
        assertThat(feed(m, WEATHER_CALL.substring("<tool_call>".length()))).isTrue();
        assertThat(m.complete()).isTrue();
        // in one piece, as a long token would be checked; lookalikes stay reasoning
        assertThat(acceptsWhole(g, "think <tool_call>\n<function=nope>")).isFalse();
        assertThat(acceptsWhole(g, "think <tool_calls> <function=nope>")).isTrue();
        ToolCallGrammar.Matcher n = g.start();
        n.advance(utf8("think <tool_call"));
        assertThat(n.free()).isTrue();
    }

    @Test
    void namedAcceptsExactlyOneCallOfThatFunction() {
        ToolCallGrammar g = ToolCallGrammar.named(TOOLS.getFirst(), false);
        assertThat(acceptsWhole(g, WEATHER_CALL)).isTrue();
        assertThat(acceptsWhole(g, WEATHER_CALL + "<")).as("no second call").isFalse();
        assertThat(acceptsWhole(g, "<tool_call>\n<function=search_flights>")).isFalse();
        ToolCallGrammar.Matcher m = g.start();
        feed(m, WEATHER_CALL);
        assertThat(m.complete()).isTrue();
        assertThat(m.accepts(utf8(" "))).as("nothing after the call").isFalse();
    }

    @Test
    void refusesProseUnknownNamesAndBrokenLayout() {
        ToolCallGrammar g = ToolCallGrammar.anyOf(TOOLS, false);
        assertThat(acceptsWhole(g, "Sure")).isFalse();
        assertThat(acceptsWhole(g, "   <tool_call>")).as("at most two leading blanks").isFalse();
        assertThat(acceptsWhole(g, "<tool_call>\n<function=get_time>")).isFalse();
        assertThat(acceptsWhole(g, "<tool_call>\n<function=get_weather")).isTrue();
        assertThat(acceptsWhole(g, "<tool_call>\n<function=get_weather>\n<parameter=city>")).as("undeclared parameter").isFalse();
        assertThat(acceptsWhole(g, "<tool_call><function=get_weather>")).as("the newline is part of the format").isFalse();
        assertThat(acceptsWhole(g, "<tool_call>\n<function=get_weather>\n\n")).isFalse();
    }

    @Test
    void requiredParametersComeBeforeTheCloseAndNoneTwice() {
        ToolCallGrammar g = ToolCallGrammar.anyOf(TOOLS, false);
        String header = "<tool_call>\n<function=get_weather>\n";
        assertThat(acceptsWhole(g, header + "</")).as("location is required").isFalse();
        assertThat(acceptsWhole(g, header + "<parameter=unit>\nc\n</parameter>\n</")).isFalse();
        String withLocation = header + "<parameter=location>\nParis\n</parameter>\n";
        assertThat(acceptsWhole(g, withLocation + "</function>\n</tool_call>\n")).isTrue();
        assertThat(acceptsWhole(g, withLocation + "<parameter=location>")).as("given twice").isFalse();
        assertThat(acceptsWhole(g, withLocation + "<parameter=l")).as("a prefix of a used name only").isFalse();
        // search_flights requires nothing: an empty call is complete
        assertThat(acceptsWhole(g, "<tool_call>\n<function=search_flights>\n</function>\n</tool_call>\n")).isTrue();
    }

    @Test
    void valuesAreFreeTextWithoutTheTagsThatWouldEndThem() {
        ToolCallGrammar g = ToolCallGrammar.anyOf(TOOLS, false);
        String open = "<tool_call>\n<function=get_weather>\n<parameter=location>\n";
        assertThat(acceptsWhole(g, open + "a <b> & c\nline 2 <parameter x\n</parameter>\n")).isTrue();
        assertThat(acceptsWhole(g, open + "Paris</function>")).isFalse();
        assertThat(acceptsWhole(g, open + "Paris</tool_call>")).isFalse();
        assertThat(acceptsWhole(g, open + "Paris<parameter=")).isFalse();
        assertThat(acceptsWhole(g, open + "Paris</parameter>x")).as("a newline follows the close").isFalse();
        ToolCallGrammar.Matcher m = g.start();
        feed(m, open + "Pa");
        assertThat(m.inText()).isTrue();
        assertThat(m.freeText()).isEqualTo(OutputGrammar.FreeText.NO_TAG_START);
        feed(m, "<");
        assertThat(m.freeText()).as("a tag may have begun").isEqualTo(OutputGrammar.FreeText.NONE);
        feed(m, "b>");
        assertThat(m.freeText()).isEqualTo(OutputGrammar.FreeText.NO_TAG_START);
    }

    @Test
    void reasoningIsFreeUntilItEnds() {
        ToolCallGrammar g = ToolCallGrammar.named(TOOLS.getFirst(), true);
        ToolCallGrammar.Matcher m = g.start();
        assertThat(m.free()).isTrue();
        assertThat(feed(m, "Let me think <b>about</b> it </thin")).isTrue();
        assertThat(m.free()).isTrue();
        assertThat(feed(m, "k>")).isTrue();
        assertThat(m.free()).isFalse();
        assertThat(m.accepts(utf8("The answer"))).isFalse();
        assertThat(feed(m, "\n" + WEATHER_CALL)).isTrue();
        assertThat(m.complete()).isTrue();
    }

    @Test
    void probingDoesNotMoveTheMatcher() {
        ToolCallGrammar.Matcher m = ToolCallGrammar.anyOf(TOOLS, false).start();
        assertThat(m.accepts(utf8(WEATHER_CALL))).isTrue();
        assertThat(m.complete()).isFalse();
        assertThat(m.accepts(utf8("<tool_call>"))).isTrue();
    }

    @Test
    void functionsWithoutDeclaredParametersTakeAnyIdentifier() {
        ToolDefinition bare = ToolDefinition.function("ping", null, null);
        ToolCallGrammar g = ToolCallGrammar.named(bare, false);
        assertThat(acceptsWhole(g, "<tool_call>\n<function=ping>\n<parameter=host_name-2>\nx\n</parameter>\n</function>\n</tool_call>\n")).isTrue();
        assertThat(acceptsWhole(g, "<tool_call>\n<function=ping>\n<parameter=a b>")).isFalse();
        assertThat(acceptsWhole(g, "<tool_call>\n<function=ping>\n<parameter=>")).isFalse();
    }

    @Test
    void anEmptyPropertiesObjectAllowsNoParameters() {
        ToolCallGrammar g = ToolCallGrammar.named(tool("get_time", "{\"type\": \"object\", \"properties\": {}}"), false);
        String header = "<tool_call>\n<function=get_time>\n";
        assertThat(acceptsWhole(g, header + "<")).isTrue();
        assertThat(acceptsWhole(g, header + "<p")).isFalse();
        assertThat(acceptsWhole(g, header + "</function>\n</tool_call>\n")).isTrue();
    }

    @Test
    void whatItAcceptsTheParserReadsAsCalls() {
        String text = "\n" + WEATHER_CALL + "<tool_call>\n<function=search_flights>\n<parameter=max_results>\n3\n</parameter>\n</function>\n</tool_call>\n";
        assertThat(acceptsWhole(ToolCallGrammar.anyOf(TOOLS, false), text)).isTrue();
        NemotronOutputParser parser = new NemotronOutputParser(NemotronOutputParserTest.options(false));
        List<OutputEvent> events = new java.util.ArrayList<>(parser.feed(text));
        events.addAll(parser.finish());
        ParsedOutput out = ParsedOutput.fromEvents(events);
        assertThat(out.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather", "search_flights");
        assertThat(out.toolCalls().get(0).arguments().toString()).isEqualTo("{\"location\":\"Paris\",\"unit\":\"celsius\"}");
        assertThat(out.toolCalls().get(1).arguments().toString()).isEqualTo("{\"max_results\":3}");
        assertThat(out.content()).isNull();
    }

    @Test
    void rejectsToolsWhoseNamesCannotBeWritten() {
        assertThatThrownBy(() -> ToolCallGrammar.anyOf(List.of(tool("a>b", "{}")), false)).hasMessageContaining("a>b");
        assertThatThrownBy(() -> ToolCallGrammar.anyOf(List.of(), false)).hasMessageContaining("at least one tool");
    }
}

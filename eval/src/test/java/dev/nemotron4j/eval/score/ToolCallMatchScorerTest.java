package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.extract.ModelAnswer;
import dev.nemotron4j.eval.extract.ToolCallExtractor;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.target.ToolCall;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallMatchScorerTest {
    private static final JsonNode BFCL = CanonicalJson.parse(
            "{\"get_weather\": {\"city\": [\"New York\", \"NYC\"], \"unit\": [\"\", \"celsius\"], \"days\": [3]}}");

    private static double score(String name, String args, JsonNode expected) {
        ToolCall call = new ToolCall(name, CanonicalJson.parse(args), args);
        Extraction e = new ToolCallExtractor().extract(new ModelAnswer("", "", List.of(call)), 0);
        return new ToolCallMatchScorer().score(e, expected);
    }

    @Test
    void acceptsAnyListedValueAndOmittedOptionalArguments() {
        assertThat(score("get_weather", "{\"city\": \"NYC\", \"days\": 3}", BFCL)).isEqualTo(1);
        assertThat(score("get_weather", "{\"city\": \"new york\", \"unit\": \"Celsius\", \"days\": 3.0}", BFCL)).isEqualTo(1);
    }

    @Test
    void rejectsWrongValuesMissingRequiredUnknownArgumentsAndWrongFunction() {
        assertThat(score("get_weather", "{\"city\": \"Boston\", \"days\": 3}", BFCL)).isZero();
        assertThat(score("get_weather", "{\"city\": \"NYC\"}", BFCL)).isZero();
        assertThat(score("get_weather", "{\"city\": \"NYC\", \"days\": 3, \"verbose\": true}", BFCL)).isZero();
        assertThat(score("get_forecast", "{\"city\": \"NYC\", \"days\": 3}", BFCL)).isZero();
        assertThat(score("get_weather", "{\"city\": \"NYC\", \"days\": 4}", BFCL)).isZero();
    }

    @Test
    void plainExpectedCallsCompareStructurally() {
        JsonNode plain = CanonicalJson.parse("{\"name\": \"math.add\", \"arguments\": {\"values\": [1, 2], \"opts\": {\"exact\": true}}}");
        assertThat(score("math_add", "{\"opts\": {\"exact\": true}, \"values\": [1.0, 2]}", plain)).isEqualTo(1);
        assertThat(score("math.add", "{\"opts\": {\"exact\": false}, \"values\": [1, 2]}", plain)).isZero();
        assertThat(score("math.add", "{\"opts\": {\"exact\": true}, \"values\": [2, 1]}", plain)).isZero();
    }

    /** BFCL parallel: several calls in any order, each expected call taking a distinct call (parallel_function_checker_no_order). */
    @Test
    void parallelCallsMatchInAnyOrderEachCallOnce() {
        JsonNode twoCities = CanonicalJson.parse("[{\"get_weather\": {\"city\": [\"NYC\"], \"days\": [3]}}, "
                + "{\"get_weather\": {\"city\": [\"Paris\"], \"days\": [3]}}]");
        ToolCall paris = new ToolCall("get_weather", CanonicalJson.parse("{\"city\": \"Paris\", \"days\": 3}"), "");
        ToolCall nyc = new ToolCall("get_weather", CanonicalJson.parse("{\"city\": \"NYC\", \"days\": 3}"), "");
        ToolCallExtractor calls = new ToolCallExtractor();
        ToolCallMatchScorer scorer = new ToolCallMatchScorer();
        assertThat(scorer.score(calls.extract(new ModelAnswer("", "", List.of(nyc, paris)), 0), twoCities)).isEqualTo(1);
        assertThat(scorer.score(calls.extract(new ModelAnswer("", "", List.of(paris, nyc)), 0), twoCities)).isEqualTo(1);
        assertThat(scorer.score(calls.extract(new ModelAnswer("", "", List.of(nyc, nyc)), 0), twoCities)).isZero();   // one call cannot answer two
        assertThat(scorer.score(calls.extract(new ModelAnswer("", "", List.of(nyc)), 0), twoCities)).isZero();
    }

    /** BFCL live answers nest dicts whose keys list acceptable values; "" marks a key the call may leave out. */
    @Test
    void nestedDictionariesMayLeaveOutOptionalKeys() {
        JsonNode live = CanonicalJson.parse("[{\"ThinQ_Connect\": {\"body\": [{\"airConJobMode\": [\"AIR_DRY\"], "
                + "\"windStrength\": [\"MID\", \"\"], \"targetTemperature\": [\"\", 22]}]}}]");
        assertThat(score("ThinQ_Connect", "{\"body\": {\"airConJobMode\": \"AIR_DRY\"}}", live)).isEqualTo(1);
        assertThat(score("ThinQ_Connect", "{\"body\": {\"airConJobMode\": \"air_dry\", \"windStrength\": \"MID\", \"targetTemperature\": 22}}", live)).isEqualTo(1);
        assertThat(score("ThinQ_Connect", "{\"body\": {\"windStrength\": \"MID\"}}", live)).isZero();             // a required key left out
        assertThat(score("ThinQ_Connect", "{\"body\": {\"airConJobMode\": \"AIR_DRY\", \"targetTemperature\": 20}}", live)).isZero();
        assertThat(score("ThinQ_Connect", "{\"body\": {\"airConJobMode\": \"AIR_DRY\", \"mode\": 1}}", live)).isZero();   // unknown key
    }

    /** BFCL relevance: irrelevance passes without a call, live_relevance with any call. */
    @Test
    void relevanceScorersLookOnlyAtWhetherACallWasMade() {
        Extraction none = new ToolCallExtractor().extract(ModelAnswer.ofText("I cannot help with that."), 0);
        Extraction call = new ToolCallExtractor().extract(ModelAnswer.ofText("<tool_call>{\"name\": \"x\", \"arguments\": {}}</tool_call>"), 0);
        assertThat(Scorer.named("no_tool_call").score(none, NullNode.getInstance())).isEqualTo(1);
        assertThat(Scorer.named("no_tool_call").score(call, NullNode.getInstance())).isZero();
        assertThat(Scorer.named("any_tool_call").score(call, NullNode.getInstance())).isEqualTo(1);
        assertThat(Scorer.named("any_tool_call").score(none, NullNode.getInstance())).isZero();
    }

    @Test
    void toolCallsLeftInTextAreStillExtracted() {
        String text = "<think>call it</think><tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"NYC\", \"days\": 3}}</tool_call>";
        Extraction e = new ToolCallExtractor().extract(ModelAnswer.ofText(text), 0);
        assertThat(e.method()).isEqualTo("tool_call_tags");
        assertThat(new ToolCallMatchScorer().score(e, BFCL)).isEqualTo(1);
        assertThat(new ToolCallExtractor().extract(ModelAnswer.ofText("no call here"), 0).found()).isFalse();
    }

    @Test
    void containsAllGivesPartialCredit() {
        JsonNode expected = CanonicalJson.parse("[\"1234567\", \"7654321\", \"1111111\", \"2222222\"]");
        assertThat(new ContainsAllScorer().score(new Extraction("The numbers are 1234567, 7654321 and 1111111.", "t"), expected))
                .isEqualTo(0.75);
        assertThat(new ContainsAllScorer().score(Extraction.none(), expected)).isZero();
    }
}

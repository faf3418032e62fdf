package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BFCL v4 from the leaderboard's own files: live AST categories (system turns, dotted names, BFCL types), irrelevance
 * (no call passes) and relevance (any call passes), against a fake endpoint that calls the weather tool when asked
 * about "weather in CITY in UNIT" (unit "kelvin" for some requests) and answers in text otherwise.
 */
class BfclTaskTest {
    @TempDir Path dir;
    FakeOpenAiServer server;

    private static final String FUNCTION = "{\"name\": \"weather.get\", \"description\": \"Current weather\", \"parameters\": "
            + "{\"type\": \"dict\", \"required\": [\"city\"], \"properties\": {\"city\": {\"type\": \"string\"}, "
            + "\"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}, \"days\": {\"type\": \"float\"}}}}";
    private static final String[][] CITIES = {{"Paris", "celsius"}, {"Tokyo", "fahrenheit"}, {"Lima", "celsius"}, {"Oslo", "celsius"},
            {"Cairo", "fahrenheit"}, {"Quito", "celsius"}, {"Perth", "celsius"}, {"Accra", "fahrenheit"}};

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RunResults run(String tasksYaml) {
        String yaml = """
                target:
                  endpoint: {url: "%s", model: fake, type: chat}
                interceptors:
                  progress: {enabled: false}
                tasks:
                %s""".formatted(server.baseUrl(), tasksYaml);
        Path config = TestDatasets.write(dir.resolve("c.yaml"), yaml);
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), dir.resolve("run-" + Integer.toHexString(yaml.hashCode()))).results();
    }

    @Test
    void liveSimpleIsAstMatchedAgainstThePossibleAnswers() {
        StringBuilder questions = new StringBuilder(), answers = new StringBuilder();
        for (int i = 0; i < CITIES.length; i++) {
            String id = "live_simple_" + i + "-" + i + "-0";
            questions.append("{\"id\": \"").append(id).append("\", \"question\": [[{\"role\": \"system\", \"content\": \"You are a weather bot.\"}, ")
                    .append("{\"role\": \"user\", \"content\": \"What is the weather in ").append(CITIES[i][0]).append(" in ").append(CITIES[i][1])
                    .append("?\"}]], \"function\": [").append(FUNCTION).append("]}\n");
            // the answers file lists ids in another order: rows are joined by id
            answers.insert(0, "{\"id\": \"" + id + "\", \"ground_truth\": [{\"weather.get\": {\"city\": [\"" + CITIES[i][0] + "\"], \"unit\": [\""
                    + CITIES[i][1] + "\", \"\"], \"days\": [\"\", 1.0]}}]}\n");
        }
        TestDatasets.write(dir.resolve("BFCL_v4_live_simple.json"), questions.toString());
        TestDatasets.write(dir.resolve("possible_answer/BFCL_v4_live_simple.json"), answers.toString());
        RunResults r = run("""
                  - name: bfcl-live-simple
                    type: bfcl
                    dataset: BFCL_v4_live_simple.json
                    params: {answers_file: possible_answer/BFCL_v4_live_simple.json}
                """);
        TaskMetrics m = r.tasks().get("bfcl-live-simple");
        assertThat(m.items()).isEqualTo(CITIES.length);
        assertThat(m.axis()).containsEntry("bfcl_category", "live_simple");
        JsonNode body = server.bodies().getFirst();
        assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").path(1).path("content").asText()).startsWith("What is the weather in ");
        JsonNode function = body.path("tools").path(0).path("function");
        assertThat(function.path("name").asText()).isEqualTo("weather_get");
        // BFCL appends its language hint to every description it offers
        assertThat(function.path("description").asText()).isEqualTo("Current weather Note that the provided function is in Python 3 syntax.");
        assertThat(function.path("parameters").path("type").asText()).isEqualTo("object");
        assertThat(function.path("parameters").path("properties").path("days").path("type").asText()).isEqualTo("number");
        int kelvin = 0;   // the fake answers "kelvin" for some questions, which no possible answer accepts
        for (JsonNode b : server.bodies()) if (Math.floorMod(hashOf(b.path("messages").path(1).path("content").asText()), 5) == 0) kelvin++;
        assertThat(kelvin).isBetween(1, CITIES.length - 1);
        assertThat(m.mean().mean()).isEqualTo((CITIES.length - kelvin) / (double) CITIES.length);
    }

    @Test
    void irrelevancePassesWithoutACallAndRelevanceWithOne() {
        String q1 = "Tell me a joke about cats.", q2 = "What is the weather in Oslo in celsius?";
        for (String category : new String[] {"irrelevance", "live_relevance"}) {
            String sep = category.startsWith("live") ? "-0-0" : "";
            TestDatasets.write(dir.resolve(category + ".json"), """
                    {"id": "%1$s_0%2$s", "question": [[{"role": "user", "content": "%3$s"}]], "function": [%5$s]}
                    {"id": "%1$s_1%2$s", "question": [[{"role": "user", "content": "%4$s"}]], "function": [%5$s]}
                    {"id": "%1$s_2%2$s", "question": [[{"role": "user", "content": "Sing me a song."}]], "function": [%5$s]}
                    """.formatted(category, sep, q1, q2, FUNCTION));
        }
        RunResults r = run("""
                  - {name: irrelevance, type: bfcl, dataset: irrelevance.json}
                  - {name: relevance, type: bfcl, dataset: live_relevance.json}
                """);
        assertThat(r.tasks().get("irrelevance").mean().mean()).isEqualTo(2 / 3.0);   // the Oslo question drew a call
        assertThat(r.tasks().get("relevance").mean().mean()).isEqualTo(1 / 3.0);     // only the Oslo question did
        assertThat(r.tasks().get("irrelevance").axis()).containsEntry("bfcl_category", "irrelevance");
    }

    @Test
    void javaArgumentsAreAskedForAndReadAsJavaSourceText() {
        String java = FUNCTION.replace("\"string\"", "\"String\"").replace("\"float\"", "\"double\"");
        String oslo = "What is the weather in Oslo in celsius?", lima = "What is the weather in Lima in celsius?";
        TestDatasets.write(dir.resolve("BFCL_v4_simple_java.json"), """
                {"id": "simple_java_0", "question": [[{"role": "user", "content": "%s"}]], "function": [%s]}
                {"id": "simple_java_1", "question": [[{"role": "user", "content": "%s"}]], "function": [%s]}
                """.formatted(oslo, java, lima, java));
        // Lima's answer names another city: only Oslo's call can pass
        TestDatasets.write(dir.resolve("possible_answer/BFCL_v4_simple_java.json"), """
                {"id": "simple_java_0", "ground_truth": [{"weather.get": {"city": ["Oslo"], "unit": ["celsius", ""], "days": ["", 1.0]}}]}
                {"id": "simple_java_1", "ground_truth": [{"weather.get": {"city": ["Paris"], "unit": ["celsius", ""], "days": ["", 1.0]}}]}
                """);
        RunResults r = run("  - {name: java, type: bfcl, dataset: BFCL_v4_simple_java.json, params: {answers_file: possible_answer/BFCL_v4_simple_java.json}}\n");
        JsonNode function = server.bodies().getFirst().path("tools").path(0).path("function");
        assertThat(function.path("description").asText()).isEqualTo("Current weather Note that the provided function is in Java 8 SDK syntax.");
        JsonNode city = function.at("/parameters/properties/city");
        assertThat(city.path("type").asText()).isEqualTo("string");
        assertThat(city.path("description").asText()).isEqualTo(" This is Java String type parameter in string representation.");
        assertThat(function.at("/parameters/properties/days/description").asText()).isEqualTo(" This is Java double type parameter in string representation.");
        boolean kelvin = Math.floorMod(hashOf(oslo), 5) == 0;   // the fake's unit for some questions, which no answer accepts
        assertThat(r.tasks().get("java").mean().mean()).isEqualTo(kelvin ? 0.0 : 0.5);
        assertThat(r.tasks().get("java").axis()).containsEntry("bfcl_category", "simple_java");

        // a Java type BFCL's checker cannot read is refused before anything is asked
        TestDatasets.write(dir.resolve("BFCL_v4_simple_java.json"), """
                {"id": "simple_java_0", "question": [[{"role": "user", "content": "%s"}]], "function": [%s]}
                """.formatted(oslo, java.replace("\"double\"", "\"Set\"")));
        assertThatThrownBy(() -> run("  - {name: java2, type: bfcl, dataset: BFCL_v4_simple_java.json, params: {answers_file: possible_answer/BFCL_v4_simple_java.json}}\n"))
                .hasMessageContaining("parameter 'days' of weather.get is a java Set, which BFCL's checker cannot read");
    }

    @Test
    void badInputIsNamed() {
        TestDatasets.write(dir.resolve("BFCL_v4_multiple.json"), """
                {"id": "multiple_0", "question": [[{"role": "user", "content": "What is the weather in Oslo in celsius?"}]], "function": [%s]}
                """.formatted(FUNCTION));
        assertThatThrownBy(() -> run("  - {name: m, type: bfcl, dataset: BFCL_v4_multiple.json}\n"))
                .hasMessageContaining("BFCL multiple is scored against possible answers").hasMessageContaining("params.answers_file");
        TestDatasets.write(dir.resolve("pa.json"), "{\"id\": \"other\", \"ground_truth\": []}\n");
        assertThatThrownBy(() -> run("  - {name: m, type: bfcl, dataset: BFCL_v4_multiple.json, params: {answers_file: pa.json}}\n"))
                .hasMessageContaining("no possible answer for multiple_0");
        TestDatasets.write(dir.resolve("mt.json"), """
                {"id": "multi_turn_base_0", "question": [[{"role": "user", "content": "cd"}], [{"role": "user", "content": "ls"}]], "function": []}
                """);
        assertThatThrownBy(() -> run("  - {name: mt, type: bfcl, dataset: mt.json}\n"))
                .hasMessageContaining("multi_turn_base").hasMessageContaining("state-based checking");
    }

    private static long hashOf(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 7; i++) h = (h << 8) | (d[i] & 0xff);
            return h;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

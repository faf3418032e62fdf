package dev.nemotron4j.cli;

import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} drains on SIGTERM: a stream still running when the grace period is over ends with an error event
 * ({@code shutting_down}) and {@code [DONE]}, never cut mid-stream, and the process exits. A real {@code serve}
 * process on the tiny model, stopped as a service manager stops it.
 */
class ServeSigtermTest {
    private static final Pattern SERVING = Pattern.compile("on http://[^:]+:(\\d+) ");

    @Test
    void sigtermEndsARunningStreamWithAnErrorEventAndDone() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // a context far longer than the stream can reach before the SIGTERM, and no grace: the stream is still running
        Process server = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--model", TestData.tiny("tiny-a").toString(),
                "--port", "0", "--max-batch", "1", "--context", "200000", "--shutdown-grace", "0", "--state-cache-mib", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line; port < 0 && (line = stdout.readLine()) != null; ) {
                Matcher m = SERVING.matcher(line);
                if (m.find()) port = Integer.parseInt(m.group(1));
            }
            assertThat(port).as("serve printed its port").isPositive();

            String body = "{\"prompt\":[5,6],\"max_tokens\":150000,\"temperature\":0,\"ignore_eos\":true,\"stream\":true}";
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> events = new ArrayList<>();
            Iterator<String> lines = response.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (!line.startsWith("data: ")) continue;
                events.add(line.substring("data: ".length()));
                if (events.size() == 3) server.destroy(); // SIGTERM while the stream runs
            }
            assertThat(events.size()).as("the stream was running at the SIGTERM").isGreaterThan(3);
            assertThat(events.getLast()).isEqualTo("[DONE]");
            assertThat(events.get(events.size() - 2)).as("the event before [DONE]").contains("\"error\"").contains("shutting_down");
            assertThat(events.subList(0, events.size() - 2)).allSatisfy(e -> assertThat(e).contains("\"choices\""));
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("serve exits after draining").isTrue();
        } finally {
            server.destroyForcibly();
        }
    }
}

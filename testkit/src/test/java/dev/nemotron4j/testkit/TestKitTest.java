package dev.nemotron4j.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestKitTest {

    @Test
    void testDataIsTheRepositorysFolderFromAModuleFolder() {
        assertThat(TestData.repositoryRoot().resolve("pom.xml")).isRegularFile();
        assertThat(TestData.dir()).isEqualTo(TestData.repositoryRoot().resolve("testdata"));
        assertThat(TestData.tiny("tiny-a").resolve("config.json")).isRegularFile();
        assertThat(TestData.path("tiny/tiny-a")).isEqualTo(TestData.tiny("tiny-a"));
        assertThat(Files.isDirectory(TestData.tiny("no-such-model"))).isFalse();
    }

    @Test
    void aLoopbackServerAnswersItsRoutesUntilClosed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String url;
        try (LoopbackHttpServer server = LoopbackHttpServer.start(2)
                .route("/v1/", ex -> LoopbackHttpServer.sendJson(ex, 201, "{\"path\": \"" + ex.getRequestURI().getPath() + "\"}"))) {
            assertThat(server.port()).isPositive();
            url = server.url("/v1/models");
            assertThat(url).isEqualTo("http://127.0.0.1:" + server.port() + "/v1/models");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.body()).isEqualTo("{\"path\": \"/v1/models\"}");
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(server.url("/elsewhere"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).as("no route").isEqualTo(404);
        }
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()))
                .as("closed").isInstanceOf(IOException.class);
    }
}

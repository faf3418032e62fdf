package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP edges of issue #17 item 6: a body over the limit sent whole before reading gets a JSON 413 (not a reset
 * connection); a half-sent body times out (the test JVM sets {@code sun.net.httpserver.maxReqTime} to 3 s); SIGTERM's
 * drain lets running streams finish or end them with an error event and {@code [DONE]}, and answers new requests 503.
 */
class HttpEdgesTest {

    /** Sends raw bytes, then reads the whole response (the connection closes after it). */
    static String rawExchange(int port, byte[] head, byte[] body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            // the whole body first, as a simple client does, on its own thread: a server that stopped reading would block it
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    out.write(head);
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException("the server stopped reading the body: " + e, e);
                }
            });
            writer.get(30, TimeUnit.SECONDS);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    response.write(buf, 0, n);
                    if (response.toString(StandardCharsets.UTF_8).contains("}}")) break;
                }
            } catch (SocketException e) {
                throw new AssertionError("connection reset before the response was read (" + response.size() + " bytes)", e);
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBodyOverTheLimitSentWholeGetsAJson413() throws Exception {
        try (ServerFixture f = ServerFixture.start("tiny-a", 2, 4, 256, c -> c.withMaxBodyBytes(4096))) {
            byte[] body = ("{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(3 << 20) + "\"}]}").getBytes(StandardCharsets.UTF_8);
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n";
            String response = rawExchange(f.server.port(), head.getBytes(StandardCharsets.US_ASCII), body);
            assertThat(response).startsWith("HTTP/1.1 413");
            JsonNode error = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4)).path("error");
            assertThat(error.path("code").asText()).isEqualTo("request_too_large");
        }
    }

    @Test
    void aHalfSentBodyTimesOut() throws Exception {
        assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).as("set by the server module's surefire configuration").isEqualTo("3");
        try (ServerFixture f = ServerFixture.start("tiny-a", 2, 4, 256, c -> c);
             Socket s = new Socket("127.0.0.1", f.server.port())) {
            s.setSoTimeout(20_000);
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
            s.getOutputStream().write((head + "{\"messages\"").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            long start = System.nanoTime();
            boolean closed;
            try {
                s.getInputStream().read(); // the end of the stream (or an answer): the server stopped waiting
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (SocketException e) {
                closed = true; // reset: closed by the server
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(closed).as("the server gave up on the body").isTrue();
            assertThat(seconds).isLessThan(10);
        }
    }

    @Test
    void drainingLetsShortStreamsFinishEndsLongOnesWithAnErrorAndRefusesNewRequests() throws Exception {
        try (ServerFixture f = ServerFixture.start("tiny-a", 4, 16, 4096, c -> c)) {
            ObjectNode shortBody = OpenAiServerTest.chat("Hi", 3).put("stream", true);
            ObjectNode longBody = JSON.createObjectNode().put("max_tokens", 4000).put("temperature", 0).put("ignore_eos", true).put("stream", true);
            longBody.putArray("prompt").add(5).add(6);
            CompletableFuture<List<JsonNode>> longRun = CompletableFuture.supplyAsync(() -> {
                try {
                    return f.stream("/v1/completions", longBody);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // wait until the long stream is running
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (f.service.status().running() == 0 && System.nanoTime() < until) Thread.sleep(5);
            CompletableFuture<List<JsonNode>> shortRun = CompletableFuture.supplyAsync(() -> {
                try {
                    return f.stream("/v1/chat/completions", shortBody);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // wait until the short stream runs too (a fixed sleep lost the race on a loaded machine: a 503 for it)
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (f.service.status().running() < 2 && !shortRun.isDone() && System.nanoTime() < until) Thread.sleep(5);
            // a grace period that a short answer fits even on a cold JIT and a loaded machine
            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> f.server.drain(Duration.ofSeconds(10)));
            Thread.sleep(100);
            var refused = f.post("/v1/chat/completions", OpenAiServerTest.chat("Hi", 3));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("shutting_down");

            List<JsonNode> shortEvents = shortRun.get(30, TimeUnit.SECONDS); // ended with [DONE]
            assertThat(shortEvents.getLast().path("choices").path(0).path("finish_reason").asText()).as("%s", shortEvents.getLast())
                    .isIn("stop", "length");
            List<JsonNode> longEvents = longRun.get(30, TimeUnit.SECONDS); // ended with [DONE] too
            JsonNode last = longEvents.getLast();
            if (last.has("error")) {
                assertThat(last.path("error").path("code").asText()).isEqualTo("shutting_down");
            } else {
                // this machine finished 4000 tokens within the grace period: a normal end
                assertThat(last.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
            }
            drained.get(30, TimeUnit.SECONDS);
            assertThat(f.server.activeRequests()).isZero();
        }
    }
}

package dev.nemotron4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent-events response: {@code data: JSON\n\n} per chunk, {@code data: [DONE]} at the end, each flushed at
 * once. A write that fails means the client went away: the stream turns {@linkplain #broken() broken} and later
 * sends are dropped, so the caller can cancel the generation and free its batch slot.
 */
final class SseStream {
    private final OutputStream out;
    private boolean broken;

    /** Sends the 200 headers and opens a chunked body. */
    SseStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        this.out = exchange.getResponseBody();
    }

    /** Sends one JSON chunk; false when the client is gone. */
    boolean send(JsonNode chunk) {
        try {
            return write("data: " + RequestReader.JSON.writeValueAsString(chunk) + "\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The terminating {@code [DONE]} event. */
    boolean done() {
        return write("data: [DONE]\n\n");
    }

    /** A comment line: keeps proxies from timing out and finds a client that went away while nothing was sent. */
    boolean heartbeat() {
        return write(": keep-alive\n\n");
    }

    boolean broken() {
        return broken;
    }

    private boolean write(String text) {
        if (broken) return false;
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }
}

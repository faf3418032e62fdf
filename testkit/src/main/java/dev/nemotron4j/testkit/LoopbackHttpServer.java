package dev.nemotron4j.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fixture HTTP server for tests: the JDK's server on 127.0.0.1 and a free port, answering with the handlers given
 * to {@link #route} (stand-ins for an OpenAI-compatible endpoint, a judge, a dataset host). Closing it stops it at once.
 */
public final class LoopbackHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private LoopbackHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** A started server whose requests are handled one at a time, in the order they come. */
    public static LoopbackHttpServer start() {
        return start(0);
    }

    /** A started server whose requests are handled on up to {@code threads} threads (0: one at a time). */
    public static LoopbackHttpServer start(int threads) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ExecutorService executor = threads > 0 ? Executors.newFixedThreadPool(threads) : null;
            server.setExecutor(executor);
            server.start();
            return new LoopbackHttpServer(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port", e);
        }
    }

    /** Answers requests whose path starts with {@code pathPrefix} with {@code handler}; returns this server. */
    public LoopbackHttpServer route(String pathPrefix, HttpHandler handler) {
        server.createContext(pathPrefix, handler);
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of {@code path} on this server, e.g. {@code url("/v1")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Sends {@code json} with status {@code status} as {@code application/json} and ends the response. */
    public static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (executor != null) executor.shutdownNow();
    }
}

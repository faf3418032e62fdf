package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one loop that turns a request's {@link GenerationStream} into its HTTP response, for chat and text completions
 * alike: collected (one JSON body once every choice has finished) or streamed (chunks as server-sent events, then
 * {@code [DONE]}). It enforces the request's deadline, sends heartbeats while nothing happens, cancels the jobs when
 * the client goes away, and ends a stream that cannot finish (timeout, failure, server shutting down) with an error
 * event and {@code [DONE]}.
 */
final class ResponseLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseLoop.class);

    /** What an endpoint makes of its choices' signals. */
    interface Assembler {
        /** Chunks sent before any signal (streaming only). */
        List<ObjectNode> opening();

        /**
         * Folds a signal in; returns the chunks it yields (sent when streaming).
         *
         * @throws ApiError when the response must end with an error
         */
        List<ObjectNode> accept(GenerationStream.Signal signal);

        /** The last chunk (the usage), or null (streaming only). */
        ObjectNode closing();

        /** The whole response body (not streaming). */
        ObjectNode whole();
    }

    /** Whether the server stopped waiting for running requests (it is shutting down). */
    interface Shutdown {
        boolean expired();
    }

    private final GenerationStream gen;
    private final Assembler assembler;
    private final long deadline;
    private final Shutdown shutdown;

    ResponseLoop(GenerationStream gen, Assembler assembler, long deadlineNanos, Shutdown shutdown) {
        this.gen = gen;
        this.assembler = assembler;
        this.deadline = deadlineNanos;
        this.shutdown = shutdown;
    }

    /** Answers as the request asked; returns the HTTP status sent (499: the client went away mid-stream). */
    int respond(HttpExchange exchange, boolean stream) throws IOException, InterruptedException {
        return stream ? stream(exchange) : collect(exchange);
    }

    private void checkTime() {
        if (System.nanoTime() - deadline > 0) throw ApiError.timeout();
        if (shutdown.expired()) throw ApiError.shuttingDown();
    }

    private int collect(HttpExchange exchange) throws IOException, InterruptedException {
        try {
            while (!gen.finished()) {
                GenerationStream.Signal s = gen.next(250, TimeUnit.MILLISECONDS);
                checkTime();
                if (s != null) assembler.accept(s);
            }
        } catch (ApiError e) {
            gen.cancel();
            throw e;
        }
        return OpenAiServer.sendJson(exchange, 200, assembler.whole());
    }

    private int stream(HttpExchange exchange) throws IOException, InterruptedException {
        SseStream sse = new SseStream(exchange);
        for (ObjectNode chunk : assembler.opening()) sse.send(chunk);
        try {
            while (!gen.finished() && !sse.broken()) {
                GenerationStream.Signal s = gen.next(1, TimeUnit.SECONDS);
                checkTime();
                if (s == null) {
                    sse.heartbeat();
                    continue;
                }
                for (ObjectNode chunk : assembler.accept(s)) sse.send(chunk);
            }
            if (sse.broken()) {
                gen.cancel();
                LOG.debug("client went away mid-stream; generation cancelled");
                return 499; // nginx's "client closed request", for the metrics only
            }
            ObjectNode last = assembler.closing();
            if (last != null) sse.send(last);
            sse.done();
            return 200;
        } catch (ApiError e) {
            gen.cancel();
            sse.send(e.toJson()); // OpenAI's clients raise on an "error" event
            sse.done();
            return e.status();
        }
    }
}

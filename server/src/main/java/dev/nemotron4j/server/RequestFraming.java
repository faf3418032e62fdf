package dev.nemotron4j.server;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The HTTP framing checks that can answer in OpenAI's JSON error shape.
 *
 * <p>The JDK's {@code HttpServer} parses the request line and headers itself and rejects what it cannot frame
 * (a request line without three parts, a URI that does not parse, an illegal header name, both {@code Content-Length}
 * and {@code Transfer-Encoding}, a {@code Content-Length} that is not a number or negative, a transfer coding other
 * than chunked) with its own fixed HTML page before any handler or filter runs ({@code sun.net.httpserver.ServerImpl}
 * {@code Exchange.run}), and closes the connection without an answer when the head is too large. Those answers cannot
 * be changed from here (docs/SERVER.md). What reaches the handler is checked here: a request line whose version is not
 * HTTP/1.0 or 1.1 and a {@code Content-Length} with more than digits (the JDK takes {@code +5}) before the request is
 * routed, and chunked framing broken inside the body while it is read. Each is a JSON error, and the connection is
 * closed after it (its framing can no longer be trusted).
 */
final class RequestFraming {
    private static final Pattern VERSION = Pattern.compile("HTTP/1\\.[01]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private RequestFraming() {
    }

    /** The framing problem of the request's head that the JDK let through, or null. */
    static ApiError problem(HttpExchange exchange) {
        String version = exchange.getProtocol();
        if (version == null || !VERSION.matcher(version).matches()) {
            return new ApiError(505, "invalid_request_error", "HTTP version '" + version + "' is not supported; use HTTP/1.1", null,
                    "http_version_not_supported");
        }
        List<String> lengths = exchange.getRequestHeaders().get("Content-Length");
        if (lengths != null) {
            for (String length : lengths) {
                if (!DIGITS.matcher(length.strip()).matches()) return malformed("Content-Length '" + length + "' is not a number of bytes");
            }
        }
        return null;
    }

    /**
     * The error for an I/O failure while reading the body: the chunked framing was broken (the JDK's chunk decoder
     * says "invalid chunk ...") or the body ended early. The client may be gone, then nobody reads the answer.
     */
    static ApiError bodyProblem(IOException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return malformed("The request body's framing is broken (" + message + ")");
    }

    private static ApiError malformed(String message) {
        return new ApiError(400, "invalid_request_error", message, null, "malformed_request");
    }

    /** Marks the response as the connection's last. */
    static void closeAfter(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Connection", "close");
    }
}

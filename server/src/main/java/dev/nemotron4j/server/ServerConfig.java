package dev.nemotron4j.server;

import java.time.Duration;

/**
 * How the server is set up.
 *
 * @param host             address to bind (127.0.0.1 unless told otherwise)
 * @param port             TCP port (0: any free port)
 * @param apiKey           required bearer key, or null for none
 * @param servedModelName  the model name clients must use ({@code model} field); requests naming another get 404
 * @param maxBodyBytes     larger request bodies get 413
 * @param requestTimeout   a generation running longer than this ends with 504 (or an error event when streaming)
 */
public record ServerConfig(String host, int port, String apiKey, String servedModelName, long maxBodyBytes,
                           Duration requestTimeout) {
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public ServerConfig {
        if (host == null || host.isBlank()) host = "127.0.0.1";
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], is " + port);
        if (servedModelName == null || servedModelName.isBlank()) throw new IllegalArgumentException("a served model name is required");
        if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be >= 1");
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) requestTimeout = DEFAULT_TIMEOUT;
    }

    /** Loopback, the given port and name, no key, default limits. */
    public static ServerConfig local(int port, String servedModelName) {
        return new ServerConfig("127.0.0.1", port, null, servedModelName, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT);
    }

    public ServerConfig withApiKey(String key) {
        return new ServerConfig(host, port, key, servedModelName, maxBodyBytes, requestTimeout);
    }

    public ServerConfig withMaxBodyBytes(long bytes) {
        return new ServerConfig(host, port, apiKey, servedModelName, bytes, requestTimeout);
    }

    public ServerConfig withRequestTimeout(Duration timeout) {
        return new ServerConfig(host, port, apiKey, servedModelName, maxBodyBytes, timeout);
    }
}

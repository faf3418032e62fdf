package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answered in OpenAI's JSON shape {@code {"error":{"message","type","param","code"}}} with its HTTP status.
 * Thrown anywhere in request handling; the server turns it into the response. Messages are written for the client
 * and never contain a stack trace.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String type, String message, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 for a request that is malformed or out of range; {@code param} names the field (may be null). */
    public static ApiError badRequest(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, null);
    }

    /** 400 for a prompt (plus requested output) that does not fit the context. */
    public static ApiError contextLength(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, "context_length_exceeded");
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "authentication_error", "Incorrect or missing API key", null, "invalid_api_key");
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", message, null, null);
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(404, "not_found_error", "The model '" + model + "' does not exist", "model", "model_not_found");
    }

    public static ApiError methodNotAllowed(String method) {
        return new ApiError(405, "invalid_request_error", "Method " + method + " is not allowed here", null, null);
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "Request body is larger than " + limit + " bytes", null, "request_too_large");
    }

    public static ApiError queueFull() {
        return new ApiError(429, "rate_limit_error", "The server is busy: too many requests are waiting; retry later", null, "queue_full");
    }

    public static ApiError timeout() {
        return new ApiError(504, "timeout_error", "The request timed out", null, "request_timeout");
    }

    /** 503: the server is shutting down and takes no new requests (or gave up waiting for this one). */
    public static ApiError shuttingDown() {
        return new ApiError(503, "server_error", "The server is shutting down; retry on another instance", null, "shutting_down");
    }

    public static ApiError internal() {
        return new ApiError(500, "server_error", "Internal server error", null, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** The response body. */
    public ObjectNode toJson() {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("error", error);
        return root;
    }
}

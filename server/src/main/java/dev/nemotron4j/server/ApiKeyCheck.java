package dev.nemotron4j.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks {@code Authorization: Bearer KEY}. The comparison takes the same time whatever the sent key is (it hashes
 * both sides first, so even the length is not leaked), so the key cannot be guessed byte by byte from timings.
 */
public final class ApiKeyCheck {
    private final byte[] expectedDigest;

    /** @param apiKey the key; null or empty: every request is allowed */
    public ApiKeyCheck(String apiKey) {
        this.expectedDigest = apiKey == null || apiKey.isEmpty() ? null : sha256(apiKey);
    }

    /** Whether a key is required at all. */
    public boolean enabled() {
        return expectedDigest != null;
    }

    /** Whether the {@code Authorization} header value (may be null) carries the key. */
    public boolean allows(String authorizationHeader) {
        if (expectedDigest == null) return true;
        String sent = "";
        if (authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            sent = authorizationHeader.substring(7).strip();
        }
        return MessageDigest.isEqual(expectedDigest, sha256(sent));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}

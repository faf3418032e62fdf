package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** A full queue answers 429 with Retry-After; a client that disconnects mid-stream frees its slot. */
class QueueAndDisconnectTest {
    @AutoClose
    static final ServerFixture f = ServerFixture.start("tiny-a", 1, 1, 4096, c -> c);

    static ObjectNode longStream() {
        ObjectNode body = JSON.createObjectNode().put("max_tokens", 4000).put("ignore_eos", true).put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "Talk for a long time");
        return body;
    }

    /** Reads SSE lines until one carries generated text (the stream is flowing). */
    static BufferedReader readUntilGenerating(HttpResponse<InputStream> r) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.contains("\"reasoning_content\"") || line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) return in;
        }
        throw new AssertionError("stream ended before generating");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void fullQueueIs429AndDisconnectsFreeSlots() throws Exception {
        var a = f.openStream(longStream());
        BufferedReader aIn = readUntilGenerating(a);
        assertThat(f.service.status().running()).isEqualTo(1);

        var b = f.openStream(longStream()); // headers come at once; the job waits in the queue
        await(() -> f.service.status().queueDepth() == 1, "the second request is queued");

        var c = f.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2}");
        assertThat(c.status()).isEqualTo(429);
        assertThat(c.header("Retry-After")).isEqualTo("1");
        assertThat(c.json().path("error").path("type").asText()).isEqualTo("rate_limit_error");

        aIn.close(); // client A goes away mid-stream: its slot goes to B
        await(() -> f.service.status().queueDepth() == 0, "the queued request is admitted");
        BufferedReader bIn = readUntilGenerating(b);
        bIn.close();
        await(() -> f.service.status().running() == 0, "every slot is free");
        // the handler counts a disconnect once its stream ends, which may be just after the scheduler freed the slot
        await(() -> f.server.metrics().requests("/v1/chat/completions", 499) == 2, "both disconnects are counted as 499");
        assertThat(f.server.metrics().requests("/v1/chat/completions", 499)).isEqualTo(2);

        var after = f.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2}");
        assertThat(after.status()).isEqualTo(200);
    }
}

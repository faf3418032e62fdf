package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.server.OpenAiServer;
import dev.nemotron4j.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code nemotron4j serve}: an OpenAI-compatible HTTP server with continuous batching. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over an OpenAI-compatible HTTP API (chat/completions, completions, models, "
                + "tokenize, metrics) with continuous batching.")
final class ServeCommand implements Callable<Integer>, RunsModel {

    @Mixin
    ModelOrDefaultOption model;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--api-key", description = "Require 'Authorization: Bearer KEY' (default: env NEMOTRON4J_API_KEY, else none).")
    String apiKey;

    @Option(names = "--served-model-name", description = "Model name clients use (default: the model directory's name, or the GGUF file's without .gguf).")
    String servedModelName;

    @Option(names = "--max-batch", defaultValue = "16", description = "Sequences decoded together per step (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-queue", defaultValue = "256", description = "Requests waiting for a slot before 429 (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--context", description = "Tokens per sequence, prompt + output (default: the model's max_position_embeddings).")
    Integer context;

    @Mixin
    KvCacheOption kvCache;

    @Option(names = "--prefill-chunk", defaultValue = "256", description = "Most prompt tokens one sequence feeds per step (default: ${DEFAULT-VALUE}).")
    int prefillChunk;

    @Option(names = "--step-tokens", defaultValue = "512", description = "Most tokens per batched step (default: ${DEFAULT-VALUE}).")
    int stepTokens;

    @Option(names = "--request-timeout", defaultValue = "600", description = "Seconds a request may run (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--max-body-bytes", defaultValue = "8388608", description = "Largest request body, else 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--shutdown-grace", defaultValue = "30",
            description = "Seconds running requests may take to finish after SIGTERM; new ones get 503 (default: ${DEFAULT-VALUE}).")
    int shutdownGraceSeconds;

    @Option(names = "--state-cache-mib", defaultValue = "1024",
            description = "Memory for saved prompt states, so that a conversation's next turn (or a prompt sharing a system "
                    + "prompt) prefills only what is new; outputs are unchanged bit for bit. 0 disables it (default: ${DEFAULT-VALUE}).")
    long stateCacheMib;

    @Override
    public Path modelPath() {
        return model.path();
    }

    /** --max-batch sequences, each up to --context tokens; steps of up to --step-tokens rows. */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        int ctx = context != null ? context : Math.max(1, config.maxPositionEmbeddings());
        return new MemoryPlan.Workload(maxBatch, ctx, Math.max(stepTokens, maxBatch), maxBatch, kvCache.type, true,
                Math.max(0, stateCacheMib) << 20);
    }

    @Override
    public Integer call() throws Exception {
        if (maxBatch < 1 || maxQueue < 1) throw new IllegalArgumentException("--max-batch and --max-queue must be >= 1");
        if (timeoutSeconds < 1) throw new IllegalArgumentException("--request-timeout must be >= 1");
        if (stateCacheMib < 0) throw new IllegalArgumentException("--state-cache-mib must be >= 0");
        String key = apiKey != null ? apiKey : System.getenv("NEMOTRON4J_API_KEY");
        ModelBundle bundle = kvCache.open(model.toRun());
        int ctx = context != null ? context : bundle.defaultContextLimit();
        if (ctx < 2) throw new IllegalArgumentException("--context must be >= 2");
        TextService service = new TextService(bundle, new TextService.Options(maxBatch, maxQueue, prefillChunk, Math.max(stepTokens, maxBatch), ctx),
                stateCacheMib << 20);
        String name = servedModelName != null ? servedModelName : bundle.name();
        ServerConfig config = new ServerConfig(host, port, key, name, maxBodyBytes, Duration.ofSeconds(timeoutSeconds));
        OpenAiServer server = OpenAiServer.start(service, config);
        System.out.printf("nemotron4j: serving %s on http://%s:%d (batch %d, queue %d, context %d, state cache %s%s)%n", name, host,
                server.port(), maxBatch, maxQueue, ctx, stateCacheMib == 0 ? "off" : stateCacheMib + " MiB",
                key == null || key.isEmpty() ? "" : ", API key required");
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM or Ctrl-C: running streams finish (or end with an error event and [DONE]), new requests get 503
            server.drain(Duration.ofSeconds(Math.max(0, shutdownGraceSeconds)));
            service.close();
            bundle.close();
            stopped.countDown();
        }, "nemotron4j-shutdown"));
        stopped.await();
        return 0;
    }
}

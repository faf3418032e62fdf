package dev.nemotron4j.cli;

import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.server.OpenAiServer;
import dev.nemotron4j.server.ServerConfig;

import java.io.IOException;
import java.nio.file.Path;

/** A model served as {@code nemotron4j serve} serves it (default options, no state cache), on a free loopback port. */
final class ServedModel implements AutoCloseable {
    private final ModelBundle bundle;
    private final TextService service;
    private final OpenAiServer server;

    private ServedModel(ModelBundle bundle, TextService service, OpenAiServer server) {
        this.bundle = bundle;
        this.service = service;
        this.server = server;
    }

    /** Serves the model at {@code model} under the name {@code servedName}. */
    static ServedModel start(Path model, String servedName) throws IOException {
        ModelBundle bundle = ModelBundle.open(model);
        TextService service = null;
        try {
            service = new TextService(bundle, TextService.defaultOptions(bundle));
            return new ServedModel(bundle, service, OpenAiServer.start(service, ServerConfig.local(0, servedName)));
        } catch (IOException | RuntimeException e) {
            if (service != null) service.close();
            bundle.close();
            throw e;
        }
    }

    /** The OpenAI base URL, {@code http://127.0.0.1:PORT/v1}. */
    String v1() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    @Override
    public void close() {
        server.close();
        service.close();
        bundle.close();
    }
}

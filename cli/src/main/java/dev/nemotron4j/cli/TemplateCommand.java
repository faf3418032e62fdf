package dev.nemotron4j.cli;

import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestReader;
import dev.nemotron4j.chat.template.SupportedChatTemplate;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.runtime.ModelBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j template}: renders a chat request with the model's chat template and prints the prompt exactly
 * (UTF-8, nothing added), so it can be byte-compared with a reference render.
 */
@Command(name = "template",
        mixinStandardHelpOptions = true,
        description = "Render a chat request (messages, tools, chat_template_kwargs, add_generation_prompt) "
                + "with the model's chat template and print the prompt exactly.")
public final class TemplateCommand implements Callable<Integer>, RunsModel {

    @Mixin
    ModelOption model;

    @Option(names = "--messages", required = true, paramLabel = "FILE.json",
            description = "Request JSON: {\"messages\": [...], \"tools\": [...], \"chat_template_kwargs\": {...}, "
                    + "\"add_generation_prompt\": true}.")
    Path messages;

    @Override
    public Path modelPath() {
        return model.path;
    }

    /** Reads the template only (a GGUF file's metadata). */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        return new MemoryPlan.Workload(0, 0, 0, 0, KvCacheType.F32, false);
    }

    @Override
    public Integer call() throws Exception {
        SupportedChatTemplate template = ModelBundle.chatTemplate(model.path);
        ChatRequest request = ChatRequestReader.read(messages);
        byte[] prompt = template.render(request).getBytes(StandardCharsets.UTF_8);
        PrintStream out = System.out;
        out.write(prompt);
        out.flush();
        return 0;
    }
}

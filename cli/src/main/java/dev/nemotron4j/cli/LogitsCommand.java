package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.NemotronHModel;
import dev.nemotron4j.engine.state.KvCacheType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code nemotron4j logits}: full-sequence logits of a token list as raw float32 little-endian [T, vocab]. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Write the logits of every position of a token sequence (float32 little-endian, [T, vocab], row-major).")
final class LogitsCommand implements Callable<Integer>, RunsModel {

    @Mixin
    ModelOption model;

    @Option(names = "--tokens", required = true, converter = TokenList.class, description = "Token ids, e.g. 1,2,3.")
    TokenList.Ids tokenIds;

    @Option(names = "--out", required = true, description = "Output file.")
    Path out;

    @Override
    public Path modelPath() {
        return model.path;
    }

    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        int t = tokenIds.ids().length; // one forward over every position, logits for each
        return new MemoryPlan.Workload(1, t, t, t, KvCacheType.F32, false);
    }

    @Override
    public Integer call() throws IOException {
        int[] tokens = tokenIds.ids();
        try (NemotronHModel m = model.source().load()) {
            float[] logits = m.forwardAll(m.newState(), tokens, null);
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
                ByteBuffer buf = ByteBuffer.allocate(4 * m.vocabSize()).order(ByteOrder.LITTLE_ENDIAN);
                for (int t = 0; t < tokens.length; t++) {
                    buf.clear();
                    buf.asFloatBuffer().put(logits, t * m.vocabSize(), m.vocabSize());
                    os.write(buf.array());
                }
            }
            System.err.printf("wrote %d x %d float32 logits to %s%n", tokens.length, m.vocabSize(), out);
        }
        return 0;
    }
}

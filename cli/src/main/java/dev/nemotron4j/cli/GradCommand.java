package dev.nemotron4j.cli;

import dev.nemotron4j.train.model.GradientFile;
import dev.nemotron4j.train.model.TrainableModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code nemotron4j grad}: the gradient contract. Writes the mean next-token cross-entropy of a token sequence and
 * its gradient with respect to every parameter tensor of the checkpoint, computed by the training engine's
 * hand-written backward passes in double precision.
 */
@Command(name = "grad", mixinStandardHelpOptions = true,
        description = {"Write the loss of a token sequence and dLoss/dP for every parameter tensor P of the checkpoint.",
                "loss = mean over t = 0..T-2 of -log softmax(logits_t)[token_{t+1}] (no auxiliary loss).",
                "The output is a safetensors file: 'loss' (F32, shape []) and 'grad.<P>' (F32, P's shape) for every P,",
                "A_log's gradient with respect to A_log, none for e_score_correction_bias (it only steers expert selection)."})
final class GradCommand implements Callable<Integer> {

    @Mixin
    ModelOption model;

    @Option(names = "--tokens", required = true, converter = TokenList.class, description = "Token ids (at least 2), e.g. 1,2,3.")
    TokenList.Ids tokenIds;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Output file.")
    Path out;

    @Override
    public Integer call() throws IOException {
        int[] tokens = tokenIds.ids();
        if (tokens.length < 2) throw new IllegalArgumentException("--tokens: the next-token loss needs at least 2 tokens, got " + tokens.length);
        TrainableModel m = TrainableModel.load(model.path);
        m.forward(tokens);
        m.backward();
        GradientFile.write(out, m.loss(), m.params().values());
        System.err.printf("loss %.6f over %d positions; wrote gradients of %d tensors to %s%n", m.loss(), tokens.length - 1,
                m.params().values().stream().filter(p -> p.trainable()).count(), out);
        return 0;
    }
}

package dev.nemotron4j.cli;

import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.LayerType;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.ParameterCounts;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/** {@code nemotron4j inspect}: what a model directory holds and what running it needs. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print the config summary, layer pattern, parameter counts, tensor table and memory needs of a model.")
final class InspectCommand implements Callable<Integer> {

    @Mixin
    ModelOption model;

    @Option(names = "--no-tensors", description = "Skip the tensor table.")
    boolean noTensors;

    @Option(names = "--context", defaultValue = "131072", description = "Context length for the memory estimate (default: ${DEFAULT-VALUE}).")
    int context;

    @Override
    public Integer call() {
        ModelSource source = model.source();
        ModelConfig c = source.config();
        PrintStream out = System.out;
        out.println("model: " + source.path().toAbsolutePath().normalize());
        out.println("type: " + c.modelType() + " (Nemotron-H)");
        out.printf("vocab %d, hidden %d, %d layers, RMSNorm eps %s%n", c.vocabSize(), c.hiddenSize(), c.numLayers(), c.layerNormEpsilon());
        out.println("pattern: " + c.pattern());
        for (LayerType t : LayerType.values()) {
            List<Integer> idx = IntStream.range(0, c.numLayers()).filter(i -> c.layer(i) == t).boxed().toList();
            if (!idx.isEmpty()) out.printf("  %-9s (%s) x%-3d layers %s%n", t.hfName(), t.symbol(), idx.size(), idx);
        }
        if (c.countLayers(LayerType.MAMBA) > 0) {
            out.printf("mamba: %d heads x %d, state %d, %d groups, conv %d, chunk %d (inner %d, conv channels %d, in_proj %d)%n",
                    c.mambaNumHeads(), c.mambaHeadDim(), c.ssmStateSize(), c.nGroups(), c.convKernel(), c.chunkSize(),
                    c.mambaInner(), c.convDim(), c.inProjDim());
        }
        if (c.countLayers(LayerType.ATTENTION) > 0) {
            out.printf("attention: %d query heads, %d KV heads, head_dim %d, no positional encoding%n",
                    c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim());
        }
        if (c.countLayers(LayerType.MOE) > 0) {
            out.printf("moe: %d experts (width %d), top-%d, shared width %d x %d, n_group %d / topk_group %d, norm_topk_prob %s, scaling %s%n",
                    c.nRoutedExperts(), c.moeIntermediateSize(), c.numExpertsPerTok(), c.moeSharedExpertIntermediateSize(),
                    c.nSharedExperts(), c.nGroup(), c.topkGroup(), c.normTopkProb(), c.routedScalingFactor());
        }
        if (c.countLayers(LayerType.MLP) > 0) out.printf("mlp: width %d%n", c.intermediateSize());

        ParameterCounts p = ParameterCounts.of(c);
        out.println("parameters:");
        out.printf("  total                                  %s%n", n(p.total()));
        out.printf("  active per token (both embeddings)     %s%n", n(p.activePerToken()));
        out.printf("  active per token (w/o input embedding) %s%n", n(p.activeWithoutInputEmbedding()));
        out.printf("  active per token (w/o embeddings/head) %s%n", n(p.activeWithoutEmbeddings()));

        long weightBytes;
        boolean hasWeights = !(source instanceof ModelSource.Directory dir) || dir.hasWeights();
        if (hasWeights) {
            try (TensorSource ck = source.openTensors()) {
                weightBytes = ck.totalBytes();
                if (!noTensors) {
                    out.println("tensors: " + ck.names().size());
                    List<TensorInfo> list = new ArrayList<>();
                    for (String name : ck.names()) list.add(ck.find(name).orElseThrow());
                    int w = list.stream().mapToInt(t -> t.name().length()).max().orElse(10);
                    for (TensorInfo t : list) {
                        out.printf("  %-" + w + "s  %-5s %-18s %12s  %s%n", t.name(), t.dtype(), t.shapeString(),
                                n(t.data().byteSize()), t.file().getFileName());
                    }
                }
            }
        } else {
            weightBytes = p.total() * 2; // bf16 estimate
            out.println("tensors: no safetensors in this directory (config only); weight size estimated for BF16");
        }
        long fixedState = c.countLayers(LayerType.MAMBA) * 4L
                * ((long) (c.convKernel() - 1) * c.convDim() + (long) c.mambaNumHeads() * c.mambaHeadDim() * c.ssmStateSize());
        long kvPerToken = c.countLayers(LayerType.ATTENTION) * 2L * c.numKeyValueHeads() * c.headDim() * 4L;
        out.println("memory:");
        out.printf("  weights (memory-mapped)              %s%n", bytes(weightBytes));
        out.printf("  per sequence: fixed Mamba state      %s (float32)%n", bytes(fixedState));
        out.printf("  per sequence: KV cache per token     %s (float32)%n", bytes(kvPerToken));
        out.printf("  one sequence at %d tokens        %s (+ weights)%n", context, bytes(fixedState + kvPerToken * context));
        return 0;
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String bytes(long b) {
        if (b >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB (%s bytes)", b / (double) (1L << 30), n(b));
        if (b >= 1L << 20) return String.format(Locale.ROOT, "%.2f MiB (%s bytes)", b / (double) (1L << 20), n(b));
        return String.format(Locale.ROOT, "%.1f KiB (%s bytes)", b / 1024.0, n(b));
    }
}

package dev.nemotron4j.cli;

import dev.nemotron4j.engine.formats.gguf.GgufFile;
import dev.nemotron4j.engine.formats.gguf.GgufFileType;
import dev.nemotron4j.engine.generation.BatchScheduler;
import dev.nemotron4j.engine.loading.MemoryPlan;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.LayerType;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.model.ParameterCounts;
import dev.nemotron4j.engine.state.KvCacheType;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** {@code nemotron4j inspect}: what a model directory holds and what running it needs. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print the config summary, layer pattern, parameter counts, tensor table and memory needs of a model.")
final class InspectCommand implements Callable<Integer>, RunsModel {

    @Mixin
    ModelOption model;

    @Option(names = "--no-tensors", description = "Skip the tensor table.")
    boolean noTensors;

    @Option(names = "--context", description = "Context length for the memory plan (default: the model's max_position_embeddings).")
    Integer context;

    @Override
    public Path modelPath() {
        return model.path;
    }

    /** Reads headers only. */
    @Override
    public MemoryPlan.Workload workload(ModelConfig config) {
        return new MemoryPlan.Workload(0, 0, 0, 0, KvCacheType.F32, false);
    }

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
        if (source instanceof ModelSource.Directory dir && !dir.hasWeights()) {
            weightBytes = p.total() * 2; // bf16 estimate
            out.println("tensors: no safetensors in this directory (config only); weight size estimated for BF16");
        } else {
            // a GGUF file is read without decoding its vocabulary: only its tensors and file type matter here
            try (TensorSource ck = source instanceof ModelSource.Gguf g ? GgufFile.open(g.path(), 4096) : source.openTensors()) {
                weightBytes = ck.totalBytes();
                List<TensorInfo> list = new ArrayList<>();
                for (String name : ck.names()) list.add(ck.find(name).orElseThrow());
                if (!noTensors) {
                    out.println("tensors: " + list.size());
                    int w = list.stream().mapToInt(t -> t.name().length()).max().orElse(10);
                    for (TensorInfo t : list) {
                        out.printf("  %-" + w + "s  %-7s %-18s %12s  %s%n", t.name(), t.dtype(), t.shapeString(),
                                n(t.data().byteSize()), t.file().getFileName());
                    }
                }
                Optional<GgufFileType> fileType = ck instanceof GgufFile f ? GgufFileType.of(f) : Optional.empty();
                TensorTypeReport.of(list, fileType).print(out, !noTensors);
            }
        }
        printMemoryPlan(out, new MemoryPlan(c, weightBytes));
        return 0;
    }

    private void printMemoryPlan(PrintStream out, MemoryPlan plan) {
        ModelConfig c = plan.config();
        int ctx = context != null ? context : Math.max(1, c.maxPositionEmbeddings());
        long attention = c.countLayers(LayerType.ATTENTION);
        out.println("memory plan:");
        line(out, "weights, memory-mapped (page cache, never copied to the heap)", bytes(plan.weightBytes()));
        line(out, "per sequence: Mamba state (conv + SSM, float32, " + c.countLayers(LayerType.MAMBA) + " layers)", bytes(plan.mambaStateBytes()));
        line(out, "per sequence: KV cache per token and attention layer", perCacheType(plan::kvBytesPerTokenPerLayer));
        line(out, "per sequence: KV cache per token (" + attention + " attention layers)", perCacheType(plan::kvBytesPerToken));
        line(out, "one sequence at " + ctx + " tokens", perCacheType(type -> plan.sequenceBytes(ctx, type)));
        line(out, "activations per row of a forward pass", bytes(plan.activationBytesPerRow()));
        MemoryPlan.Workload chat = new MemoryPlan.Workload(1, ctx, BatchScheduler.DEFAULT_PREFILL_CHUNK, 8, KvCacheType.F32, true);
        JvmHeap heap = JvmHeap.of(plan, chat, JvmOptions.physicalMemory());
        line(out, "JVM heap the launcher gives chat at " + ctx + " tokens", bytes(heap.neededBytes()) + ": " + String.join(" ", heap.flags())
                + (heap.capped() ? " (capped by this machine's memory)" : ""));
    }

    private static void line(PrintStream out, String label, String value) {
        out.printf("  %-64s %s%n", label, value);
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String bytes(long b) {
        if (b >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB (%s bytes)", b / (double) (1L << 30), n(b));
        if (b >= 1L << 20) return String.format(Locale.ROOT, "%.2f MiB (%s bytes)", b / (double) (1L << 20), n(b));
        return String.format(Locale.ROOT, "%.1f KiB (%s bytes)", b / 1024.0, n(b));
    }

    /** "X f32, Y f16, Z fp8": a size for every {@code --kv-cache} type. */
    private static String perCacheType(ToLongFunction<KvCacheType> size) {
        return Arrays.stream(KvCacheType.values())
                .map(type -> bytes(size.applyAsLong(type)) + " " + type.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

}

package dev.nemotron4j.engine.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.formats.gguf.GgmlQuantizer;
import dev.nemotron4j.engine.formats.gguf.GgufValue;
import dev.nemotron4j.engine.formats.gguf.GgufWriter;
import dev.nemotron4j.engine.formats.safetensors.SafetensorsCheckpoint;
import dev.nemotron4j.engine.kernels.Bf16Matrix;
import dev.nemotron4j.engine.kernels.E2m1;
import dev.nemotron4j.engine.kernels.E4m3;
import dev.nemotron4j.engine.loading.ModelOptQuantization;
import dev.nemotron4j.engine.model.LayerType;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a Hugging Face Nemotron-H checkpoint into a GGUF file llama.cpp loads (GGUF.md): metadata in the
 * order llama.cpp's converter writes it, tensors in the canonical per-layer order, the converter's transforms
 * (A = −exp(A_log), conv1d squeezed, ssm_norm reshaped, experts stacked), and the storage type per tensor
 * (F32 for vectors, norms, conv, router and biases; the requested type for other matrices, F16 where a row is
 * not a whole number of blocks). For f32/f16/bf16/q8_0/q4_0 the output is byte-identical to llama.cpp's own
 * converter and {@code llama-quantize --pure}. Tensors are streamed in row chunks, so memory stays bounded.
 */
public final class GgufConverter {
    private GgufConverter() {}

    private static final int CHUNK_ELEMENTS = 1 << 22;

    /** The output types {@code convert --type} accepts, by name. */
    public static DType parseType(String name) {
        return switch (name.toLowerCase()) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "bf16" -> DType.BF16;
            case "q8_0" -> DType.Q8_0;
            case "q4_0" -> DType.Q4_0;
            case "q4_k" -> DType.Q4_K;
            case "q6_k" -> DType.Q6_K;
            case "nvfp4" -> DType.NVFP4;
            default -> throw new IllegalArgumentException("unknown type '" + name + "' (f32, f16, bf16, q8_0, q4_0, q4_k, q6_k, nvfp4)");
        };
    }

    static int fileType(DType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q4_K -> 14;
            case Q6_K -> 18;
            case BF16 -> 32;
            case NVFP4 -> 39; // LLAMA_FTYPE_MOSTLY_NVFP4
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    /**
     * Where a GGUF tensor's rows come from: a float tensor, or a ModelOpt projection with its scales — FP8 codes times
     * {@code scale} ({@code weight_scale}), or NVFP4 codes with their E4M3 {@code blockScales} times {@code scale}
     * ({@code weight_scale_2}).
     */
    private record Source(TensorInfo data, TensorInfo blockScales, float scale) {
        static Source of(TensorInfo t) {
            return new Source(t, null, 1f);
        }

        boolean nvfp4() {
            return data.dtype() == DType.U8;
        }

        long elementCount() {
            return nvfp4() ? 2 * data.elementCount() : data.elementCount();
        }
    }

    /** One GGUF tensor and where its rows come from (several sources are concatenated: stacked experts). */
    private record Plan(String name, long[] ne, DType type, List<Source> sources, Transform transform) {}

    /** NEG_EXP: A = −exp(A_log); SCALES: the sources' per-tensor scales (an NVFP4 tensor's {@code .scale} companion). */
    private enum Transform { NONE, NEG_EXP, SCALES }

    /**
     * Converts {@code hfDir} into {@code out} with matrices in {@code type}. A ModelOpt checkpoint is read too: FP8
     * projections are dequantized ({@code code × weight_scale}) into the requested type, as llama.cpp's converter does;
     * with {@code type} NVFP4, NVFP4 projections are repacked into ggml NVFP4 blocks unchanged (their
     * {@code weight_scale_2} as the tensor's {@code .scale}, per expert for stacked experts) and the others stored as
     * BF16 (F32 where a row is not whole 64-blocks).
     */
    public static void convert(Path hfDir, Path out, DType type) throws IOException {
        ModelConfig c = ModelConfig.load(hfDir);
        ModelOptQuantization modelOpt = ModelOptQuantization.declared(hfDir) ? ModelOptQuantization.read(hfDir) : null;
        if (type == DType.NVFP4 && (modelOpt == null || !modelOpt.algorithm().equals(ModelOptQuantization.NVFP4))) {
            throw new IllegalArgumentException(hfDir + ": --type nvfp4 repacks an NVFP4 ModelOpt checkpoint; this one is not");
        }
        try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(hfDir);
             GgufWriter w = new GgufWriter(out)) {
            String body = bodyPrefix(ck);
            boolean moe = c.countLayers(LayerType.MOE) > 0;
            String arch = moe ? "nemotron_h_moe" : "nemotron_h";
            writeMetadata(w, c, arch, hfDir, type);
            List<Plan> plans = plan(c, ck, body, type, modelOpt != null);
            for (Plan p : plans) w.declare(new GgufWriter.TensorDecl(p.name, p.ne, p.type));
            w.begin();
            for (Plan p : plans) writeTensor(w, p);
        }
    }

    private static String bodyPrefix(SafetensorsCheckpoint ck) {
        for (String p : List.of("backbone.", "model.", "model.language_model.", "language_model.backbone.", "language_model.model.")) {
            if (ck.find(p + "embeddings.weight").isPresent() || ck.find(p + "embed_tokens.weight").isPresent()) return p;
        }
        throw new ModelFormatException(ck.location() + ": missing tensor 'backbone.embeddings.weight'");
    }

    // ---- metadata ----

    private static void writeMetadata(GgufWriter w, ModelConfig c, String arch, Path hfDir, DType type) throws IOException {
        String p = arch + ".";
        w.put("general.architecture", new GgufValue.Str(arch));
        w.put("general.name", new GgufValue.Str(hfDir.toAbsolutePath().normalize().getFileName().toString()));
        w.put("general.file_type", new GgufValue.U32(fileType(type)));
        w.put("general.quantization_version", new GgufValue.U32(2));
        w.put(p + "vocab_size", new GgufValue.U32(c.vocabSize()));
        w.put(p + "context_length", new GgufValue.U32(c.maxPositionEmbeddings()));
        w.put(p + "embedding_length", new GgufValue.U32(c.hiddenSize()));
        w.put(p + "block_count", new GgufValue.U32(c.numLayers()));
        w.put(p + "attention.head_count", new GgufValue.U32(c.numAttentionHeads()));
        int[] ff = new int[c.numLayers()], kv = new int[c.numLayers()];
        for (int i = 0; i < c.numLayers(); i++) {
            ff[i] = switch (c.layer(i)) {
                case MOE -> c.moeIntermediateSize();
                case MLP -> c.intermediateSize();
                default -> 0;
            };
            kv[i] = c.layer(i) == LayerType.ATTENTION ? c.numKeyValueHeads() : 0;
        }
        w.put(p + "feed_forward_length", new GgufValue.I32Array(ff));
        w.put(p + "attention.head_count_kv", new GgufValue.I32Array(kv));
        w.put(p + "attention.key_length", new GgufValue.U32(c.headDim()));
        w.put(p + "attention.value_length", new GgufValue.U32(c.headDim()));
        w.put(p + "attention.layer_norm_rms_epsilon", new GgufValue.F32(c.layerNormEpsilon()));
        w.put(p + "ssm.conv_kernel", new GgufValue.U32(c.convKernel()));
        w.put(p + "ssm.inner_size", new GgufValue.U32(c.mambaInner()));
        w.put(p + "ssm.state_size", new GgufValue.U32(c.ssmStateSize()));
        w.put(p + "ssm.time_step_rank", new GgufValue.U32(c.mambaNumHeads()));
        w.put(p + "ssm.group_count", new GgufValue.U32(c.nGroups()));
        if (arch.equals("nemotron_h_moe")) {
            w.put(p + "expert_count", new GgufValue.U32(c.nRoutedExperts()));
            w.put(p + "expert_used_count", new GgufValue.U32(c.numExpertsPerTok()));
            w.put(p + "expert_feed_forward_length", new GgufValue.U32(c.moeIntermediateSize()));
            w.put(p + "expert_shared_feed_forward_length", new GgufValue.U32(c.moeSharedExpertIntermediateSize()));
            w.put(p + "expert_shared_count", new GgufValue.U32(c.nSharedExperts()));
            w.put(p + "expert_weights_norm", new GgufValue.Bool(c.normTopkProb()));
            w.put(p + "expert_weights_scale", new GgufValue.F32(c.routedScalingFactor()));
            // A single group when every group is kept: grouped routing is then a no-op (GGUF.md, known gaps).
            boolean grouped = c.nGroup() > 1 && c.topkGroup() < c.nGroup();
            w.put(p + "expert_group_count", new GgufValue.U32(grouped ? c.nGroup() : 1));
            if (grouped) w.put(p + "expert_group_used_count", new GgufValue.U32(c.topkGroup()));
        }
        GgufTokenizerMetadata.write(w, hfDir, c);
    }

    // ---- tensors ----

    private static List<Plan> plan(ModelConfig c, SafetensorsCheckpoint ck, String body, DType type, boolean modelOpt) {
        List<Plan> out = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        String emb = ck.find(body + "embeddings.weight").isPresent() ? body + "embeddings.weight" : body + "embed_tokens.weight";
        add(out, ck, "token_embd.weight", type, emb);
        add(out, ck, "output_norm.weight", type, ck.find(body + "norm_f.weight").isPresent() ? body + "norm_f.weight" : body + "norm.weight");
        if (ck.find("lm_head.weight").isPresent()) add(out, ck, "output.weight", type, "lm_head.weight");
        for (int i = 0; i < c.numLayers(); i++) {
            String g = "blk." + i + ".", h = body + "layers." + i + ".", m = h + "mixer.";
            add(out, ck, g + "attn_norm.weight", type, h + "norm.weight");
            switch (c.layer(i)) {
                case MAMBA -> {
                    add(out, ck, g + "ssm_in.weight", type, m + "in_proj.weight");
                    addShaped(out, ck, g + "ssm_conv1d.weight", new long[] {c.convKernel(), c.convDim()}, m + "conv1d.weight", Transform.NONE);
                    if (ck.find(m + "conv1d.bias").isPresent()) add(out, ck, g + "ssm_conv1d.bias", type, m + "conv1d.bias");
                    add(out, ck, g + "ssm_dt.bias", type, m + "dt_bias");
                    addShaped(out, ck, g + "ssm_a", new long[] {1, c.mambaNumHeads()}, m + "A_log", Transform.NEG_EXP);
                    addShaped(out, ck, g + "ssm_d", new long[] {1, c.mambaNumHeads()}, m + "D", Transform.NONE);
                    addShaped(out, ck, g + "ssm_norm.weight", new long[] {c.mambaInner() / c.nGroups(), c.nGroups()}, m + "norm.weight", Transform.NONE);
                    add(out, ck, g + "ssm_out.weight", type, m + "out_proj.weight");
                }
                case ATTENTION -> {
                    add(out, ck, g + "attn_q.weight", type, m + "q_proj.weight");
                    add(out, ck, g + "attn_k.weight", type, m + "k_proj.weight");
                    add(out, ck, g + "attn_v.weight", type, m + "v_proj.weight");
                    add(out, ck, g + "attn_output.weight", type, m + "o_proj.weight");
                }
                case MOE -> {
                    add(out, ck, g + "ffn_gate_inp.weight", type, m + "gate.weight");
                    if (ck.find(m + "gate.e_score_correction_bias").isPresent()) add(out, ck, g + "exp_probs_b.bias", type, m + "gate.e_score_correction_bias");
                    addExperts(out, ck, g + "ffn_up_exps.weight", type, m, "up_proj", c.nRoutedExperts(), c.moeIntermediateSize(), c.hiddenSize());
                    addExperts(out, ck, g + "ffn_down_exps.weight", type, m, "down_proj", c.nRoutedExperts(), c.hiddenSize(), c.moeIntermediateSize());
                    if (ck.find(m + "shared_experts.up_proj.weight").isPresent()) {
                        add(out, ck, g + "ffn_up_shexp.weight", type, m + "shared_experts.up_proj.weight");
                        add(out, ck, g + "ffn_down_shexp.weight", type, m + "shared_experts.down_proj.weight");
                    }
                }
                case MLP -> {
                    add(out, ck, g + "ffn_up.weight", type, m + "up_proj.weight");
                    add(out, ck, g + "ffn_down.weight", type, m + "down_proj.weight");
                }
            }
        }
        return out;
    }

    private static TensorInfo require(SafetensorsCheckpoint ck, String name) {
        TensorInfo t = ck.find(name).orElseThrow(() -> new ModelFormatException(ck.location() + ": missing tensor '" + name + "'"));
        if (!t.dtype().isFloatWeight()) throw new ModelFormatException(t.file() + ": tensor '" + name + "': dtype " + t.dtype() + " (F32, F16, BF16)");
        return t;
    }

    /** A projection's weight: a float tensor, or (ModelOpt) FP8 / NVFP4 codes with their scales. */
    private static Source source(SafetensorsCheckpoint ck, String name) {
        TensorInfo t = ck.find(name).orElseThrow(() -> new ModelFormatException(ck.location() + ": missing tensor '" + name + "'"));
        if (t.dtype() != DType.F8_E4M3 && t.dtype() != DType.U8) return Source.of(require(ck, name));
        String m = name.substring(0, name.length() - ".weight".length());
        float scale = scalar(ck, t, m + (t.dtype() == DType.U8 ? ".weight_scale_2" : ".weight_scale"));
        if (t.dtype() == DType.F8_E4M3) {
            long nan = E4m3.findNaN(t.data());
            if (nan >= 0) throw new ModelFormatException(t.file() + ": tensor '" + name + "': F8_E4M3 code " + nan + " is NaN");
            return new Source(t, null, scale);
        }
        TensorInfo blocks = ck.find(m + ".weight_scale").orElseThrow(() -> new ModelFormatException(t.file() + ": tensor '" + name
                + "': NVFP4 weight without its block scales '" + m + ".weight_scale'"));
        if (blocks.dtype() != DType.F8_E4M3 || blocks.rank() != 2 || blocks.shape()[0] != t.shape()[0] || blocks.shape()[1] * 8 != t.shape()[1]) {
            throw new ModelFormatException(blocks.file() + ": tensor '" + blocks.name() + "': " + blocks.dtype() + blocks.shapeString()
                    + " (expected F8_E4M3 [" + t.shape()[0] + ", " + t.shape()[1] / 8 + "])");
        }
        if (E4m3.findNaN(blocks.data()) >= 0) throw new ModelFormatException(blocks.file() + ": tensor '" + blocks.name() + "': a NaN block scale");
        return new Source(t, blocks, scale);
    }

    private static float scalar(SafetensorsCheckpoint ck, TensorInfo weight, String name) {
        TensorInfo s = ck.find(name).orElseThrow(() -> new ModelFormatException(weight.file() + ": tensor '" + weight.name() + "': "
                + weight.dtype() + " weight without its scale '" + name + "'"));
        if (s.elementCount() != 1 || s.dtype() != DType.F32) {
            throw new ModelFormatException(s.file() + ": tensor '" + name + "': " + s.dtype() + s.shapeString() + " (expected an F32 scalar)");
        }
        return s.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
    }

    /** The columns (inputs) of a source's rows. */
    private static long columns(Source s) {
        long last = s.data().shape()[s.data().rank() - 1];
        return s.nvfp4() ? 2 * last : last;
    }

    /** A tensor kept with its HF shape (ggml order reversed). */
    private static void add(List<Plan> out, SafetensorsCheckpoint ck, String gguf, DType requested, String hf) {
        Source s = source(ck, hf);
        TensorInfo t = s.data();
        long[] ne = new long[t.rank()];
        for (int d = 0; d < ne.length; d++) ne[d] = t.shape()[t.rank() - 1 - d];
        ne[0] = columns(s);
        addPlanned(out, gguf, ne, requested, List.of(s));
    }

    /** A matrix plan, with its {@code .scale} companion where it stays NVFP4. */
    private static void addPlanned(List<Plan> out, String gguf, long[] ne, DType requested, List<Source> sources) {
        DType type = storageType(gguf, ne, requested);
        if (requested == DType.NVFP4 && type != DType.F32) {
            // NVFP4 stays NVFP4 where its rows are whole ggml blocks of 64 (else the exact values in F32); the kept
            // projections (BF16 in the checkpoint) stay BF16
            boolean allNvfp4 = sources.stream().allMatch(Source::nvfp4);
            type = !allNvfp4 ? DType.BF16 : ne[0] % 64 == 0 ? DType.NVFP4 : DType.F32;
        }
        out.add(new Plan(gguf, ne, type, sources, Transform.NONE));
        if (type == DType.NVFP4) {
            String stem = gguf.substring(0, gguf.length() - ".weight".length());
            out.add(new Plan(stem + ".scale", new long[] {sources.size()}, DType.F32, sources, Transform.SCALES));
        }
    }

    private static void addShaped(List<Plan> out, SafetensorsCheckpoint ck, String gguf, long[] ne, String hf, Transform tr) {
        TensorInfo t = require(ck, hf);
        long n = 1;
        for (long d : ne) n *= d;
        if (t.elementCount() != n) throw new ModelFormatException(t.file() + ": tensor '" + hf + "': shape " + t.shapeString() + " has " + t.elementCount() + " elements, expected " + n);
        out.add(new Plan(gguf, ne, DType.F32, List.of(Source.of(t)), tr));
    }

    private static void addExperts(List<Plan> out, SafetensorsCheckpoint ck, String gguf, DType requested, String m, String proj, int experts, int rows, int cols) {
        long[] ne = {cols, rows, experts};
        List<Source> sources = new ArrayList<>();
        var fused = ck.find(m + "experts." + proj).or(() -> ck.find(m + "experts." + proj + ".weight"));
        if (fused.isPresent()) sources.add(Source.of(require(ck, fused.get().name())));
        else for (int e = 0; e < experts; e++) sources.add(source(ck, m + "experts." + e + "." + proj + ".weight"));
        addPlanned(out, gguf, ne, requested, sources);
    }

    /** llama.cpp's choice: F32 for vectors, norms, conv, router and non-weights; else the request, with fallbacks. */
    static DType storageType(String name, long[] ne, DType requested) {
        boolean keepF32 = ne.length == 1 || !name.endsWith(".weight") || name.endsWith("_norm.weight")
                || name.endsWith("ssm_conv1d.weight") || name.endsWith("ffn_gate_inp.weight");
        if (keepF32) return DType.F32;
        if (!requested.isQuantized() || ne[0] % requested.blockSize() == 0) return requested;
        return ne[0] % 32 == 0 ? DType.Q8_0 : DType.F16;
    }

    private static void writeTensor(GgufWriter w, Plan p) throws IOException {
        if (p.transform == Transform.SCALES) {
            ByteBuffer b = ByteBuffer.allocate(4 * p.sources.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (Source s : p.sources) b.putFloat(s.scale());
            w.writeChunk(b.flip());
            w.finishTensor();
            return;
        }
        if (p.type == DType.NVFP4 && p.sources.stream().allMatch(Source::nvfp4)) {
            for (Source s : p.sources) w.writeChunk(ByteBuffer.wrap(ggmlNvfp4(s)).order(ByteOrder.LITTLE_ENDIAN));
            w.finishTensor();
            return;
        }
        int rowLen = (int) p.ne[0];
        int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / rowLen);
        float[] buf = new float[rowsPerChunk * rowLen];
        ByteBuffer bytes = ByteBuffer.allocate((int) p.type.byteSize((long) rowsPerChunk * rowLen)).order(ByteOrder.LITTLE_ENDIAN);
        for (Source src : p.sources) {
            long total = src.elementCount();
            for (long first = 0; first < total; ) {
                int n = (int) Math.min((long) rowsPerChunk * rowLen, total - first);
                widen(src, first, n, buf);
                if (p.transform == Transform.NEG_EXP) for (int i = 0; i < n; i++) buf[i] = (float) -Math.exp(buf[i]);
                int rows = n / rowLen;
                int rowBytes = (int) p.type.byteSize(rowLen);
                bytes.clear();
                // Rows quantize independently: spread them over the cores, bytes land at fixed positions.
                java.util.stream.IntStream.range(0, rows).parallel().forEach(r ->
                        GgmlQuantizer.quantize(p.type, buf, r * rowLen, rowLen, bytes.slice(r * rowBytes, rowBytes).order(ByteOrder.LITTLE_ENDIAN)));
                bytes.clear().limit(rows * rowBytes);
                w.writeChunk(bytes);
                first += n;
            }
        }
        w.finishTensor();
    }

    /**
     * ModelOpt NVFP4 codes and block scales re-laid as ggml NVFP4 blocks: per 64 inputs the four block scale bytes
     * (ggml reads them as E4M3 halved, its E2M1 table is doubled: the same products), then per 16 inputs 8 bytes with
     * elements 0–7 in the low nibbles and 8–15 in the high ones (ModelOpt: consecutive elements in low, high).
     */
    static byte[] ggmlNvfp4(Source s) {
        MemorySegment codes = s.data().data(), scales = s.blockScales().data();
        long rows = s.data().shape()[0], cols = columns(s);
        byte[] out = new byte[Math.toIntExact(rows * cols / 64 * 36)];
        int o = 0;
        for (long r = 0; r < rows; r++) {
            for (long blk = 0; blk < cols / 64; blk++, o += 36) {
                for (int sub = 0; sub < 4; sub++) {
                    out[o + sub] = scales.get(ValueLayout.JAVA_BYTE, r * (cols / 16) + blk * 4 + sub);
                    for (int j = 0; j < 8; j++) {
                        long e = r * cols + blk * 64 + 16L * sub + j;
                        int lo = nibble(codes, e), hi = nibble(codes, e + 8);
                        out[o + 4 + 8 * sub + j] = (byte) (lo | hi << 4);
                    }
                }
            }
        }
        return out;
    }

    private static int nibble(MemorySegment codes, long element) {
        int b = codes.get(ValueLayout.JAVA_BYTE, element >>> 1) & 0xFF;
        return (element & 1) == 0 ? b & 0xF : b >>> 4;
    }

    /** Elements {@code [first, first + n)} of a source as float32: exact widening, or the dequantized ModelOpt weights. */
    private static void widen(Source s, long first, int n, float[] dst) {
        TensorInfo t = s.data();
        if (t.dtype() == DType.F8_E4M3) {
            for (int i = 0; i < n; i++) dst[i] = E4m3.toFloat(t.data().get(ValueLayout.JAVA_BYTE, first + i) & 0xFF) * s.scale();
            return;
        }
        if (s.nvfp4()) {
            long cols = columns(s);
            MemorySegment scales = s.blockScales().data();
            for (int i = 0; i < n; i++) {
                long e = first + i, r = e / cols, c = e % cols;
                float block = E4m3.toFloat(scales.get(ValueLayout.JAVA_BYTE, r * (cols / 16) + c / 16) & 0xFF);
                dst[i] = E2m1.toFloat(nibble(t.data(), e)) * block * s.scale();
            }
            return;
        }
        widen(t, first, n, dst);
    }

    private static void widen(TensorInfo t, long first, int n, float[] dst) {
        MemorySegment d = t.data();
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(d, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), first * 4, dst, 0, n);
            case BF16 -> {
                for (int i = 0; i < n; i++) dst[i] = Bf16Matrix.toFloat(d.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), (first + i) * 2));
            }
            case F16 -> {
                for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat(d.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), (first + i) * 2));
            }
            default -> throw new ModelFormatException(t.file() + ": tensor '" + t.name() + "': dtype " + t.dtype());
        }
    }

    static JsonNode readJson(Path p) {
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean exists(Path p) {
        return Files.isRegularFile(p);
    }
}

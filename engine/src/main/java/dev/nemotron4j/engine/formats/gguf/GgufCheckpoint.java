package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.ModelFormatException;
import dev.nemotron4j.engine.weights.TensorInfo;
import dev.nemotron4j.engine.weights.TensorSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code nemotron_h_moe} / {@code nemotron_h} GGUF file seen as the Hugging Face checkpoint it was converted
 * from (GGUF.md "Tensor names"): tensors are found under their HF names ({@code backbone.layers.3.mixer.in_proj.weight})
 * with HF shapes, and the converter's transforms are undone, so the ordinary {@code ModelLoader} binds them.
 * The bytes stay in the mapped file, with three exceptions that are tiny vectors:
 * {@code ssm_a} (A = −exp(A_log)) is turned back into {@code A_log = log(−A)}; {@code ssm_d} and
 * {@code ssm_norm} only change shape. Each {@link TensorInfo} keeps its GGUF name, so error messages name the
 * tensor as it is in the file.
 */
public final class GgufCheckpoint implements TensorSource {

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.(.+)");
    /** GGUF per-layer tensor suffix → HF suffix under {@code backbone.layers.N.}. */
    private static final Map<String, String> LAYER_NAMES = Map.ofEntries(
            Map.entry("attn_norm.weight", "norm.weight"),
            Map.entry("ssm_in.weight", "mixer.in_proj.weight"),
            Map.entry("ssm_conv1d.weight", "mixer.conv1d.weight"),
            Map.entry("ssm_conv1d.bias", "mixer.conv1d.bias"),
            Map.entry("ssm_dt.bias", "mixer.dt_bias"),
            Map.entry("ssm_a", "mixer.A_log"),
            Map.entry("ssm_d", "mixer.D"),
            Map.entry("ssm_norm.weight", "mixer.norm.weight"),
            Map.entry("ssm_out.weight", "mixer.out_proj.weight"),
            Map.entry("attn_q.weight", "mixer.q_proj.weight"),
            Map.entry("attn_k.weight", "mixer.k_proj.weight"),
            Map.entry("attn_v.weight", "mixer.v_proj.weight"),
            Map.entry("attn_output.weight", "mixer.o_proj.weight"),
            Map.entry("ffn_gate_inp.weight", "mixer.gate.weight"),
            Map.entry("exp_probs_b.bias", "mixer.gate.e_score_correction_bias"),
            Map.entry("ffn_up_exps.weight", "mixer.experts.up_proj"),
            Map.entry("ffn_down_exps.weight", "mixer.experts.down_proj"),
            Map.entry("ffn_up_shexp.weight", "mixer.shared_experts.up_proj.weight"),
            Map.entry("ffn_down_shexp.weight", "mixer.shared_experts.down_proj.weight"),
            Map.entry("ffn_up.weight", "mixer.up_proj.weight"),
            Map.entry("ffn_down.weight", "mixer.down_proj.weight"));
    private static final Map<String, String> GLOBAL_NAMES = Map.of(
            "token_embd.weight", "backbone.embeddings.weight",
            "output_norm.weight", "backbone.norm_f.weight",
            "output.weight", "lm_head.weight");

    private final GgufFile file;
    private final Arena arena = Arena.ofShared();
    private final Map<String, TensorInfo> byHfName;

    private GgufCheckpoint(GgufFile file) {
        this.file = file;
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        for (TensorInfo t : file.tensors().values()) {
            String hf = hfName(t.name());
            if (hf == null) {
                m.put(t.name(), t); // unknown: kept under its own name, reported as unused by the loader
                continue;
            }
            m.put(hf, undoTransform(t, hf));
        }
        this.byHfName = Collections.unmodifiableMap(m);
    }

    /** Opens {@code path} as a checkpoint. */
    public static GgufCheckpoint open(Path path) {
        return of(GgufFile.open(path));
    }

    /** Views an open GGUF file as a checkpoint; closing the view closes the file. */
    public static GgufCheckpoint of(GgufFile file) {
        try {
            return new GgufCheckpoint(file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * The matrices that may carry {@code .scale} / {@code .input_scale} companions: those llama.cpp looks them up
     * for (its generic pass after loading; not {@code token_embd}, the router or the convolution).
     */
    private static final Set<String> SCALED_MATRICES = Set.of("ssm_in", "ssm_out", "attn_q", "attn_k", "attn_v",
            "attn_output", "ffn_up", "ffn_down", "ffn_up_shexp", "ffn_down_shexp", "ffn_up_exps", "ffn_down_exps", "output");

    /**
     * The HF name of a GGUF tensor name, or null for names outside the Nemotron-H layout. A matrix's
     * {@code .scale} / {@code .input_scale} companion maps to {@link TensorSource#outputScaleName} /
     * {@link TensorSource#inputScaleName} of the matrix's HF name.
     */
    static String hfName(String gguf) {
        for (String companion : new String[] {".input_scale", ".scale"}) {
            if (!gguf.endsWith(companion)) continue;
            String base = gguf.substring(0, gguf.length() - companion.length());
            Matcher m = BLOCK.matcher(base);
            if (!SCALED_MATRICES.contains(m.matches() ? m.group(2) : base)) return null;
            String hf = hfMatrixName(base + ".weight");
            if (hf == null) return null;
            return companion.equals(".scale") ? TensorSource.outputScaleName(hf) : TensorSource.inputScaleName(hf);
        }
        return hfMatrixName(gguf);
    }

    private static String hfMatrixName(String gguf) {
        String g = GLOBAL_NAMES.get(gguf);
        if (g != null) return g;
        Matcher m = BLOCK.matcher(gguf);
        if (!m.matches()) return null;
        String suffix = LAYER_NAMES.get(m.group(2));
        return suffix == null ? null : "backbone.layers." + m.group(1) + "." + suffix;
    }

    private TensorInfo undoTransform(TensorInfo t, String hf) {
        if (hf.endsWith(".A_log")) {
            float[] a = floats(t);
            MemorySegment seg = arena.allocate(4L * a.length, 4);
            for (int i = 0; i < a.length; i++) {
                if (!(a[i] < 0)) throw new ModelFormatException(where(t) + ": A[" + i + "] = " + a[i] + " is not negative (ssm_a holds −exp(A_log))");
                seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.log(-(double) a[i]));
            }
            return new TensorInfo(t.name(), DType.F32, new long[] {a.length}, seg, t.file());
        }
        if (hf.endsWith(".D") || hf.endsWith("mixer.norm.weight")) {
            return new TensorInfo(t.name(), t.dtype(), new long[] {t.elementCount()}, t.data(), t.file());
        }
        return t;
    }

    private static float[] floats(TensorInfo t) {
        if (t.dtype() != DType.F32) throw new ModelFormatException(where(t) + ": dtype " + t.dtype() + " (expected F32)");
        return t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    private static String where(TensorInfo t) {
        return t.file() + ": tensor '" + t.name() + "'";
    }

    /** The underlying file (metadata, raw tensors). */
    public GgufFile file() {
        return file;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byHfName.get(name));
    }

    @Override
    public Set<String> names() {
        return byHfName.keySet();
    }

    @Override
    public Path location() {
        return file.location();
    }

    @Override
    public long totalBytes() {
        return file.totalBytes();
    }

    @Override
    public void close() {
        arena.close();
        file.close();
    }
}

package dev.nemotron4j.cli;

import dev.nemotron4j.engine.formats.gguf.GgufFileType;
import dev.nemotron4j.engine.weights.DType;
import dev.nemotron4j.engine.weights.TensorInfo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a checkpoint's tensors really are: per storage type the tensor count, parameters, bytes and share of the
 * bytes; the effective bits per weight of the matrices; and, for a GGUF file with a {@code general.file_type},
 * which matrices are not in the file's nominal type and why — above all llama-quantize's fallback, which stores
 * a 32-element block type where a 256-element one cannot hold a row (Nano's widths 2688, 1856 and 3712 are not
 * multiples of 256, so a "Q4_K_M" file is mostly Q5_0 and Q8_0).
 */
record TensorTypeReport(Map<DType, Totals> byType, Totals matrices, Totals all, Optional<GgufFileType> fileType,
                        List<Deviation> fallbacks, List<Deviation> mixture) {

    /** Tensors, parameters and bytes of a group ({@code matrices}: tensors of rank 2 or more not stored as F32 — the quantizable weights — plus the bytes of their quantized scale tensors). */
    record Totals(int tensors, long parameters, long bytes) {
        Totals plus(TensorInfo t) {
            return new Totals(tensors + 1, parameters + weights(t), bytes + t.data().byteSize());
        }

        /** A scale tensor's bytes: part of its matrix's storage, not a tensor or parameters of its own. */
        Totals plusBytes(TensorInfo t) {
            return new Totals(tensors, parameters, bytes + t.data().byteSize());
        }

        double bitsPerWeight() {
            return parameters == 0 ? 0 : 8.0 * bytes / parameters;
        }
    }

    /** A matrix stored in another type than the file's nominal one, with the rule that explains it. */
    record Deviation(TensorInfo tensor, String rule) {}

    /** The block size the quantizer's K- and i-quants need a row to be a multiple of. */
    static final int SUPER_BLOCK = 256;

    static TensorTypeReport of(Collection<TensorInfo> tensors, Optional<GgufFileType> fileType) {
        Map<DType, Totals> byType = new TreeMap<>();
        Totals matrices = new Totals(0, 0, 0), all = new Totals(0, 0, 0);
        for (TensorInfo t : tensors) {
            byType.merge(t.dtype(), new Totals(0, 0, 0).plus(t), (a, b) -> new Totals(a.tensors + b.tensors, a.parameters + b.parameters, a.bytes + b.bytes));
            all = all.plus(t);
            if (isScale(t)) {
                if (t.dtype() != DType.F32 || t.rank() >= 2) matrices = matrices.plusBytes(t);
            } else if (t.rank() >= 2 && t.dtype() != DType.F32) {
                matrices = matrices.plus(t);
            }
        }
        List<Deviation> fallbacks = new ArrayList<>(), mixture = new ArrayList<>();
        Optional<DType> nominal = fileType.flatMap(GgufFileType::nominalType).flatMap(TensorTypeReport::dtype);
        if (nominal.isPresent()) {
            DType n = nominal.get();
            for (TensorInfo t : tensors) {
                // vectors and float32 matrices (router, conv) are never quantized by llama-quantize
                if (t.rank() < 2 || t.dtype() == n || t.dtype() == DType.F32) continue;
                long width = t.shape()[t.rank() - 1];
                if (n.blockSize() == SUPER_BLOCK && width % SUPER_BLOCK != 0 && isReplacement(t.dtype(), width)) {
                    fallbacks.add(new Deviation(t, fallbackRule(n, t.dtype())));
                } else {
                    mixture.add(new Deviation(t, "the mixture's type for this tensor"));
                }
            }
        }
        return new TensorTypeReport(byType, matrices, all, fileType, fallbacks, mixture);
    }

    /**
     * The weights a tensor holds: none for a scale companion ({@code weight_scale}, {@code weight_scale_2},
     * {@code input_scale}, {@code k_scale}, {@code v_scale} of a ModelOpt checkpoint, a GGUF {@code .scale}); two per
     * byte for a ModelOpt NVFP4 weight (U8, two E2M1 codes per byte); otherwise one per element.
     */
    static long weights(TensorInfo t) {
        if (isScale(t)) return 0;
        if (t.dtype() == DType.U8 && t.name().endsWith(".weight")) return 2 * t.elementCount();
        return t.elementCount();
    }

    private static boolean isScale(TensorInfo t) {
        String n = t.name();
        return n.endsWith("_scale") || n.endsWith("_scale_2") || n.endsWith(".scale");
    }

    /** Whether {@code type} is what llama-quantize stores instead of a 256-block type on a row of {@code width}. */
    private static boolean isReplacement(DType type, long width) {
        if (type == DType.F16) return width % 32 != 0; // the last resort, for rows not even a multiple of 32
        for (DType wanted : DType.values()) {
            if (GgufFileType.fallbackOf(wanted).orElse(null) == type) return true;
        }
        return false;
    }

    /** Which replacement this is: of the file's own type, or of a larger type the mixture picks for such tensors. */
    private static String fallbackRule(DType nominal, DType stored) {
        if (GgufFileType.fallbackOf(nominal).orElse(null) == stored) return nominal + " -> " + stored + " (the file's type)";
        if (stored == DType.F16) return "F16 (rows not even a multiple of 32)";
        List<String> wanted = new ArrayList<>();
        for (DType w : DType.values()) if (GgufFileType.fallbackOf(w).orElse(null) == stored) wanted.add(w.name());
        return String.join("/", wanted) + " -> " + stored + " (a type the mixture gives such tensors)";
    }

    private static Optional<DType> dtype(String ggmlName) {
        for (DType d : DType.values()) if (d.name().equals(ggmlName)) return Optional.of(d);
        return Optional.empty();
    }

    void print(PrintStream out, boolean listTensors) {
        out.println("storage by type:");
        out.printf("  %-8s %8s %18s %18s %8s%n", "type", "tensors", "parameters", "bytes", "share");
        for (Map.Entry<DType, Totals> e : byType.entrySet()) {
            Totals t = e.getValue();
            out.printf(Locale.ROOT, "  %-8s %8d %18s %18s %7.2f%%%n", e.getKey(), t.tensors, InspectCommand.n(t.parameters),
                    InspectCommand.n(t.bytes), 100.0 * t.bytes / Math.max(1, all.bytes));
        }
        out.printf("  %-8s %8d %18s %18s%n", "total", all.tensors, InspectCommand.n(all.parameters), InspectCommand.n(all.bytes));
        out.printf(Locale.ROOT, "  bits per weight: %.3f over the %d matrices not stored as F32 (%s parameters), %.3f over every tensor%n",
                matrices.bitsPerWeight(), matrices.tensors, InspectCommand.n(matrices.parameters), all.bitsPerWeight());
        if (fileType.isEmpty()) return;
        GgufFileType f = fileType.get();
        out.printf("file type: %s (general.file_type %d), nominal tensor type %s%n", f.name(), f.id(), f.nominalType().orElse("unknown"));
        if (!fallbacks.isEmpty()) {
            long bytes = fallbacks.stream().mapToLong(d -> d.tensor().data().byteSize()).sum();
            String widths = fallbacks.stream().map(d -> d.tensor().shape()[d.tensor().rank() - 1]).distinct().sorted()
                    .map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
            out.printf(Locale.ROOT, "fallback types: %d matrices (%s bytes, %.1f%% of the tensor bytes) are not in %s: their rows (%s wide) "
                            + "are not whole %d-element blocks, so llama-quantize stored a 32-element block type instead%n", fallbacks.size(),
                    InspectCommand.n(bytes), 100.0 * bytes / Math.max(1, all.bytes), f.nominalType().orElse("?"), widths, SUPER_BLOCK);
            Map<String, List<Deviation>> byRule = new LinkedHashMap<>();
            for (Deviation d : fallbacks) byRule.computeIfAbsent(d.rule(), k -> new ArrayList<>()).add(d);
            for (Map.Entry<String, List<Deviation>> e : byRule.entrySet()) {
                out.printf("  %s: %s%n", e.getKey(), count(e.getValue().size(), "tensor"));
                if (listTensors) for (Deviation d : e.getValue()) out.printf("    %s  %s %s%n", d.tensor().name(), d.tensor().dtype(), d.tensor().shapeString());
            }
        }
        if (!mixture.isEmpty()) {
            out.printf("other types: %s not in %s, chosen per tensor by the converter or the quantizer (the %s mixture or its options)%n",
                    count(mixture.size(), "matrix"), f.nominalType().orElse("?"), f.name());
            Map<DType, List<Deviation>> byStored = new TreeMap<>();
            for (Deviation d : mixture) byStored.computeIfAbsent(d.tensor().dtype(), k -> new ArrayList<>()).add(d);
            for (Map.Entry<DType, List<Deviation>> e : byStored.entrySet()) {
                out.printf("  %s: %s%n", e.getKey(), count(e.getValue().size(), "tensor"));
                if (listTensors) for (Deviation d : e.getValue()) out.printf("    %s  %s %s%n", d.tensor().name(), d.tensor().dtype(), d.tensor().shapeString());
            }
        }
    }

    private static String count(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun.equals("matrix") ? "matrices" : noun + "s");
    }
}

package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.weights.DType;

import java.util.Optional;

/**
 * A GGUF file's nominal quantization, {@code general.file_type} (llama.h {@code enum llama_ftype}): the name a
 * download is labelled with ("Q4_K_M") and the tensor type llama-quantize starts from for every matrix. The file's
 * tensors may differ from it: a mixture gives some tensors more bits, and a 256-element block type cannot store a
 * row whose width is not a multiple of 256, so llama-quantize replaces it there ({@link #fallbackOf}).
 *
 * @param id          the {@code general.file_type} value
 * @param name        the label, e.g. {@code Q4_K_M}, or {@code "unknown (id)"}
 * @param nominalType ggml name of the type the quantizer starts from, e.g. {@code Q4_K}; empty when unknown
 */
public record GgufFileType(int id, String name, Optional<String> nominalType) {

    /** Labels by id; null entries are retired ids. The nominal type is the label up to its mixture suffix unless given. */
    private static final String[][] TYPES = {
            {"ALL_F32", "F32"}, {"F16"}, {"Q4_0"}, {"Q4_1"}, null, null, null, {"Q8_0"}, {"Q5_0"}, {"Q5_1"},
            {"Q2_K"}, {"Q3_K_S", "Q3_K"}, {"Q3_K_M", "Q3_K"}, {"Q3_K_L", "Q3_K"}, {"Q4_K_S", "Q4_K"}, {"Q4_K_M", "Q4_K"},
            {"Q5_K_S", "Q5_K"}, {"Q5_K_M", "Q5_K"}, {"Q6_K"}, {"IQ2_XXS"}, {"IQ2_XS"}, {"Q2_K_S", "Q2_K"},
            {"IQ3_XS", "IQ3_S"}, {"IQ3_XXS"}, {"IQ1_S"}, {"IQ4_NL"}, {"IQ3_S"}, {"IQ3_M", "IQ3_S"}, {"IQ2_S", "IQ2_XS"},
            {"IQ2_M", "IQ2_S"}, {"IQ4_XS"}, {"IQ1_M"}, {"BF16"}, null, null, null, {"TQ1_0"}, {"TQ2_0"},
            {"MXFP4_MOE", "MXFP4"}, {"NVFP4"}, {"Q1_0"}, {"Q2_0"}};

    /** The file type with {@code general.file_type} = {@code id}. */
    public static GgufFileType of(int id) {
        String[] t = id >= 0 && id < TYPES.length ? TYPES[id] : null;
        if (t == null) return new GgufFileType(id, "unknown (" + id + ")", Optional.empty());
        return new GgufFileType(id, t[0], Optional.of(t.length > 1 ? t[1] : t[0]));
    }

    /** The file type a GGUF file declares, if it has {@code general.file_type}. */
    public static Optional<GgufFileType> of(GgufFile file) {
        return file.metadata().get("general.file_type") instanceof Number n ? Optional.of(of(n.intValue())) : Optional.empty();
    }

    /**
     * What llama-quantize stores instead of {@code wanted} on a tensor whose rows are not a multiple of
     * {@code wanted}'s block: the 32-element type of about the same size (Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0,
     * Q2_K and Q3_K → Q4_0, the i-quants → IQ4_NL); empty for a type it never replaces. (A row that is not even a
     * multiple of 32 gets F16.)
     */
    public static Optional<DType> fallbackOf(DType wanted) {
        return Optional.ofNullable(switch (wanted) {
            case Q4_K -> DType.Q5_0;
            case Q5_K -> DType.Q5_1;
            case Q6_K -> DType.Q8_0;
            case Q2_K, Q3_K -> DType.Q4_0;
            case IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ4_XS -> DType.IQ4_NL;
            default -> null;
        });
    }
}

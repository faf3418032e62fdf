package dev.nemotron4j.engine.formats.gguf;

import dev.nemotron4j.engine.weights.DType;

import java.util.Optional;

/** ggml tensor type ids as stored in GGUF tensor infos (ggml.h {@code enum ggml_type}), for the types the engine reads and writes. */
public final class GgmlType {
    private GgmlType() {}

    /** ggml's names by id; ids 4, 5 and 31–33, 36–38 are retired layouts (no longer valid in GGUF files). */
    private static final String[] NAMES = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S",
            "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16", "Q4_0_4_4", "Q4_0_4_8", "Q4_0_8_8",
            "TQ1_0", "TQ2_0", "IQ4_NL_4_4", "IQ4_NL_4_8", "IQ4_NL_8_8", "MXFP4", "NVFP4", "Q1_0", "Q2_0"};

    /** The engine type for ggml type id {@code id}, if supported. */
    public static Optional<DType> toDType(int id) {
        return Optional.ofNullable(switch (id) {
            case 0 -> DType.F32;
            case 1 -> DType.F16;
            case 2 -> DType.Q4_0;
            case 3 -> DType.Q4_1;
            case 6 -> DType.Q5_0;
            case 7 -> DType.Q5_1;
            case 8 -> DType.Q8_0;
            case 10 -> DType.Q2_K;
            case 11 -> DType.Q3_K;
            case 12 -> DType.Q4_K;
            case 13 -> DType.Q5_K;
            case 14 -> DType.Q6_K;
            case 16 -> DType.IQ2_XXS;
            case 17 -> DType.IQ2_XS;
            case 18 -> DType.IQ3_XXS;
            case 19 -> DType.IQ1_S;
            case 20 -> DType.IQ4_NL;
            case 21 -> DType.IQ3_S;
            case 22 -> DType.IQ2_S;
            case 23 -> DType.IQ4_XS;
            case 29 -> DType.IQ1_M;
            case 30 -> DType.BF16;
            case 39 -> DType.MXFP4;
            case 40 -> DType.NVFP4;
            default -> null;
        });
    }

    /** The ggml id of an engine type. */
    public static int id(DType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q5_0 -> 6;
            case Q5_1 -> 7;
            case Q8_0 -> 8;
            case Q2_K -> 10;
            case Q3_K -> 11;
            case Q4_K -> 12;
            case Q5_K -> 13;
            case Q6_K -> 14;
            case IQ2_XXS -> 16;
            case IQ2_XS -> 17;
            case IQ3_XXS -> 18;
            case IQ1_S -> 19;
            case IQ4_NL -> 20;
            case IQ3_S -> 21;
            case IQ2_S -> 22;
            case IQ4_XS -> 23;
            case IQ1_M -> 29;
            case BF16 -> 30;
            case MXFP4 -> 39;
            case NVFP4 -> 40;
            default -> throw new IllegalArgumentException(t + " has no GGUF type");
        };
    }

    /**
     * ggml's name of a type id followed by the id, e.g. {@code "MXFP4 (39)"}, or {@code "unknown (57)"} for ids
     * ggml does not define (for messages about types the engine does not support).
     */
    public static String describe(int id) {
        return (id >= 0 && id < NAMES.length ? NAMES[id] : "unknown") + " (" + Integer.toUnsignedString(id) + ")";
    }

    /** ggml's name of a type id, or {@code "unknown"} for ids ggml does not define. */
    public static String name(int id) {
        return id >= 0 && id < NAMES.length ? NAMES[id] : "unknown";
    }
}

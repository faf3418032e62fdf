package dev.nemotron4j.engine.model;

/** The four block types of Nemotron-H, one per character of {@code hybrid_override_pattern} (ARCHITECTURE.md §1). */
public enum LayerType {
    MAMBA('M', "mamba"),
    ATTENTION('*', "attention"),
    MOE('E', "moe"),
    MLP('-', "mlp");

    private final char symbol;
    private final String hfName;

    LayerType(char symbol, String hfName) {
        this.symbol = symbol;
        this.hfName = hfName;
    }

    public char symbol() {
        return symbol;
    }

    /** The name transformers uses in {@code layers_block_type}. */
    public String hfName() {
        return hfName;
    }

    /** The type for a pattern character, or null. */
    public static LayerType fromSymbol(char c) {
        for (LayerType t : values()) if (t.symbol == c) return t;
        return null;
    }

    /** The type for a {@code layers_block_type} entry (old and new transformers spellings), or null. */
    public static LayerType fromHfName(String name) {
        return switch (name) {
            case "mamba", "linear_attention" -> MAMBA;
            case "attention", "full_attention" -> ATTENTION;
            case "moe" -> MOE;
            case "mlp" -> MLP;
            default -> null;
        };
    }
}

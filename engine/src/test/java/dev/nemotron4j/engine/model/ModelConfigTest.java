package dev.nemotron4j.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.weights.ModelFormatException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config parsing (ARCHITECTURE.md §2): real values, spellings, aliases, defaults, validation. */
class ModelConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode realConfig() throws IOException {
        try (InputStream in = ModelConfigTest.class.getResourceAsStream("/nano-30b-a3b-config.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    private static ModelConfig parse(ObjectNode n) {
        return ModelConfig.parse(n.toString(), "config.json");
    }

    @Test
    void realNanoConfigAndItsDerivedSizes() throws IOException {
        ModelConfig c = parse(realConfig());
        assertThat(c.numLayers()).isEqualTo(52);
        assertThat(c.countLayers(LayerType.MAMBA)).isEqualTo(23);
        assertThat(c.countLayers(LayerType.ATTENTION)).isEqualTo(6);
        assertThat(c.countLayers(LayerType.MOE)).isEqualTo(23);
        assertThat(c.mambaInner()).isEqualTo(4096);
        assertThat(c.convDim()).isEqualTo(6144);
        assertThat(c.inProjDim()).isEqualTo(10304);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.timeStepLimitMin()).isZero();
        assertThat(c.timeStepLimitMax()).isInfinite();
        assertThat(c.layer(5)).isEqualTo(LayerType.ATTENTION);
    }

    @Test
    void parameterCountsOfTheRealModel() throws IOException {
        ParameterCounts p = ParameterCounts.of(parse(realConfig()));
        assertThat(p.total()).isEqualTo(31_577_940_288L);
        assertThat(p.activePerToken()).isEqualTo(3_580_076_352L);
        assertThat(p.activeWithoutInputEmbedding()).isEqualTo(3_227_754_816L);
        assertThat(p.activeWithoutEmbeddings()).isEqualTo(2_875_433_280L);
    }

    @Test
    void layersBlockTypeListWithOldAndNewNames() throws IOException {
        ObjectNode n = realConfig();
        n.remove("hybrid_override_pattern");
        ArrayNode list = n.putArray("layers_block_type");
        String pattern = realConfig().get("hybrid_override_pattern").asText();
        for (char ch : pattern.toCharArray()) list.add(switch (ch) {
            case 'M' -> "linear_attention";
            case '*' -> "full_attention";
            default -> "moe";
        });
        assertThat(parse(n).pattern()).isEqualTo(pattern);

        ObjectNode both = realConfig();
        ArrayNode wrong = both.putArray("layers_block_type");
        for (int i = 0; i < 52; i++) wrong.add("mamba");
        assertThatThrownBy(() -> parse(both)).isInstanceOf(ModelFormatException.class).hasMessageContaining("layers_block_type");
    }

    @Test
    void legacyAliasesAndDefaults() throws IOException {
        ObjectNode n = realConfig();
        n.remove("n_groups");
        n.put("mamba_n_groups", 4);
        n.remove("conv_kernel");
        n.put("mamba_d_conv", 3);
        n.remove("chunk_size");
        n.put("mamba_chunk_size", 64);
        n.putArray("mamba_dt_limit").add(0.0).add(0.5);
        n.remove("use_conv_bias");
        n.put("mamba_conv_bias", false);
        n.putNull("head_dim");
        n.putNull("num_key_value_heads");
        ModelConfig c = parse(n);
        assertThat(c.nGroups()).isEqualTo(4);
        assertThat(c.convKernel()).isEqualTo(3);
        assertThat(c.chunkSize()).isEqualTo(64);
        assertThat(c.timeStepLimitMax()).isEqualTo(0.5f);
        assertThat(c.useConvBias()).isFalse();
        assertThat(c.headDim()).isEqualTo(2688 / 32);
        assertThat(c.numKeyValueHeads()).isEqualTo(32);
        assertThat(ModelConfig.parse(realConfig().put("eos_token_id", 2).toString(), "x").eosTokenIds()).containsExactly(2);
        ObjectNode e = realConfig();
        e.putArray("eos_token_id").add(2).add(11);
        assertThat(parse(e).eosTokenIds()).containsExactly(2, 11);
        ObjectNode inf = realConfig();
        assertThat(ModelConfig.parse(inf.toString().replace("\"use_bias\":false", "\"use_bias\":false,\"time_step_limit\":[0.0, Infinity]"), "x")
                .timeStepLimitMax()).isInfinite();
    }

    @Test
    void validationNamesTheKey() throws IOException {
        expectError(realConfig().put("num_hidden_layers", 51), "num_hidden_layers");
        expectError(realConfig().put("hybrid_override_pattern", "MEM?" + "M".repeat(48)), "hybrid_override_pattern");
        expectError(realConfig().put("num_key_value_heads", 3), "num_key_value_heads");
        expectError(realConfig().put("n_groups", 7), "n_groups");
        expectError(realConfig().put("moe_latent_size", 1024), "moe_latent_size");
        expectError(realConfig().put("num_nextn_predict_layers", 1), "num_nextn_predict_layers");
        ObjectNode list = realConfig();
        list.putArray("intermediate_size").add(1).add(2);
        expectError(list, "intermediate_size");
        expectError(realConfig().put("model_type", "llama"), "model_type");
        expectError(realConfig().put("num_experts_per_tok", 200), "num_experts_per_tok");
        expectError(realConfig().put("n_group", 3), "n_group");
        expectError(realConfig().put("hidden_size", "big"), "hidden_size");
        expectError(realConfig().put("mamba_hidden_act", "gelu"), "mamba_hidden_act");
        expectError(realConfig().put("sliding_window", 4096), "sliding_window");
        ObjectNode noPattern = realConfig();
        noPattern.remove("hybrid_override_pattern");
        expectError(noPattern, "hybrid_override_pattern");
        assertThatThrownBy(() -> ModelConfig.parse("{not json", "cfg.json")).isInstanceOf(ModelFormatException.class).hasMessageContaining("cfg.json");
    }

    private static void expectError(ObjectNode n, String key) {
        assertThatThrownBy(() -> parse(n)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("config.json").hasMessageContaining("'" + key + "'");
    }
}

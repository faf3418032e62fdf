package dev.nemotron4j.engine.loading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.engine.formats.gguf.GgufFile;
import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.engine.weights.ModelFormatException;

import java.util.List;
import java.util.Map;

/**
 * Derives the {@link ModelConfig} of a {@code nemotron_h_moe} / {@code nemotron_h} GGUF file from its metadata
 * (GGUF.md "Metadata keys"), by writing the equivalent Hugging Face {@code config.json} and parsing it, so both
 * formats share one set of validations. The layer pattern comes from the per-layer arrays
 * {@code feed_forward_length} and {@code attention.head_count_kv}; an FFN layer is MoE when its
 * {@code ffn_up_exps} tensor exists (files mixing dense and MoE layers tell them apart only that way).
 */
public final class GgufConfig {
    private GgufConfig() {}

    public static final List<String> ARCHITECTURES = List.of("nemotron_h_moe", "nemotron_h");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The model configuration stored in {@code file}. */
    public static ModelConfig of(GgufFile file) {
        return ModelConfig.parse(toHfConfig(file).toString(), file.location().toString());
    }

    /** The HF config.json equivalent of the file's metadata. */
    public static ObjectNode toHfConfig(GgufFile file) {
        Meta m = new Meta(file);
        String arch = file.architecture();
        if (!ARCHITECTURES.contains(arch)) {
            throw new ModelFormatException(file.location() + ": metadata key 'general.architecture': '" + arch + "' is not supported " + ARCHITECTURES);
        }
        String p = arch + ".";
        int layers = m.intValue(p + "block_count");
        int hidden = m.intValue(p + "embedding_length");
        long[] ff = m.perLayer(p + "feed_forward_length", layers);
        long[] kv = m.perLayer(p + "attention.head_count_kv", layers);

        StringBuilder pattern = new StringBuilder();
        int denseWidth = 0;
        long kvHeads = 0;
        for (int i = 0; i < layers; i++) {
            if (ff[i] == 0 && kv[i] == 0) pattern.append('M');
            else if (ff[i] == 0) {
                pattern.append('*');
                kvHeads = Math.max(kvHeads, kv[i]);
            } else if (file.find("blk." + i + ".ffn_up_exps.weight").isPresent()) pattern.append('E');
            else {
                pattern.append('-');
                denseWidth = (int) ff[i];
            }
        }

        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", "nemotron_h");
        c.put("hybrid_override_pattern", pattern.toString());
        c.put("num_hidden_layers", layers);
        c.put("hidden_size", hidden);
        var embd = file.find("token_embd.weight")
                .orElseThrow(() -> new ModelFormatException(file.location() + ": missing tensor 'token_embd.weight'"));
        c.put("vocab_size", m.has(p + "vocab_size") ? m.intValue(p + "vocab_size") : (int) embd.shape()[0]);
        c.put("max_position_embeddings", (int) Math.min(Integer.MAX_VALUE, m.longValue(p + "context_length")));
        c.put("layer_norm_epsilon", m.floatValue(p + "attention.layer_norm_rms_epsilon"));
        c.put("tie_word_embeddings", file.find("output.weight").isEmpty());

        if (pattern.indexOf("M") >= 0) {
            int heads = m.intValue(p + "ssm.time_step_rank");
            int inner = m.intValue(p + "ssm.inner_size");
            if (heads <= 0 || inner % heads != 0) {
                throw new ModelFormatException(file.location() + ": metadata key '" + p + "ssm.inner_size': " + inner + " is not a multiple of the " + heads + " SSM heads");
            }
            c.put("mamba_num_heads", heads);
            c.put("mamba_head_dim", inner / heads);
            c.put("ssm_state_size", m.intValue(p + "ssm.state_size"));
            c.put("n_groups", m.intValue(p + "ssm.group_count"));
            c.put("conv_kernel", m.intValue(p + "ssm.conv_kernel"));
            c.put("use_conv_bias", file.find("blk." + pattern.indexOf("M") + ".ssm_conv1d.bias").isPresent());
        }
        if (pattern.indexOf("*") >= 0) {
            c.put("num_attention_heads", m.intValue(p + "attention.head_count"));
            c.put("num_key_value_heads", (int) kvHeads);
            c.put("head_dim", m.intValue(p + "attention.key_length"));
        }
        if (pattern.indexOf("E") >= 0) {
            c.put("n_routed_experts", m.intValue(p + "expert_count"));
            c.put("num_experts_per_tok", m.intValue(p + "expert_used_count"));
            c.put("moe_intermediate_size", m.intValue(p + "expert_feed_forward_length"));
            c.put("moe_shared_expert_intermediate_size", m.intValue(p + "expert_shared_feed_forward_length"));
            c.put("n_shared_experts", m.has(p + "expert_shared_count") ? m.intValue(p + "expert_shared_count") : 1);
            c.put("norm_topk_prob", m.has(p + "expert_weights_norm") && m.bool(p + "expert_weights_norm"));
            c.put("routed_scaling_factor", m.has(p + "expert_weights_scale") ? m.floatValue(p + "expert_weights_scale") : 1.0f);
            int groups = m.has(p + "expert_group_count") ? m.intValue(p + "expert_group_count") : 1;
            c.put("n_group", groups);
            c.put("topk_group", m.has(p + "expert_group_used_count") ? m.intValue(p + "expert_group_used_count") : groups);
        }
        if (denseWidth > 0) c.put("intermediate_size", denseWidth);
        if (m.has("tokenizer.ggml.bos_token_id")) c.put("bos_token_id", m.intValue("tokenizer.ggml.bos_token_id"));
        if (m.has("tokenizer.ggml.eos_token_id")) c.put("eos_token_id", m.intValue("tokenizer.ggml.eos_token_id"));
        if (m.has("tokenizer.ggml.padding_token_id")) c.put("pad_token_id", m.intValue("tokenizer.ggml.padding_token_id"));
        return c;
    }

    /** Typed access to metadata with errors naming file and key. */
    private record Meta(GgufFile file) {
        Map<String, Object> kv() {
            return file.metadata();
        }

        boolean has(String key) {
            return kv().containsKey(key);
        }

        Object require(String key) {
            Object v = kv().get(key);
            if (v == null) throw new ModelFormatException(file.location() + ": metadata key '" + key + "' is missing");
            return v;
        }

        long longValue(String key) {
            Object v = require(key);
            if (v instanceof Integer || v instanceof Long) return ((Number) v).longValue();
            throw new ModelFormatException(file.location() + ": metadata key '" + key + "': expected an integer, is " + v);
        }

        int intValue(String key) {
            long v = longValue(key);
            if (v < 0 || v > Integer.MAX_VALUE) throw new ModelFormatException(file.location() + ": metadata key '" + key + "': " + v + " is out of range");
            return (int) v;
        }

        float floatValue(String key) {
            Object v = require(key);
            if (v instanceof Number n) return n.floatValue();
            throw new ModelFormatException(file.location() + ": metadata key '" + key + "': expected a number, is " + v);
        }

        boolean bool(String key) {
            Object v = require(key);
            if (v instanceof Boolean b) return b;
            throw new ModelFormatException(file.location() + ": metadata key '" + key + "': expected a bool, is " + v);
        }

        /** A per-layer array, or a scalar applying to every layer. */
        long[] perLayer(String key, int layers) {
            Object v = require(key);
            long[] out = new long[layers];
            if (v instanceof List<?> list) {
                if (list.size() != layers) {
                    throw new ModelFormatException(file.location() + ": metadata key '" + key + "': " + list.size() + " entries for " + layers + " layers");
                }
                for (int i = 0; i < layers; i++) {
                    if (!(list.get(i) instanceof Number n)) throw new ModelFormatException(file.location() + ": metadata key '" + key + "': entry " + i + " is not an integer");
                    out[i] = n.longValue();
                }
            } else if (v instanceof Number n) {
                java.util.Arrays.fill(out, n.longValue());
            } else {
                throw new ModelFormatException(file.location() + ": metadata key '" + key + "': expected an integer array, is " + v);
            }
            return out;
        }
    }
}

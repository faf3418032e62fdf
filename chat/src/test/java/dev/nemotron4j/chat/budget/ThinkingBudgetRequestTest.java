package dev.nemotron4j.chat.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThinkingBudgetRequestTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void everySpellingIsAccepted() throws Exception {
        assertThat(ThinkingBudgetRequest.parse(json("{\"reasoning_budget\": 128}"))).contains(new ThinkingBudget(128, 500));
        assertThat(ThinkingBudgetRequest.parse(json("{\"max_thinking_tokens\": 64}"))).contains(new ThinkingBudget(64, 500));
        assertThat(ThinkingBudgetRequest.parse(json("{\"thinking_budget\": 32, \"thinking_budget_grace_period\": 8}")))
                .contains(new ThinkingBudget(32, 8));
        assertThat(ThinkingBudgetRequest.parse(json(
                "{\"vllm_xargs\": {\"thinking_budget\": \"150\", \"thinking_budget_grace_period\": 30}}")))
                .contains(new ThinkingBudget(150, 30));
    }

    @Test
    void absentNullOrMinusOneMeansNoBudget() throws Exception {
        assertThat(ThinkingBudgetRequest.parse(json("{\"model\": \"x\"}"))).isEmpty();
        assertThat(ThinkingBudgetRequest.parse(json("{\"reasoning_budget\": null}"))).isEmpty();
        assertThat(ThinkingBudgetRequest.parse(json("{\"thinking_budget\": -1}"))).isEmpty();
    }

    @Test
    void badValuesAreRejected() {
        assertThatThrownBy(() -> ThinkingBudgetRequest.parse(json("{\"reasoning_budget\": -5}")))
                .hasMessageContaining("-5");
        assertThatThrownBy(() -> ThinkingBudgetRequest.parse(json("{\"reasoning_budget\": \"lots\"}")))
                .hasMessageContaining("reasoning_budget must be an integer");
        assertThatThrownBy(() -> ThinkingBudgetRequest.parse(json("{\"reasoning_budget\": 10, \"thinking_budget\": 20}")))
                .hasMessageContaining("conflicting");
        assertThat(ThinkingBudgetRequest.parse(uncheck("{\"reasoning_budget\": 10, \"thinking_budget\": 10}")))
                .contains(new ThinkingBudget(10, 500));
    }

    @Test
    void endTokenIdsAsArrayOrJsonString() throws Exception {
        assertThat(ThinkingBudgetRequest.endTokenIds(json("{\"vllm_xargs\": {\"end_token_ids\": \"[1338, 13]\"}}")))
                .contains(List.of(1338, 13));
        assertThat(ThinkingBudgetRequest.endTokenIds(json("{\"end_token_ids\": [13]}"))).contains(List.of(13));
        assertThat(ThinkingBudgetRequest.endTokenIds(json("{}"))).isEmpty();
        assertThatThrownBy(() -> ThinkingBudgetRequest.endTokenIds(json("{\"end_token_ids\": \"</think>\"}")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static JsonNode uncheck(String text) {
        try {
            return json(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

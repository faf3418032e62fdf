package dev.nemotron4j.cli;

import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.chat.output.ParsedOutput;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.runtime.TextResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process target's raw text is the model's output as written, whatever the output parser set aside. */
class EngineEvalTargetTest {

    @Test
    void rawTextKeepsAMalformedToolCallTheParserDropped() {
        String call = "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis";
        String raw = "Checking the weather.\n" + call;
        ParsedOutput parsed = new ParsedOutput(null, "Checking the weather.\n", List.of(),
                List.of(new OutputEvent.MalformedToolCall(0, call, "cut off")));
        TextResult r = new TextResult(TextResult.Ending.LENGTH, "length", 12, 0, 20, 0, raw, parsed, new TextResult.Timing(0, 0, 0));

        GenerationResult chat = EngineEvalTarget.result(true, r, List.of(), 3);
        assertThat(chat.rawText()).isEqualTo(raw);
        assertThat(chat.content()).isEqualTo("Checking the weather.\n");   // the parser's view stays the content
        assertThat(chat.toolCalls()).isEmpty();
        assertThat(chat.usage().completionTokens()).isEqualTo(20);

        GenerationResult text = EngineEvalTarget.result(false, r, List.of(), 3);
        assertThat(text.rawText()).isEqualTo(raw);
        assertThat(text.content()).isEqualTo(raw);
    }
}

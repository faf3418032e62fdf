package dev.nemotron4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.engine.loading.ModelSource;
import dev.nemotron4j.engine.model.ParameterCounts;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code --model}, demo, chat, generate, serve and eval run the bundled default model
 * ({@code models/nemotron-h-mini} under the project root) and say so on stderr; without that directory they fail with
 * one line saying what to do. The project root here is a stand-in ({@code -Dnemotron4j.home}, as the launcher sets it)
 * whose default model is a copy of the tiny-a fixture.
 */
class DefaultModelTest {

    @TempDir
    Path tmp;

    /** A project root whose models/nemotron-h-mini is a copy of tiny-a (a Nemotron-H directory with the chat template). */
    static Path standInHome(Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        Path dir = home.resolve(DefaultModel.RELATIVE_PATH);
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            Files.copy(TestData.tiny("tiny-a").resolve(f), dir.resolve(f));
        }
        return home;
    }

    /** Runs {@code body} with the project root set to {@code home}, as the launcher's -Dnemotron4j.home does. */
    static synchronized <T> T withHome(Path home, Callable<T> body) throws Exception {
        String old = System.getProperty(DefaultModel.HOME_PROPERTY);
        System.setProperty(DefaultModel.HOME_PROPERTY, home.toString());
        try {
            return body.call();
        } finally {
            if (old == null) System.clearProperty(DefaultModel.HOME_PROPERTY);
            else System.setProperty(DefaultModel.HOME_PROPERTY, old);
        }
    }

    private static String notice(Path home) {
        long parameters = ParameterCounts.of(ModelSource.of(home.resolve(DefaultModel.RELATIVE_PATH)).config()).total();
        return String.format(Locale.ROOT, "nemotron4j: no --model given: using the default model models/nemotron-h-mini (%.1f M parameters, "
                + "trained by ./nemotron4j train --recipe default)", parameters / 1e6);
    }

    @Test
    void generateAndChatWithoutModelRunTheDefaultModelAndSaySo() throws Exception {
        Path home = standInHome(tmp);
        String[] args = {"generate", "--prompt-ids", "1,5,9,33", "--max-tokens", "6", "--temperature", "0"};
        CliContractTest.Run byDefault = withHome(home, () -> CliContractTest.run("", args));
        assertThat(byDefault.exit()).as(byDefault.err()).isZero();
        assertThat(byDefault.err().strip()).isEqualTo(notice(home));
        // the same tokens as naming the model: the default is really the model used
        CliContractTest.Run named = withHome(home, () -> CliContractTest.run("", "generate", "--model",
                home.resolve(DefaultModel.RELATIVE_PATH).toString(), "--prompt-ids", "1,5,9,33", "--max-tokens", "6", "--temperature", "0"));
        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(named.err()).doesNotContain("no --model given");
        assertThat(byDefault.out()).isNotBlank().isEqualTo(named.out());

        CliContractTest.Run chat = withHome(home, () -> CliContractTest.run("hello\n", "chat", "--max-tokens", "4"));
        assertThat(chat.exit()).as(chat.err()).isZero();
        assertThat(chat.err()).contains(notice(home));
        assertThat(chat.out()).contains("tokens");
    }

    @Test
    void evalWithoutTargetRunsTheEngineOnTheDefaultModel() throws Exception {
        Path home = standInHome(tmp);
        Path out = tmp.resolve("run");
        CliContractTest.Run r = withHome(home, () -> CliContractTest.run("", "eval", "run", "--task", "arithmetic", "--limit", "2",
                "--max-tokens", "4", "--out", out.toString()));
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.err()).contains(notice(home));
        JsonNode lock = new ObjectMapper().readTree(out.resolve("lock.json").toFile());
        assertThat(lock.toString()).contains("model_sha256").contains("nemotron-h-mini");
        assertThat(r.out()).contains("arithmetic");
    }

    @Test
    void theLaunchersMemoryPrePassSizesServeAndDemoForTheDefaultModelQuietly() throws Exception {
        Path home = standInHome(tmp);
        for (String command : List.of("serve", "demo", "chat")) {
            String flags = withHome(home, () -> JvmOptions.flags(new String[] {command}));
            assertThat(flags).as(command).contains("-Xmx");
        }
    }

    @Test
    void aMissingDefaultModelIsOneLineSayingWhatToDo() throws Exception {
        Path home = tmp.resolve("empty-home");
        Files.createDirectories(home);
        for (List<String> args : List.of(List.of("generate", "--prompt-ids", "1,2"), List.of("demo"), List.of("chat"),
                List.of("serve", "--port", "0"), List.of("eval", "run", "--task", "arithmetic", "--limit", "1", "--out", tmp.resolve("r").toString()))) {
            CliContractTest.Run r = withHome(home, () -> CliContractTest.run("", args.toArray(String[]::new)));
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err().strip()).as(String.join(" ", args))
                    .isEqualTo("error: no --model given and the default model is missing: " + home.resolve(DefaultModel.RELATIVE_PATH)
                            + " has no config.json; pass --model PATH, or train it with ./nemotron4j train --recipe default --out models/nemotron-h-mini");
        }
    }
}

package dev.nemotron4j.cli;

import dev.nemotron4j.runtime.ScoredToken;
import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.runtime.TextGeneration;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextSink;
import dev.nemotron4j.testkit.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Ctrl-C in {@code chat} stops the answer being written and keeps the conversation; the session goes on. */
class ChatInterruptTest {

    /**
     * A JVM started with SIGINT ignored (a background job of a non-interactive shell: {@code cmd &} in a script, as
     * some CI runners and {@code nohup} launches do) cannot install a Ctrl-C handler, so no Ctrl-C can reach the chat:
     * the test says so and is skipped instead of failing on the launcher.
     */
    @BeforeAll
    static void ctrlCCanReachThisProcess() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) return;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long ignored = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                assumeFalse((ignored & 0x2) != 0, "this JVM was started with SIGINT ignored (a background job of a "
                        + "non-interactive shell): Ctrl-C cannot reach it, so Ctrl-C handling cannot be tested here");
            }
        }
    }

    /** What the test types into the chat, given the keyboard and what the chat has written so far. */
    interface Typist {
        void type(OutputStream keyboard, ByteArrayOutputStream screen) throws Exception;
    }

    /**
     * Runs {@code chat} on the tiny model with {@code options}, stdin fed by {@code typist}, stdout into
     * {@code screen} (stderr dropped) and Ctrl-C at the prompt setting {@code quit} instead of ending the JVM; the
     * keyboard is closed (Ctrl-D) when the typist is done, and the chat must then end normally. Everything swapped is
     * restored.
     */
    static void runChat(OutputStream screen, ByteArrayOutputStream captured, AtomicBoolean quit, Typist typist, String... options)
            throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing, 1 << 16);
        Runnable previousQuit = ChatCommand.quitAtPrompt;
        ChatCommand.quitAtPrompt = () -> quit.set(true);
        PrintStream oldOut = System.out, oldErr = System.err;
        InputStream oldIn = System.in;
        try {
            System.setOut(new PrintStream(screen, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setIn(stdin);
            List<String> args = new ArrayList<>(List.of("chat", "--model", TestData.tiny("tiny-a").toString()));
            args.addAll(List.of(options));
            CompletableFuture<Integer> chat = CompletableFuture.supplyAsync(() -> Main.commandLine().execute(args.toArray(String[]::new)));
            typist.type(typing, captured);
            typing.close();
            assertThat(chat.get(60, TimeUnit.SECONDS)).isZero();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
            ChatCommand.quitAtPrompt = previousQuit;
        }
    }

    static void type(OutputStream keyboard, String text) throws IOException {
        keyboard.write(text.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** Waits (up to a minute) until the chat has written {@code text}. */
    static void waitFor(ByteArrayOutputStream screen, String text) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!screen.toString(StandardCharsets.UTF_8).contains(text) && System.nanoTime() < until) Thread.sleep(10);
    }

    @Test
    void ctrlCStopsTheAnswerAndKeepsTheConversation() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AtomicBoolean raised = new AtomicBoolean();
        AtomicBoolean quit = new AtomicBoolean();
        // the first bytes of the answer raise SIGINT, as a user pressing Ctrl-C while it streams
        OutputStream watching = new OutputStream() {
            int seen;

            @Override
            public synchronized void write(int b) {
                captured.write(b);
                // once the answer has begun (its "<think>"), not on stray bytes another thread of the test JVM may
                // print before the chat has installed its handler; early, since the text is written by the job's own
                // thread, which may run behind the engine under load
                if (!raised.get() && ++seen >= 7 && captured.toString(StandardCharsets.UTF_8).contains("<think>")
                        && raised.compareAndSet(false, true)) {
                    Signal.raise(new Signal("INT"));
                }
            }
        };
        runChat(watching, captured, quit, (keyboard, screen) -> {
            type(keyboard, "Tell me a very long story\n");
            waitFor(screen, "[stopped]");
            type(keyboard, "/history\n");
        }, "--max-tokens", "3000", "--temperature", "1", "--seed", "4");
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(raised).isTrue();
        assertThat(quit).as("Ctrl-C during an answer does not quit").isFalse();
        assertThat(out).contains("[stopped]");
        // the question and the partial answer stay in the conversation
        assertThat(out).contains("user: Tell me a very long story").contains("assistant: ").contains("2 messages");
    }

    /**
     * The text of an answer is written by the job's own thread, which may still be writing when the model is done:
     * Ctrl-C then stops the writing too. The rendering is held at the answer's first token until the model has
     * generated all of its tokens, Ctrl-C is pressed there, and not one token more reaches the terminal.
     */
    @Test
    void ctrlCAfterTheModelIsDoneStopsTheRenderingAndTheChatGoesOn() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AtomicBoolean quit = new AtomicBoolean();
        AtomicBoolean held = new AtomicBoolean();
        AtomicInteger generated = new AtomicInteger(-1);
        AtomicInteger rendered = new AtomicInteger(); // tokens of the first answer handed to the renderer
        AtomicBoolean cancelSeen = new AtomicBoolean();
        var previousRendering = ChatCommand.rendering;
        ChatCommand.rendering = (renderer, generation) -> {
            if (!held.compareAndSet(false, true)) return renderer; // the second answer renders as usual
            return new TextSink() {
                @Override
                public void onToken(int token, String text, ScoredToken logprobs) {
                    if (rendered.incrementAndGet() == 1) {
                        try {
                            TextGeneration g;
                            while ((g = generation.get()) == null) Thread.onSpinWait();
                            generated.set(g.generated().get(60, TimeUnit.SECONDS)); // the model is done
                            Signal.raise(new Signal("INT"));
                            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                            while (!g.isCancelled() && System.nanoTime() < until) Thread.sleep(1);
                            cancelSeen.set(g.isCancelled());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    renderer.onToken(token, text, logprobs);
                }

                @Override
                public void onEvent(OutputEvent event) {
                    renderer.onEvent(event);
                }

                @Override
                public void onFinish(TextResult result) {
                    renderer.onFinish(result);
                }

                @Override
                public void onError(Throwable error) {
                    renderer.onError(error);
                }
            };
        };
        try {
            // at most 200 tokens: the ring between the model and the held text side (256) never fills, the model finishes
            runChat(captured, captured, quit, (keyboard, screen) -> {
                type(keyboard, "Tell me a very long story\n");
                waitFor(screen, "[stopped]");
                type(keyboard, "And another one\n/history\n");
            }, "--max-tokens", "200", "--temperature", "1", "--seed", "4");
        } finally {
            ChatCommand.rendering = previousRendering;
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(cancelSeen).as("the Ctrl-C handler cancelled the answer").isTrue();
        assertThat(generated.get()).as("tokens the model generated before Ctrl-C").isGreaterThan(1);
        assertThat(rendered.get()).as("tokens rendered: the one being written at Ctrl-C, none after").isEqualTo(1);
        assertThat(quit).as("Ctrl-C during an answer does not quit").isFalse();
        assertThat(out).contains("[stopped]").contains("[1 tokens");
        // the chat went on: the stopped answer is kept, the next question answered, all four in the conversation
        assertThat(out).contains("user: Tell me a very long story").contains("user: And another one").contains("4 messages");
    }

    /** Ctrl-C at the prompt, with no answer running, quits (as Ctrl-D does, which ends the chat normally). */
    @Test
    void ctrlCAtThePromptQuits() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AtomicBoolean quit = new AtomicBoolean();
        runChat(captured, captured, quit, (keyboard, screen) -> {
            type(keyboard, "/history\n"); // answered once the chat reads the prompt: its Ctrl-C handler is in place
            waitFor(screen, "0 messages");
            assertThat(quit).as("nothing quit before Ctrl-C").isFalse();
            Signal.raise(new Signal("INT"));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!quit.get() && System.nanoTime() < until) Thread.sleep(5);
        });
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("0 messages");
        assertThat(quit).as("Ctrl-C at the prompt quits").isTrue();
    }
}

package dev.nemotron4j.cli;

import org.junit.jupiter.api.Test;
import sun.misc.Signal;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C in {@code chat} stops the answer being written and keeps the conversation; the session goes on. */
class ChatInterruptTest {

    @Test
    void ctrlCStopsTheAnswerAndKeepsTheConversation() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing, 1 << 16);
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
        Runnable previousQuit = ChatCommand.quitAtPrompt;
        ChatCommand.quitAtPrompt = () -> quit.set(true);
        PrintStream oldOut = System.out, oldErr = System.err;
        InputStream oldIn = System.in;
        try {
            System.setOut(new PrintStream(watching, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setIn(stdin);
            CompletableFuture<Integer> chat = CompletableFuture.supplyAsync(() -> Main.commandLine().execute("chat", "--model",
                    CliContractTest.tiny("tiny-a").toString(), "--max-tokens", "3000", "--temperature", "1", "--seed", "4"));
            typing.write("Tell me a very long story\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!captured.toString(StandardCharsets.UTF_8).contains("[stopped]") && System.nanoTime() < until) Thread.sleep(10);
            typing.write("/history\n".getBytes(StandardCharsets.UTF_8));
            typing.close();
            assertThat(chat.get(60, TimeUnit.SECONDS)).isZero();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
            ChatCommand.quitAtPrompt = previousQuit;
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(raised).isTrue();
        assertThat(quit).as("Ctrl-C during an answer does not quit").isFalse();
        assertThat(out).contains("[stopped]");
        // the question and the partial answer stay in the conversation
        assertThat(out).contains("user: Tell me a very long story").contains("assistant: ").contains("2 messages");
    }
}

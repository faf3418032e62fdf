package dev.nemotron4j.eval.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a run directory ({@code RUN_DIR/run.lock}, an OS file lock), held while a command
 * writes the directory: two processes appending to one journal, or rewriting one results file, would
 * corrupt the run. The OS releases the lock when the holder dies, so a killed run never leaves it stuck.
 */
public final class RunDirectoryLock implements AutoCloseable {
    public static final String FILE = "run.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, creating the directory if needed.
     *
     * @param what the command taking it (written into the lock file for the other process's error message)
     * @throws IllegalStateException when another process (or another run in this one) holds it
     */
    public static RunDirectoryLock acquire(Path runDir, String what) {
        Path file = runDir.resolve(FILE);
        try {
            Files.createDirectories(runDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                throw new IllegalStateException(runDir + " is in use by another eval command"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; wait for it to finish or use another run directory");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ": eval " + what + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new RunDirectoryLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock run directory " + runDir, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

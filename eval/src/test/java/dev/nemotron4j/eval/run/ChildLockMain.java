package dev.nemotron4j.eval.run;

import java.nio.file.Path;

/** Entry point of a child JVM that holds a run directory's lock until killed ({@link HarnessDefectsTest}). */
public final class ChildLockMain {
    public static void main(String[] args) throws Exception {
        try (RunDirectoryLock ignored = RunDirectoryLock.acquire(Path.of(args[0]), "test holder")) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}

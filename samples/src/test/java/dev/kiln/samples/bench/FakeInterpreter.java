package dev.kiln.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A shell script standing in for a Python interpreter: it receives {@code -c CODE ARGS...} like python3. */
final class FakeInterpreter {
    private FakeInterpreter() {
    }

    /** An executable {@code dir/name} running {@code body} under /bin/sh. */
    static String write(Path dir, String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file.toString();
    }
}

package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program another project wrote that a test checks our kernels with (an offline GPU compiler, a simulator). Where
 * it is missing, the test fails when tools are required ({@code KILN_REQUIRE_TOOLS}, as in CI) and is skipped,
 * saying why, when they are not.
 *
 * @param exitCode the program's exit code; -1 when it could not start or ran out of time
 * @param output what it wrote to stdout and stderr, interleaved
 */
record ExternalTool(int exitCode, String output) {

    /** Runs {@code command} in {@code directory} with {@code environment} added, for at most {@code seconds}. */
    static ExternalTool run(List<String> command, Map<String, String> environment, Path directory, long seconds) {
        Path output = directory.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new ExternalTool(-1, Files.readString(output, StandardCharsets.UTF_8) + "\ntimed out after "
                        + seconds + " s: " + String.join(" ", command));
            }
            return new ExternalTool(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new ExternalTool(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails or skips the calling test unless {@code found}; {@code what} names the missing program and package. */
    static void require(boolean found, String what) {
        if (KilnSettings.requireTools()) {
            assertTrue(found, "tools are required (KILN_REQUIRE_TOOLS) but " + what + " is missing");
        } else {
            assumeTrue(found, what + " is missing");
        }
    }
}

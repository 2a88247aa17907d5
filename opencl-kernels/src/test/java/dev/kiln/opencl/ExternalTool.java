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
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("output.txt").toFile());
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            boolean finished = process.waitFor(seconds, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(directory.resolve("output.txt"), StandardCharsets.UTF_8);
            return finished ? new ExternalTool(process.exitValue(), output)
                    : new ExternalTool(-1, output + "\ntimed out after " + seconds + " s: " + String.join(" ", command));
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

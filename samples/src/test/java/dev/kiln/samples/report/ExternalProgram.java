package dev.kiln.samples.report;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A program another project wrote that a test checks our files with. Where it is missing, the test fails when tools
 * are required ({@code KILN_REQUIRE_TOOLS}, as in CI) and is skipped, saying why, when they are not.
 */
record ExternalProgram(List<String> command, int exitCode, String out, String err) {
    private static final long TIMEOUT_SECONDS = 120;

    /** Runs {@code command} to its end; a program that cannot be started exits with -1. */
    static ExternalProgram run(String... command) {
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            // read both streams at once, so that neither fills its pipe and blocks the program
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            String out = read(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new ExternalProgram(List.of(command), -1, out, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            return new ExternalProgram(List.of(command), process.exitValue(), out, err.join());
        } catch (IOException e) {
            return new ExternalProgram(List.of(command), -1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails or skips the calling test unless {@code check} ran successfully; {@code what} names what is missing. */
    static void require(ExternalProgram check, String what) {
        String reason = what + " is needed (" + String.join(" ", check.command()) + " gave " + check.exitCode()
                + ": " + check.err().strip() + ")";
        if (KilnSettings.requireTools()) {
            assertTrue(check.succeeded(), "tools are required (KILN_REQUIRE_TOOLS) but " + reason);
        } else {
            assumeTrue(check.succeeded(), reason);
        }
    }

    boolean succeeded() {
        return exitCode == 0;
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}

package dev.kiln.samples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python code in a child interpreter for the reference side of a benchmark: picks the first candidate
 * interpreter that can import what the code needs, removes the OpenBLAS core overrides from its environment, and
 * kills it when it runs past its deadline.
 */
final class PythonRunner {
    /** {@code python3} on the PATH first; then the system one, where Debian's python3-* packages install. */
    static final List<String> INTERPRETERS = List.of("python3", "/usr/bin/python3");

    // Set on some machines for other software; they make OpenBLAS pick slow kernels, several times slower here.
    private static final List<String> REMOVED_VARIABLES = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);
    private static final int STDERR_TAIL_LINES = 10;

    /** Why Python gave no result: no suitable interpreter, a failed or hung run, unreadable output. */
    static final class Failure extends Exception {
        Failure(String reason) {
            super(reason);
        }
    }

    private final List<String> candidates;
    private final Duration timeout;

    /** {@code candidates}: interpreter commands, tried in order; {@code timeout}: the limit for one run. */
    PythonRunner(List<String> candidates, Duration timeout) {
        if (candidates.isEmpty() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("need at least one candidate and a positive timeout");
        }
        this.candidates = List.copyOf(candidates);
        this.timeout = timeout;
    }

    /** The first candidate that can import all of {@code modules}; the reason names each candidate's failure. */
    String interpreterWith(String... modules) throws Failure {
        String imports = "import " + String.join(", ", modules);
        Duration probeTimeout = timeout.compareTo(PROBE_TIMEOUT) < 0 ? timeout : PROBE_TIMEOUT;
        List<String> failures = new ArrayList<>();
        for (String candidate : candidates) {
            try {
                run(candidate, imports, List.of(), probeTimeout);
                return candidate;
            } catch (Failure e) {
                failures.add(candidate + ": " + lastLines(e.getMessage(), 1));
            }
        }
        throw new Failure("no Python interpreter can " + imports + " (" + String.join("; ", failures) + ")");
    }

    /** The standard output of {@code interpreter -c code args...}, which must exit with status 0 in time. */
    String run(String interpreter, String code, List<String> args) throws Failure {
        return run(interpreter, code, args, timeout);
    }

    private String run(String interpreter, String code, List<String> args, Duration limit) throws Failure {
        List<String> command = new ArrayList<>(List.of(interpreter, "-c", code));
        command.addAll(args);
        Path stdout = null;
        Path stderr = null;
        try {
            // Files rather than pipes: nothing to drain while waiting, and a killed child cannot block a reader.
            stdout = Files.createTempFile("kiln-python", ".out");
            stderr = Files.createTempFile("kiln-python", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            REMOVED_VARIABLES.forEach(builder.environment()::remove);
            Process process = builder.start();
            process.getOutputStream().close(); // code that reads its input meets the end instead of waiting
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new Failure(interpreter + " did not finish within " + describe(limit) + " and was stopped");
            }
            if (process.exitValue() != 0) {
                String tail = lastLines(read(stderr), STDERR_TAIL_LINES);
                throw new Failure(interpreter + " exited with status " + process.exitValue()
                        + (tail.isEmpty() ? "" : ": " + tail));
            }
            return read(stdout);
        } catch (IOException e) {
            throw new Failure("cannot run " + interpreter + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(interpreter + " was interrupted");
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    /** Children first, so that nothing the interpreter started outlives it. */
    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    /** Lenient about encoding: a stray byte in a traceback must not hide the traceback. */
    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    static String lastLines(String text, int count) {
        List<String> lines = Arrays.stream(text.strip().split("\\R")).filter(line -> !line.isBlank()).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    private static String describe(Duration duration) {
        return duration.toSeconds() > 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }
}

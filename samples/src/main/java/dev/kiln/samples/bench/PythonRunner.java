package dev.kiln.samples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python code in a child interpreter for the reference side of a benchmark: picks the first candidate
 * interpreter that can import what the code needs, removes the OpenBLAS core overrides from its environment, and
 * kills it when it runs past its deadline. A {@link Session} keeps the interpreter running and talks to it a line at
 * a time.
 */
final class PythonRunner {
    /** {@code python3} on the PATH first; then the system one, where Debian's python3-* packages install. */
    static final List<String> INTERPRETERS = List.of("python3", "/usr/bin/python3");

    // Set on some machines for other software; they make OpenBLAS pick slow kernels, several times slower here.
    private static final List<String> REMOVED_VARIABLES = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);
    private static final int STDERR_TAIL_LINES = 10;
    private static final long ENDING_MILLIS = 10_000;

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

    /**
     * Starts {@code interpreter -c code args...} and keeps it running: the caller sends lines to its standard input
     * and reads its standard output a line at a time, each read waiting at most this runner's timeout.
     */
    Session start(String interpreter, String code, List<String> args) throws Failure {
        List<String> command = new ArrayList<>(List.of(interpreter, "-c", code));
        command.addAll(args);
        Path stderr = null;
        try {
            stderr = Files.createTempFile("kiln-python", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
            REMOVED_VARIABLES.forEach(builder.environment()::remove);
            return new Session(interpreter, builder.start(), stderr, timeout);
        } catch (IOException e) {
            deleteQuietly(stderr);
            throw new Failure("cannot run " + interpreter + ": " + e.getMessage());
        }
    }

    /** A running interpreter, read a line at a time; closing it stops the interpreter if it still runs. */
    static final class Session implements AutoCloseable {
        private final String interpreter;
        private final Process process;
        private final Path stderr;
        private final Duration timeout;
        private final Writer input;
        /** Lines of standard output, then an empty Optional at its end; filled by a reader thread. */
        private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();

        private Session(String interpreter, Process process, Path stderr, Duration timeout) {
            this.interpreter = interpreter;
            this.process = process;
            this.stderr = stderr;
            this.timeout = timeout;
            this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(this::readOutput, "python-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void readOutput() {
            try (BufferedReader output = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    lines.add(Optional.of(line));
                }
            } catch (IOException e) {
                // the process was stopped; the end below tells the waiting caller
            }
            lines.add(Optional.empty());
        }

        /** Sends {@code line} to the interpreter's standard input. */
        void send(String line) throws Failure {
            try {
                input.write(line + "\n");
                input.flush();
            } catch (IOException e) {
                throw ended("stopped reading its input");
            }
        }

        /** The next line of standard output, waiting at most the timeout; fails when the output ended first. */
        String readLine() throws Failure {
            try {
                Optional<String> line = next();
                if (line == null) {
                    throw new Failure(interpreter + " printed nothing within " + describe(timeout));
                }
                if (line.isEmpty()) {
                    lines.add(line);
                    throw ended("ended its output");
                }
                return line.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(interpreter + " was interrupted");
            }
        }

        /** Closes the standard input and returns the rest of the output, once the interpreter exited with 0. */
        String finish() throws Failure {
            try {
                input.close();
            } catch (IOException e) {
                // an interpreter that already exited has closed its end; its status tells what happened
            }
            StringBuilder rest = new StringBuilder();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new Failure(interpreter + " did not finish within " + describe(timeout));
                }
                for (Optional<String> line = next(); line != null && line.isPresent(); line = next()) {
                    rest.append(line.get()).append('\n');
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(interpreter + " was interrupted");
            }
            if (process.exitValue() != 0) {
                throw ended("exited with status " + process.exitValue());
            }
            return rest.toString();
        }

        /** The next line of output, its end (empty), or null when none came within the timeout. */
        private Optional<String> next() throws InterruptedException {
            return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private Failure ended(String what) {
            String tail = "";
            try {
                // the interpreter is ending: its last words reach the file within moments
                process.waitFor(Math.min(timeout.toMillis(), ENDING_MILLIS), TimeUnit.MILLISECONDS);
                tail = lastLines(read(stderr), STDERR_TAIL_LINES);
            } catch (IOException e) {
                tail = "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Failure(interpreter + " " + what + (tail.isEmpty() ? "" : ": " + tail));
        }

        @Override
        public void close() {
            try {
                if (process.isAlive()) {
                    kill(process);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                deleteQuietly(stderr);
            }
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

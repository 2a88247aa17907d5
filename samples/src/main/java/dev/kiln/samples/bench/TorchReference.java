package dev.kiln.samples.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.KilnException;
import dev.kiln.samples.report.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The PyTorch side of {@code kiln bench mnist-cnn} and {@code mnist-lstm}: the same network trained by PyTorch on the
 * CPU in a child Python process ({@code mnist_torch.py}), so that Kiln's seconds per epoch have a reference from the
 * same run.
 */
public final class TorchReference {
    /** Generous: a few epochs of the CNN take minutes on a small machine, but a hung interpreter must end. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private static final String SCRIPT = "mnist_torch.py";

    /** The network PyTorch trains: the script's {@code --network} choice and that network's own options. */
    public sealed interface Network permits Mlp, Cnn, Lstm {
        /** The script's arguments that choose and size the network. */
        List<String> arguments();
    }

    /**
     * The Keras MNIST MLP ({@code --network mlp}).
     *
     * @param hidden units of the hidden relu layer
     */
    public record Mlp(int hidden) implements Network {
        @Override
        public List<String> arguments() {
            return List.of("--network", "mlp", "--hidden", Integer.toString(hidden));
        }
    }

    /**
     * The Keras MNIST CNN ({@code --network cnn}).
     *
     * @param dense units of a dense relu layer after the convolutions, or 0 for none (the Keras example)
     * @param dropout the dropout rate before the last layer
     */
    public record Cnn(int dense, double dropout) implements Network {
        @Override
        public List<String> arguments() {
            return List.of("--network", "cnn", "--dense", Integer.toString(dense),
                    "--dropout", Double.toString(dropout));
        }
    }

    /**
     * An LSTM reading the image rows as time steps, then a linear layer on its last output ({@code --network lstm}),
     * initialised as Keras initialises {@code LSTM} and {@code Dense}.
     *
     * @param units units of the LSTM
     */
    public record Lstm(int units) implements Network {
        @Override
        public List<String> arguments() {
            return List.of("--network", "lstm", "--units", Integer.toString(units));
        }
    }

    /**
     * The script's arguments.
     *
     * @param data the directory holding the four raw MNIST IDX files
     * @param epochs timed epochs
     * @param warmUp untimed epochs before the timed ones
     * @param batchSize images per step
     * @param threads torch's CPU threads
     * @param seed seed of the weights and the shuffling
     * @param network the network trained
     */
    public record Settings(Path data, int epochs, int warmUp, int batchSize, int threads, long seed,
                           Network network) {
        List<String> arguments() {
            List<String> arguments = new ArrayList<>(List.of("--data", data.toString(),
                    "--epochs", Integer.toString(epochs), "--warm-up", Integer.toString(warmUp),
                    "--batch-size", Integer.toString(batchSize), "--threads", Integer.toString(threads),
                    "--seed", Long.toString(seed)));
            arguments.addAll(network.arguments());
            return arguments;
        }
    }

    /** What the bench prints: PyTorch's times, or why there are none. */
    public sealed interface Result permits Measured, Unavailable {
    }

    /**
     * PyTorch's run.
     *
     * @param epochSeconds training-loop seconds of each timed epoch
     * @param epochLosses mean training loss of each timed epoch
     * @param threads the CPU threads torch reported using
     * @param testAccuracy the share of test images classified correctly after the last epoch
     */
    public record Measured(List<Double> epochSeconds, List<Double> epochLosses, String torchVersion, int threads,
                           double testAccuracy) implements Result {
        public Measured {
            epochSeconds = List.copyOf(epochSeconds);
            epochLosses = List.copyOf(epochLosses);
        }

        public double medianSeconds() {
            return EpochTimer.median(epochSeconds.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    /** No PyTorch times: no interpreter with torch, a failed or hung run, or output that could not be read. */
    public record Unavailable(String reason) implements Result {
    }

    private final PythonRunner python;

    /** Looks for torch in {@link PythonRunner#INTERPRETERS}; a run longer than {@code timeout} is killed. */
    public TorchReference(Duration timeout) {
        this(new PythonRunner(PythonRunner.INTERPRETERS, timeout));
    }

    TorchReference(PythonRunner python) {
        this.python = python;
    }

    /** Trains the network in PyTorch with {@code settings}; never throws for a missing or failing Python. */
    public Result run(Settings settings) {
        try {
            String interpreter = python.interpreterWith("numpy", "torch");
            Measured measured = parse(python.run(interpreter, script(), settings.arguments()));
            if (measured.epochSeconds().size() != settings.epochs()) {
                return new Unavailable(interpreter + " reported " + measured.epochSeconds().size()
                        + " timed epochs, expected " + settings.epochs());
            }
            return measured;
        } catch (PythonRunner.Failure e) {
            return new Unavailable(e.getMessage());
        }
    }

    /**
     * Starts the script with {@code settings} for timed epochs one at a time ({@code --interleaved}): it returns once
     * PyTorch has loaded the data and run the warm-up epochs.
     */
    public Interleaved interleaved(Settings settings) throws PythonRunner.Failure {
        String interpreter = python.interpreterWith("numpy", "torch");
        List<String> arguments = new ArrayList<>(settings.arguments());
        arguments.add("--interleaved");
        PythonRunner.Session session = python.start(interpreter, script(), arguments);
        try {
            String ready = session.readLine();
            if (!object(ready).path("ready").asBoolean()) {
                throw unreadable("{\"ready\": true} expected", ready);
            }
            return new Interleaved(session, settings.epochs());
        } catch (PythonRunner.Failure | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * PyTorch's timed epochs run when the caller asks, so that they alternate with the caller's own: on a machine
     * whose speed drifts, each pair of epochs then meets the same conditions.
     */
    public static final class Interleaved implements AutoCloseable {
        private final PythonRunner.Session session;
        private final int epochs;
        private final StringBuilder output = new StringBuilder();
        private int done;

        private Interleaved(PythonRunner.Session session, int epochs) {
            this.session = session;
            this.epochs = epochs;
        }

        /** Runs PyTorch's next timed epoch and returns its seconds. */
        public double epoch() throws PythonRunner.Failure {
            if (done == epochs) {
                throw new IllegalStateException("all " + epochs + " timed epochs have run");
            }
            session.send("epoch");
            String line = session.readLine();
            output.append(line).append('\n');
            done++;
            return number(object(line), "seconds", line);
        }

        /** Ends the run and returns all its epochs and its summary; fails unless every timed epoch ran. */
        public Measured finish() throws PythonRunner.Failure {
            output.append(session.finish());
            Measured measured = parse(output.toString());
            if (measured.epochSeconds().size() != epochs) {
                throw new PythonRunner.Failure("PyTorch ran " + measured.epochSeconds().size() + " timed epochs, "
                        + epochs + " were asked for");
            }
            return measured;
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /** The script's output: its epoch lines, numbered from 1, then one summary line. */
    static Measured parse(String output) throws PythonRunner.Failure {
        List<Double> seconds = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        JsonNode summary = null;
        for (String line : output.strip().split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            if (summary != null) {
                throw unreadable("a line after the summary", line);
            }
            JsonNode record = object(line);
            if (record.has("epoch")) {
                if (record.get("epoch").asInt() != seconds.size() + 1) {
                    throw unreadable("epoch " + (seconds.size() + 1) + " expected", line);
                }
                seconds.add(number(record, "seconds", line));
                losses.add(number(record, "loss", line));
            } else if (record.has("torch")) {
                summary = record;
            } else {
                throw unreadable("neither an epoch nor the summary", line);
            }
        }
        if (summary == null || seconds.isEmpty()) {
            throw unreadable("no timed epoch or no summary", output);
        }
        JsonNode threads = summary.get("threads");
        if (!summary.get("torch").isTextual() || threads == null || !threads.canConvertToInt()) {
            throw unreadable("the summary needs a torch version and a thread count", summary.toString());
        }
        return new Measured(seconds, losses, summary.get("torch").asText(), threads.asInt(),
                number(summary, "test_accuracy", summary.toString()));
    }

    private static JsonNode object(String line) throws PythonRunner.Failure {
        try {
            JsonNode node = Json.mapper().readTree(line);
            if (node == null || !node.isObject()) {
                throw unreadable("not a JSON object", line);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw unreadable("not JSON", line);
        }
    }

    private static double number(JsonNode record, String field, String line) throws PythonRunner.Failure {
        JsonNode value = record.get(field);
        if (value == null || !value.isNumber()) {
            throw unreadable("no number '" + field + "'", line);
        }
        return value.asDouble();
    }

    private static PythonRunner.Failure unreadable(String problem, String text) {
        return new PythonRunner.Failure("unexpected output from " + SCRIPT + " (" + problem + "): "
                + PythonRunner.lastLines(text, 3));
    }

    /** The script's source, passed to the interpreter with {@code -c}. */
    static String script() {
        try (InputStream in = TorchReference.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new KilnException("resource " + SCRIPT + " is missing next to " + TorchReference.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KilnException("cannot read resource " + SCRIPT + ": " + e.getMessage(), e);
        }
    }
}

package dev.kiln.spark;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxReader;
import dev.kiln.io.LoadedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.Tuple2;

/**
 * The MNIST multilayer perceptron (784-128-10, Adam) trained on a Spark cluster: the job {@code spark-submit} runs.
 * The driver reads the IDX files, spreads the training images over the tasks, trains, and evaluates the result on
 * the test images.
 */
@Command(name = "kiln-spark-mnist", mixinStandardHelpOptions = true,
        description = "Trains the MNIST MLP on a Spark cluster, one training task per partition.")
public final class MnistJob implements Callable<Integer> {
    private static final int PIXELS = 28 * 28;
    private static final int CLASSES = 10;

    @Option(names = "--data", required = true,
            description = "Directory with MNIST's four IDX files (gzipped or not), readable by the driver.")
    private Path data;

    @Option(names = "--checkpoints", required = true,
            description = "The driver's checkpoint directory; a run continues after the latest checkpoint in it.")
    private Path checkpoints;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--batch-size", defaultValue = "128",
            description = "Global batch size, a multiple of the tasks (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--tasks", defaultValue = "2", description = "Training tasks (default: ${DEFAULT-VALUE}).")
    private int tasks;

    @Option(names = "--backend", defaultValue = "auto",
            description = "Each task's backend: auto, cpu or opencl (default: ${DEFAULT-VALUE}).")
    private String backend;

    @Option(names = "--average-every", defaultValue = "0",
            description = "Average the weights every N steps instead of summing gradients every step (0: sum).")
    private int averageEvery;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    private JavaSparkContext spark;

    public static void main(String[] args) {
        try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setAppName("kiln-spark-mnist"))) {
            System.exit(run(spark, args));
        }
    }

    /** Runs the job with {@code args} on {@code spark}; returns the exit code. */
    static int run(JavaSparkContext spark, String... args) {
        MnistJob job = new MnistJob();
        job.spark = spark;
        return new CommandLine(job).execute(args);
    }

    @Override
    public Integer call() {
        long modelSeed = seed;
        ModelFactory factory = device -> mlp(device, modelSeed);
        SparkFit fit = SparkTrainer.fit(images("train"), factory, SparkFitOptions.into(checkpoints).epochs(epochs)
                .batchSize(batchSize).partitions(tasks).backend(backend).averageEverySteps(averageEvery).seed(seed));
        try (Backend cpu = Backends.select("cpu"); LoadedModel trained = fit.load(cpu)) {
            float[][][] test = read("t10k");
            double[][] scores = trained.predict(toDoubles(test[0]));
            double[][] labels = toDoubles(test[1]);
            int right = 0;
            for (int i = 0; i < scores.length; i++) {
                right += argmax(scores[i]) == argmax(labels[i]) ? 1 : 0;
            }
            System.out.printf("test accuracy %.4f (%d images); model in %s%n", (double) right / scores.length,
                    scores.length, fit.checkpoint());
        }
        return 0;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    private static double[][] toDoubles(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j];
            }
        }
        return out;
    }

    static Model mlp(Backend backend, long seed) {
        Model model = Sequential.on(backend, new Dense(128, ActivationFunction.RELU),
                new Dense(CLASSES, ActivationFunction.SOFTMAX)).seed(seed);
        return model.compile(Losses.categoricalCrossEntropy(false), new Adam(0.001), Metrics.categoricalAccuracy());
    }

    private JavaPairRDD<float[], float[]> images(String split) {
        float[][][] xy = read(split);
        List<Tuple2<float[], float[]>> pairs = new ArrayList<>(xy[0].length);
        for (int i = 0; i < xy[0].length; i++) {
            pairs.add(new Tuple2<>(xy[0][i], xy[1][i]));
        }
        return spark.parallelizePairs(pairs, tasks);
    }

    /** The images of {@code split} ("train", "t10k") scaled to [0, 1], and their labels one-hot. */
    private float[][][] read(String split) {
        IdxArray images = IdxReader.read(file(split + "-images-idx3-ubyte"));
        IdxArray labels = IdxReader.read(file(split + "-labels-idx1-ubyte"));
        int[] dims = images.header().dimensions();
        if (dims.length != 3 || dims[1] * dims[2] != PIXELS || labels.header().count() != dims[0]) {
            throw new KilnException(data + ": " + split + " holds images " + images.header() + " and labels "
                    + labels.header() + "; expected n images of 28x28 and n labels");
        }
        float[] pixels = images.toFloats(1f / 255);
        int[] classes = labels.toInts();
        float[][] x = new float[dims[0]][];
        float[][] y = new float[dims[0]][CLASSES];
        for (int i = 0; i < x.length; i++) {
            x[i] = Arrays.copyOfRange(pixels, i * PIXELS, (i + 1) * PIXELS);
            if (classes[i] < 0 || classes[i] >= CLASSES) {
                throw new KilnException(data + ": label " + i + " of " + split + " is " + classes[i]
                        + ", expected 0 to 9");
            }
            y[i][classes[i]] = 1;
        }
        return new float[][][] {x, y};
    }

    private Path file(String name) {
        Path plain = data.resolve(name);
        Path gzipped = data.resolve(name + ".gz");
        if (Files.exists(plain)) {
            return plain;
        }
        if (Files.exists(gzipped)) {
            return gzipped;
        }
        throw new KilnException(data + ": holds neither " + name + " nor " + name + ".gz (MNIST's IDX files;"
                + " `./kiln data mnist --data DIR` puts them into DIR)");
    }
}

package dev.kiln.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.gan.GanEpoch;
import dev.kiln.gan.GanFitOptions;
import dev.kiln.gan.GanLoss;
import dev.kiln.gan.GanTrainer;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.Input;
import dev.kiln.layer.LeakyReLU;
import dev.kiln.layer.Subtract;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Optimizer;
import dev.kiln.regularizer.Regularizers;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import dev.kiln.train.LossWeights;
import dev.kiln.train.TrainingSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The README's four Java examples, run as written; four more tests keep the README's copies identical to them. */
class QuickStartTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/kiln/samples/QuickStartTest.java");
    private static final Path README = Path.of("../README.md");

    @Test
    void quickStartTrainsXor() {
        // quick start begin
        double[][] x = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        double[][] y = {{0}, {1}, {1}, {0}};

        try (Sequential model = new Sequential(
                new Dense(8, ActivationFunction.TANH),
                new Dense(1, ActivationFunction.SIGMOID)).seed(1)) {
            Loss loss = Losses.binaryCrossEntropy(false);
            model.compile(loss, new Adam(0.05), Metrics.accuracyFor(loss));
            History history = model.fit(x, y, FitOptions.builder().epochs(300).batchSize(4).build());
            double accuracy = history.last().value("accuracy");
            double[][] predictions = model.predict(x);
            assertEquals(1.0, accuracy);
            for (int i = 0; i < x.length; i++) {
                assertEquals(y[i][0], predictions[i][0], 0.5, "prediction " + i);
            }
        }
        // quick start end
    }

    @Test
    void customTrainingStepTrainsATwoInputModel() {
        // custom step begin
        SymbolicTensor a = Input.of("a", 2);
        SymbolicTensor b = Input.of("b", 2);
        Dense shared = new Dense(8, ActivationFunction.TANH);  // one set of weights, called on both inputs
        SymbolicTensor difference = new Subtract().call(shared.call(a), shared.call(b));
        SymbolicTensor score = new Dense(1).named("score").call(difference);
        double[][] left = {{0, 1}, {1, 0}, {1, 1}, {0.5, 0}};
        double[][] right = {{1, 0}, {0, 0}, {0, 1}, {0.5, 1}};
        double[][] target = {{-1}, {1}, {1}, {-1}};

        try (Backend backend = Backends.select();
             Model model = Model.on(backend, List.of(a, b), List.of(score)).seed(1);
             Optimizer optimizer = new Adam(0.02);
             Tensor x1 = Tensor.fromRows(backend, DType.F32, left);
             Tensor x2 = Tensor.fromRows(backend, DType.F32, right);
             Tensor y = Tensor.fromRows(backend, DType.F32, target)) {
            Loss mse = Losses.mse();
            double last = Double.NaN;
            for (int step = 0; step < 300; step++) {
                try (MemoryScope scope = MemoryScope.open()) {
                    Tensor prediction = model.forward(List.of(x1, x2), ForwardContext.training(model.seed(), step));
                    Tensor loss = mse.compute(prediction, y);
                    Autograd.gradients(loss, model.trainableParameters());
                    optimizer.step(model.trainableParameters());
                    last = loss.item();
                }
            }
            assertTrue(last < 0.01, "final loss " + last);
        }
        // custom step end
    }

    @Test
    void aGanTrainerLearnsWhereAGaussianLies() {
        // gan begin
        SymbolicTensor noise = Input.of("noise", 4);
        SymbolicTensor sample = new Dense(1).call(new Dense(16, ActivationFunction.RELU).call(noise));
        SymbolicTensor x = Input.of("x", 1);
        SymbolicTensor real = new Dense(1, ActivationFunction.SIGMOID)
                .call(new LeakyReLU(0.2).call(new Dense(16).call(x)));
        double[][] target = new double[512][1];                        // draws of N(3, 0.5) to imitate
        Random random = new Random(7);
        for (double[] row : target) {
            row[0] = 3 + 0.5 * random.nextGaussian();
        }

        try (Backend backend = Backends.select();                      // one backend for both models
             Model generator = Model.on(backend, noise, sample).seed(11);
             Model discriminator = Model.on(backend, x, real).seed(12);
             Optimizer forGenerator = new Adam(0.005, 0.5, 0.999, 1e-7);
             Optimizer forDiscriminator = new Adam(0.005, 0.5, 0.999, 1e-7)) {
            GanTrainer gan = GanTrainer.builder(generator, discriminator)
                    .generatorOptimizer(forGenerator)
                    .discriminatorOptimizer(forDiscriminator)
                    .loss(GanLoss.standard())                          // or GanLoss.wasserstein(), with RMSprop
                    .seed(5)
                    .build();
            List<GanEpoch> epochs = gan.fit(ArrayDataset.of(target, target), GanFitOptions.of(40, 32));
            try (MemoryScope scope = MemoryScope.open()) {
                double[] drawn = gan.generate(gan.noise(1000, -1), null).toDoubleArray();
                double mean = Arrays.stream(drawn).average().orElseThrow();
                assertEquals(3, mean, 0.4, "mean of the generated samples");
            }
            assertEquals(40, epochs.size());
        }
        // gan end
    }

    @Test
    void readmeShowsTheGanTrainerAsTested() throws IOException {
        String tested = between(Files.readString(SOURCE), "// gan begin\n", "        // gan end");
        Matcher block = Pattern.compile("(?s)```java\n(.*?)```").matcher(Files.readString(README));
        assertTrue(block.find() && block.find() && block.find(), "README.md has a third java block");
        assertEquals(stripped(tested), stripped(block.group(1)));
    }

    @Test
    void severalInputsAndOutputsTrainWithFit() {
        // multi-output begin
        SymbolicTensor features = Input.of("features", 3);
        SymbolicTensor scale = Input.of("scale", 1);
        SymbolicTensor hidden = new Dense(16, ActivationFunction.TANH)
                .kernelRegularizer(Regularizers.l2(1e-4))
                .call(new Concatenate().call(features, scale));
        SymbolicTensor score = new Dense(1).named("score").call(hidden);
        SymbolicTensor kind = new Dense(2).named("kind").call(hidden);
        double[][] x = {{0, 1, 0}, {1, 0, 0}, {0, 0, 1}, {1, 1, 0}, {0, 1, 1}, {1, 0, 1}};
        double[][] s = {{1}, {2}, {1}, {2}, {1}, {2}};
        double[][] y = {{1}, {2}, {1}, {4}, {2}, {4}};
        int[] classes = {0, 1, 0, 1, 1, 1};

        try (Model model = new Model(List.of(features, scale), List.of(score, kind)).seed(1)) {
            model.compile(TrainingSetup.builder(new Adam(0.02))
                    .loss("score", Losses.mse())
                    .loss("kind", Losses.sparseCategoricalCrossEntropy(true))
                    .lossWeights(LossWeights.of(Map.of("kind", 0.5)))
                    .metrics("kind", Metrics.sparseCategoricalAccuracy())
                    .build());
            ArrayDataset data = ArrayDataset.builder()
                    .features("features", x).features("scale", s)
                    .labels("score", y).labels("kind", classes)
                    .build();
            History history = model.fit(data, FitOptions.builder().epochs(400).batchSize(6).log(false).build());
            double scoreLoss = history.last().value("score_loss");        // also kind_loss, regularization_loss
            double accuracy = history.last().value("kind_sparse_categorical_accuracy");
            Map<String, double[][]> predictions = model.predictAll(Map.of("features", x, "scale", s));
            assertTrue(scoreLoss < 0.05, "score loss " + scoreLoss);
            assertEquals(1.0, accuracy, 0.0);
            assertEquals(List.of("score", "kind"), List.copyOf(predictions.keySet()));
        }
        // multi-output end
    }

    @Test
    void readmeShowsTheMultiOutputFitAsTested() throws IOException {
        String tested = between(Files.readString(SOURCE), "// multi-output begin\n", "        // multi-output end");
        Matcher block = Pattern.compile("(?s)```java\n(.*?)```").matcher(Files.readString(README));
        assertTrue(block.find() && block.find() && block.find() && block.find(), "README.md has a fourth java block");
        assertEquals(stripped(tested), stripped(block.group(1)));
    }

    @Test
    void readmeShowsTheQuickStartAsTested() throws IOException {
        String tested = between(Files.readString(SOURCE), "// quick start begin\n", "        // quick start end");
        Matcher block = Pattern.compile("(?s)```java\n(.*?)```").matcher(Files.readString(README));
        assertTrue(block.find(), "README.md has a java block");
        assertEquals(stripped(tested), stripped(block.group(1)));
    }

    @Test
    void readmeShowsTheCustomTrainingStepAsTested() throws IOException {
        String tested = between(Files.readString(SOURCE), "// custom step begin\n", "        // custom step end");
        Matcher block = Pattern.compile("(?s)```java\n(.*?)```").matcher(Files.readString(README));
        assertTrue(block.find() && block.find(), "README.md has a second java block");
        assertEquals(stripped(tested), stripped(block.group(1)));
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        return text.substring(from, text.indexOf(end, from));
    }

    /** The code lines without indentation, leaving out the README's imports and the test's assertions. */
    private static List<String> stripped(String code) {
        List<String> lines = code.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        int assertions = lines.indexOf("assertEquals(1.0, accuracy);");
        return IntStream.range(0, lines.size())
                .filter(i -> assertions < 0 || i < assertions || i >= assertions + 4)
                .mapToObj(lines::get)
                .filter(line -> !line.startsWith("import ") && !line.startsWith("assertTrue(")
                        && !line.startsWith("assertEquals("))
                .toList();
    }
}

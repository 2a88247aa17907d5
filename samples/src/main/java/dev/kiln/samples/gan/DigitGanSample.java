package dev.kiln.samples.gan;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.data.ArrayDataset;
import dev.kiln.gan.GanEpoch;
import dev.kiln.gan.GanFitOptions;
import dev.kiln.gan.GanLoss;
import dev.kiln.gan.GanTrainer;
import dev.kiln.model.Model;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Optimizer;
import dev.kiln.samples.Sample;
import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.samples.data.DataFetcher;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.mnist.MnistData;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * A GAN that learns to draw MNIST digits, measured so that it cannot be faked: after training, a digit classifier
 * scores 1,000 generated images ({@code classifier_confidence}, the mean max-softmax probability, and
 * {@code class_shares}, which reveal mode collapse), and a conditional GAN's {@code label_agreement} is the share of
 * its images classified as the digit asked for. After every epoch it draws the same noise into
 * {@code epoch-NNN.png} in the run directory. Both players' learning rates anneal along half a cosine over the
 * epochs. Options: {@code --classifier DIR} (a saved MNIST classifier; else the
 * mnist-mlp network is trained once and kept in the data directory), and for a conditional GAN {@code --digit D}
 * (draw only that digit).
 */
public final class DigitGanSample implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(DigitGanSample.class);
    private static final int JUDGED = 1000;
    private static final int GRID = 64;
    /** Noise streams of the pictures and of the judged images; training draws from the non-negative ones. */
    private static final long GRID_STREAM = -1;
    private static final long JUDGED_STREAM = -2;
    private static final double LABEL_SMOOTHING = 0.1;

    private final String name;
    private final String description;
    private final GanArchitecture architecture;
    private final TrainingSettings defaults;
    private final Path classifier;
    private final Integer digit;

    private DigitGanSample(String name, String description, GanArchitecture architecture, TrainingSettings defaults,
                           Path classifier, Integer digit) {
        this.name = name;
        this.description = description;
        this.architecture = architecture;
        this.defaults = defaults;
        this.classifier = classifier;
        this.digit = digit;
    }

    /** The MLP GAN: noise 64 -> 256 -> 512 -> 1024 -> 784 tanh; 784 -> 512 -> 256 -> 1 sigmoid. */
    public static DigitGanSample mlp() {
        return new DigitGanSample("gan", "MLP GAN drawing MNIST digits (noise 64 -> 256 -> 512 -> 1024 -> 784"
                + " tanh against 784 -> 512 -> 256 -> 1 sigmoid), judged by a digit classifier",
                new MlpGan(64, List.of(256, 512, 1024), List.of(512, 256), false),
                new TrainingSettings(30, 64, 2e-4, 1, null), null, null);
    }

    /** The DCGAN: transposed convolutions with batch normalisation against strided convolutions. */
    public static DigitGanSample convolutional() {
        return new DigitGanSample("dcgan", "DCGAN drawing MNIST digits (Conv2DTranspose with batch normalisation"
                + " against strided Conv2D), judged by a digit classifier", new ConvGan(64, 128),
                new TrainingSettings(10, 64, 2e-4, 1, null), null, null);
    }

    /** The conditional MLP GAN: both networks also read the digit through an embedding. */
    public static DigitGanSample conditional() {
        return new DigitGanSample("cgan", "conditional MLP GAN drawing the MNIST digit asked for (--digit D), both"
                + " networks reading the label through an embedding; judged by label agreement",
                new MlpGan(64, List.of(256, 512, 1024), List.of(512, 256), true),
                new TrainingSettings(30, 64, 2e-4, 1, null), null, null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public TrainingSettings defaults() {
        return defaults;
    }

    @Override
    public Object newOptions() {
        return new Arguments();
    }

    @Override
    public Sample withOptions(Object options) {
        Arguments parsed = (Arguments) options;
        if (parsed.digit != null && !architecture.conditional()) {
            throw new KilnException(name + ": --digit needs a conditional GAN (the cgan sample)");
        }
        if (parsed.digit != null && (parsed.digit < 0 || parsed.digit >= GanDigits.CLASSES)) {
            throw new KilnException(name + ": --digit must be 0 to 9, got " + parsed.digit);
        }
        return new DigitGanSample(name, description, architecture, defaults, parsed.classifier, parsed.digit);
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        ArrayDataset digits = GanDigits.load(settings.dataDirectory(), architecture.imageShape());
        try (Model generator = architecture.generator(backend, settings.seed());
             Model discriminator = architecture.discriminator(backend, settings.seed() + 1);
             Optimizer generatorOptimizer = adam(settings.learningRate());
             Optimizer discriminatorOptimizer = adam(settings.learningRate())) {
            GanTrainer trainer = GanTrainer.builder(generator, discriminator)
                    .generatorOptimizer(generatorOptimizer).discriminatorOptimizer(discriminatorOptimizer)
                    .loss(GanLoss.standard().withLabelSmoothing(LABEL_SMOOTHING))
                    .conditional(architecture.conditional()).seed(settings.seed()).build();
            CosineAnnealing annealing = new CosineAnnealing(settings.learningRate(), settings.epochs(),
                    generatorOptimizer, discriminatorOptimizer);
            GanFitOptions options = settings.storage().apply(GanFitOptions.of(settings.epochs(), settings.batchSize()))
                    .withListener(annealing);
            if (settings.runDirectory() != null) {
                options = options.withListener((epoch, t) -> draw(t, settings.runDirectory()
                        .resolve(String.format(Locale.ROOT, "epoch-%03d.png", epoch.epoch()))));
            }
            List<GanEpoch> epochs = trainer.fit(digits, options);
            Map<String, Model> models = new LinkedHashMap<>();
            models.put("generator", generator);
            models.put("discriminator", discriminator);
            settings.storage().save(models);
            Map<String, Object> measures = judge(trainer, backend, settings);
            measures.putAll(GanHistory.lossesPerEpoch(epochs));
            long parameters = generator.parameterCount() + discriminator.parameterCount();
            return new SampleResult(GanHistory.of(epochs, digits.size(), annealing::rate), parameters,
                    null, Map.of(), measures, List.of());
        }
    }

    /** Adam with beta1 0.5, as GANs are usually trained (Radford et al., 2015). */
    private static Optimizer adam(double learningRate) {
        return new Adam(learningRate, 0.5, 0.999, 1e-7);
    }

    /** The digits of {@code count} images: {@code only}, or when null every digit in turn. */
    private static int[] requested(int count, Integer only) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = only != null ? only : i % GanDigits.CLASSES;
        }
        return labels;
    }

    /**
     * {@code count} generated images from noise stream {@code stream}, asked for {@code digits} when conditional
     * (else null).
     */
    private GrayImages generate(GanTrainer trainer, int count, long stream, int[] digits) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor labels = digits == null ? null : Tensor.of(trainer.generator().backend(),
                    trainer.generator().dtype(), Shape.of(count, 1), Arrays.stream(digits).asDoubleStream().toArray());
            float[] pixels = trainer.generate(trainer.noise(count, stream), labels).toFloatArray();
            return GrayImages.of(pixels, count, GanDigits.SIDE, GanDigits.SIDE, PixelRange.TANH);
        }
    }

    /** The grid of the fixed noise: one digit per column (0 to 9) when conditional, else 8 x 8. */
    private void draw(GanTrainer trainer, Path png) {
        boolean byDigit = architecture.conditional() && digit == null;
        int count = byDigit ? GanDigits.CLASSES * GanDigits.CLASSES : GRID;
        GrayImages images = generate(trainer, count, GRID_STREAM,
                architecture.conditional() ? requested(count, digit) : null);
        ImageGrid.write(images, byDigit ? GanDigits.CLASSES : ImageGrid.columnsFor(count), 2, png);
    }

    private Map<String, Object> judge(GanTrainer trainer, Backend backend, TrainingSettings settings) {
        // a conditional GAN is judged on every digit alike, whichever one --digit draws
        int[] digits = architecture.conditional() ? requested(JUDGED, null) : null;
        GrayImages images = generate(trainer, JUDGED, JUDGED_STREAM, digits);
        try (DigitJudge judge = judge(backend, settings)) {
            DigitJudge.Verdict verdict = digits != null ? judge.judge(images, digits) : judge.judge(images);
            Map<String, Object> measures = new LinkedHashMap<>();
            measures.put("classifier_confidence", verdict.confidence());
            Map<String, Double> shares = new LinkedHashMap<>();
            double largest = 0;
            for (int d = 0; d < GanDigits.CLASSES; d++) {
                shares.put(Integer.toString(d), verdict.classShares()[d]);
                largest = Math.max(largest, verdict.classShares()[d]);
            }
            measures.put("class_shares", shares);
            measures.put("largest_class_share", largest);
            verdict.labelAgreement().ifPresent(agreement -> measures.put("label_agreement", agreement));
            if (settings.runDirectory() != null) {
                draw(trainer, settings.runDirectory().resolve("samples.png"));
                measures.put("samples_image", "samples.png");
            }
            LOG.info("{} generated digits judged: confidence {}, largest class share {}{}", JUDGED,
                    String.format(Locale.ROOT, "%.3f", verdict.confidence()),
                    String.format(Locale.ROOT, "%.3f", largest), verdict.labelAgreement().isPresent()
                            ? String.format(Locale.ROOT, ", label agreement %.3f",
                            verdict.labelAgreement().getAsDouble()) : "");
            return measures;
        }
    }

    /**
     * The judge: the classifier given with --classifier, else the one kept in the data directory, trained there on
     * first use (again when what is kept there does not load).
     */
    private DigitJudge judge(Backend backend, TrainingSettings settings) {
        if (classifier != null) {
            return JudgeClassifier.load(classifier, backend);
        }
        Path kept = DataFetcher.dataRoot(settings.dataDirectory()).resolve("classifiers").resolve("mnist-mlp");
        if (Files.isDirectory(kept)) {
            try {
                return JudgeClassifier.load(kept, backend);
            } catch (KilnException e) {
                LOG.warn("the classifier kept in {} does not load ({}); training it again", kept, e.getMessage());
            }
        }
        try {
            Files.createDirectories(kept.getParent());
        } catch (IOException e) {
            throw new KilnException("cannot create " + kept.getParent() + ": " + e, e);
        }
        MnistData data = MnistData.load(DataSetSpec.MNIST, settings.dataDirectory());
        return JudgeClassifier.train(backend, data, JudgeClassifier.EPOCHS, settings.seed(), kept);
    }

    /** The options of the digit GAN samples. */
    static final class Arguments {
        @Option(names = "--classifier", paramLabel = "DIR",
                description = "A saved MNIST classifier to judge the generated digits with.")
        Path classifier;

        @Option(names = "--digit", paramLabel = "D", description = "The digit a conditional GAN draws (0-9).")
        Integer digit;
    }
}

package dev.kiln.samples.gan;

import dev.kiln.KilnException;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.model.Model;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Scores generated digits with an MNIST classifier ending in a 10-way softmax: how sure it is of them, which digits
 * it sees, and, for a conditional generator, how often it sees the digit that was asked for. The judge owns the
 * classifier: closing it closes the model.
 */
public final class DigitJudge implements AutoCloseable {
    /** Classes of the classifier, the digits 0 to 9. */
    public static final int DIGITS = 10;
    /** Rows and columns of an MNIST image. */
    public static final int SIDE = 28;
    /** Images classified per forward pass, so that a thousand images never make one large tensor. */
    private static final int BATCH_SIZE = 250;
    /** How far a softmax row may sum from 1 in F32. */
    private static final double SUM_TOLERANCE = 1e-3;
    private static final int PIXELS = SIDE * SIDE;

    private final Model classifier;
    private final Standardization byteScaling;
    private final Shape input;

    /**
     * A judge with {@code classifier}, which takes one 28 x 28 image ({@code [28, 28]}, {@code [784]} or with unit
     * channel axes) and returns 10 class probabilities. {@code byteScaling} is the input scaling saved with the
     * classifier, applied to pixel bytes 0-255; null for a classifier that takes pixels in [0, 1] as
     * {@link dev.kiln.samples.mnist.MnistData} loads them.
     */
    public DigitJudge(Model classifier, Standardization byteScaling) {
        if (!classifier.isBuilt()) {
            classifier.build(Shape.of(SIDE, SIDE));
        }
        List<Shape> inputs = classifier.inputShapes();
        if (inputs.size() != 1 || !isDigitImage(inputs.get(0))) {
            throw new KilnException("the digit classifier takes inputs of shapes " + inputs + "; expected one input"
                    + " holding a 28 x 28 image: [28, 28], [784] or [28, 28, 1]");
        }
        List<Shape> outputs = classifier.outputShapes();
        if (outputs.size() != 1 || !outputs.get(0).equals(Shape.of(DIGITS))) {
            throw new KilnException("the digit classifier outputs " + outputs + "; expected one output of "
                    + DIGITS + " class probabilities, [10]");
        }
        if (byteScaling != null && byteScaling.columns() != PIXELS) {
            throw new KilnException("the digit classifier's input scaling has " + byteScaling.columns()
                    + " columns; expected one per pixel, " + PIXELS);
        }
        this.classifier = classifier;
        this.byteScaling = byteScaling;
        this.input = inputs.get(0);
    }

    /**
     * What the classifier made of a batch of generated digits.
     *
     * @param images number of images judged
     * @param confidence mean over the images of the largest class probability
     * @param classShares per digit 0-9, the fraction of images whose most probable class it is
     * @param labelAgreement the fraction of images classified as the digit requested for them; empty when no
     *                       digits were requested
     */
    public record Verdict(int images, double confidence, double[] classShares, OptionalDouble labelAgreement) {
        public Verdict {
            classShares = classShares.clone();
        }

        @Override
        public double[] classShares() {
            return classShares.clone();
        }
    }

    /** Judges 28 x 28 {@code images}. */
    public Verdict judge(GrayImages images) {
        checkSize(images);
        return tally(predict(images), null);
    }

    /** Judges 28 x 28 {@code images} and how many show the digit {@code requested} for each of them. */
    public Verdict judge(GrayImages images, int[] requested) {
        checkSize(images);
        if (requested.length != images.count()) {
            throw new KilnException(requested.length + " requested digits for " + images.count() + " images;"
                    + " expected one per image");
        }
        for (int i = 0; i < requested.length; i++) {
            if (requested[i] < 0 || requested[i] >= DIGITS) {
                throw new KilnException("the digit requested for image " + i + " is " + requested[i]
                        + "; expected 0 to 9");
            }
        }
        return tally(predict(images), requested);
    }

    /** The classifier's most probable digit for each image, with its probability. */
    private Prediction[] predict(GrayImages images) {
        double[] pixels = images.pixels();
        Prediction[] predictions = new Prediction[images.count()];
        for (int start = 0; start < images.count(); start += BATCH_SIZE) {
            int count = Math.min(BATCH_SIZE, images.count() - start);
            double[] batch = classifierInput(pixels, start, count, images.range());
            double[] probabilities;
            try (MemoryScope ignored = MemoryScope.open()) {
                Tensor x = Tensor.of(classifier.backend(), classifier.dtype(), input.prepend(count), batch);
                probabilities = classifier.predict(x).toDoubleArray();
            }
            for (int i = 0; i < count; i++) {
                double[] row = Arrays.copyOfRange(probabilities, i * DIGITS, (i + 1) * DIGITS);
                predictions[start + i] = Prediction.of(row, start + i);
            }
        }
        return predictions;
    }

    /** Images {@code start} to {@code start + count} rescaled from {@code range} to what the classifier takes. */
    private double[] classifierInput(double[] pixels, int start, int count, PixelRange range) {
        double[] batch = new double[count * PIXELS];
        for (int k = 0; k < batch.length; k++) {
            double unit = range.unit(pixels[start * PIXELS + k]);
            batch[k] = byteScaling == null ? unit : 255 * unit;
        }
        return byteScaling == null ? batch : byteScaling.apply(batch);
    }

    private static Verdict tally(Prediction[] predictions, int[] requested) {
        int n = predictions.length;
        double confidence = 0;
        int[] counts = new int[DIGITS];
        int agreeing = 0;
        for (int i = 0; i < n; i++) {
            confidence += predictions[i].probability();
            counts[predictions[i].digit()]++;
            if (requested != null && requested[i] == predictions[i].digit()) {
                agreeing++;
            }
        }
        double[] shares = Arrays.stream(counts).mapToDouble(c -> (double) c / n).toArray();
        return new Verdict(n, confidence / n, shares,
                requested == null ? OptionalDouble.empty() : OptionalDouble.of((double) agreeing / n));
    }

    /** One image's most probable digit (the first of equals) and its probability. */
    private record Prediction(int digit, double probability) {
        static Prediction of(double[] probabilities, int image) {
            int best = 0;
            double sum = 0;
            boolean probabilitiesOnly = true;
            for (int c = 0; c < probabilities.length; c++) {
                probabilitiesOnly &= probabilities[c] >= 0;
                sum += probabilities[c];
                if (probabilities[c] > probabilities[best]) {
                    best = c;
                }
            }
            if (!probabilitiesOnly || !(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
                throw new KilnException("the digit classifier's outputs for image " + image + " are "
                        + Arrays.toString(probabilities) + "; expected " + DIGITS + " probabilities summing to 1:"
                        + " does the model end in a softmax?");
            }
            return new Prediction(best, probabilities[best]);
        }
    }

    private static void checkSize(GrayImages images) {
        if (images.height() != SIDE || images.width() != SIDE) {
            throw new KilnException("the digit classifier judges 28 x 28 images; got " + images.height() + " x "
                    + images.width());
        }
    }

    /** Whether a sample shape holds one 28 x 28 gray image: [28, 28] or [784], unit axes aside. */
    private static boolean isDigitImage(Shape shape) {
        int[] dims = Arrays.stream(shape.dims()).filter(d -> d != 1).toArray();
        return Arrays.equals(dims, new int[] {SIDE, SIDE}) || Arrays.equals(dims, new int[] {PIXELS});
    }

    @Override
    public void close() {
        classifier.close();
    }
}

package dev.kiln.samples.gan;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.io.LoadedModel;
import dev.kiln.io.ModelFileException;
import dev.kiln.io.SavedModel;
import dev.kiln.samples.ModelStorage;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.samples.mnist.ImageMlp;
import dev.kiln.samples.mnist.ImageSample;
import dev.kiln.samples.mnist.MnistData;
import dev.kiln.tensor.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MNIST classifier that judges generated digits: one saved before (a model directory such as
 * {@code kiln train mnist-mlp --save-model DIR} writes), or the mnist-mlp sample's network trained here and saved
 * for later runs to load.
 */
public final class JudgeClassifier {
    /** Epochs of the mnist-mlp network on all 60,000 training images: test accuracy about 0.977 (0.973 after 3). */
    public static final int EPOCHS = 5;
    /** Below this test accuracy the classifier's verdicts on generated digits are too noisy to compare runs. */
    private static final double USEFUL_ACCURACY = 0.97;
    private static final Logger LOG = LoggerFactory.getLogger(JudgeClassifier.class);

    private JudgeClassifier() {
    }

    /**
     * A judge with the classifier saved in {@code directory}, loaded onto {@code backend}; it must take a 28 x 28
     * image and end in a 10-way softmax.
     */
    public static DigitJudge load(Path directory, Backend backend) {
        LoadedModel loaded;
        try {
            loaded = SavedModel.load(directory, backend);
        } catch (KilnException e) {
            throw notAClassifier(directory, e);
        }
        try {
            DigitJudge judge = new DigitJudge(loaded.model(), loaded.normalization());
            // one blank image shows now, not after a whole GAN training, whether the model ends in a softmax
            judge.judge(new GrayImages(new double[DigitJudge.SIDE * DigitJudge.SIDE], 1, DigitJudge.SIDE,
                    DigitJudge.SIDE, PixelRange.UNIT));
            LOG.info("judging generated digits with the classifier saved in {}", directory);
            return judge;
        } catch (KilnException e) {
            loaded.close();
            throw notAClassifier(directory, e);
        }
    }

    /**
     * Trains the mnist-mlp sample's network on all of {@code data}'s training images for {@code epochs} epochs
     * (initial weights and shuffling from {@code seed}), saves it into {@code directory}, and returns a judge with it.
     */
    public static DigitJudge train(Backend backend, MnistData data, int epochs, long seed, Path directory) {
        Shape image = data.train().featureShape();
        if (!image.equals(Shape.of(DigitJudge.SIDE, DigitJudge.SIDE)) || data.classes() != DigitJudge.DIGITS) {
            throw new KilnException("a digit classifier learns from 28 x 28 images of 10 classes; got images of "
                    + image + " in " + data.classes() + " classes");
        }
        TrainingSettings mlp = ImageSample.mnistMlp().defaults();
        LOG.info("training the mnist-mlp classifier ({} epochs) to judge generated digits", epochs);
        ImageClassifier.Result result = new ImageClassifier(new ImageMlp(128), 0, false).train(backend, data, epochs,
                mlp.batchSize(), mlp.learningRate(), seed, List.of(), new ModelStorage(directory, null, null));
        String accuracy = String.format(Locale.ROOT, "%.4f", result.test().metric("accuracy"));
        if (result.test().metric("accuracy") < USEFUL_ACCURACY) {
            LOG.warn("the classifier's test accuracy is {}, below {}: its verdicts on generated digits are noisy",
                    accuracy, USEFUL_ACCURACY);
        } else {
            LOG.info("classifier test accuracy {}", accuracy);
        }
        LOG.info("classifier saved to {}; pass --classifier {} to reuse it", directory, directory);
        return load(directory, backend);
    }

    private static KilnException notAClassifier(Path directory, KilnException cause) {
        String where = cause instanceof ModelFileException ? "" : directory + ": ";
        return new KilnException("cannot judge digits with the saved classifier: " + where + cause.getMessage()
                + "; expected an MNIST classifier such as kiln train mnist-mlp --save-model DIR saves", cause);
    }
}

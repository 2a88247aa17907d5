package dev.kiln.samples.gan;

import dev.kiln.backend.Backend;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Flatten;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import java.util.Arrays;

/** Small classifiers whose answers are known: each class is read off one pixel of the first image row. */
final class DigitModels {
    /** Weight from pixel (0, c) to class c: a lit pixel of value x gives class c the logit 10 x. */
    static final double GAIN = 10;

    private DigitModels() {
    }

    /** Flatten -> Dense(classes, activation) on images of side x side, class c reading pixel (0, c). */
    static Model pixelReader(Backend backend, int side, int classes, ActivationFunction activation) {
        Dense dense = new Dense(classes, activation);
        Model model = Sequential.on(backend, new Flatten(), dense);
        model.build(Shape.of(side, side));
        double[][] kernel = new double[side * side][classes];
        for (int c = 0; c < classes; c++) {
            kernel[c][c] = GAIN;
        }
        dense.setWeights("kernel", kernel);
        return model;
    }

    /** The MNIST-shaped softmax classifier of {@link #pixelReader}. */
    static Model digitReader(Backend backend) {
        return pixelReader(backend, DigitJudge.SIDE, DigitJudge.DIGITS, ActivationFunction.SOFTMAX);
    }

    /** 28 x 28 tanh images, black (-1) but for pixel (0, digit) at {@code value}. */
    static GrayImages digits(int[] digits, double value) {
        int area = DigitJudge.SIDE * DigitJudge.SIDE;
        double[] pixels = new double[digits.length * area];
        Arrays.fill(pixels, -1);
        for (int i = 0; i < digits.length; i++) {
            pixels[i * area + digits[i]] = value;
        }
        return new GrayImages(pixels, digits.length, DigitJudge.SIDE, DigitJudge.SIDE, PixelRange.TANH);
    }
}

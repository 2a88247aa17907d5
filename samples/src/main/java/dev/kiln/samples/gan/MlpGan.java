package dev.kiln.samples.gan;

import dev.kiln.backend.Backend;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Dropout;
import dev.kiln.layer.Embedding;
import dev.kiln.layer.Flatten;
import dev.kiln.layer.Input;
import dev.kiln.layer.LeakyReLU;
import dev.kiln.layer.Reshape;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Multilayer perceptrons: the generator maps noise through dense layers with leaky relu (slope 0.2) to 784 tanh
 * pixels reshaped to 28x28; the discriminator reads the flattened image through dense layers with leaky relu and
 * dropout to one sigmoid. Conditional, both also read the digit through an embedding of {@code labelFeatures},
 * joined to their first layer's input.
 *
 * @param noise noise features
 * @param generatorUnits units of the generator's hidden layers, in order
 * @param discriminatorUnits units of the discriminator's hidden layers, in order
 * @param conditional whether the label is a second input of both
 */
record MlpGan(int noise, List<Integer> generatorUnits, List<Integer> discriminatorUnits, boolean conditional)
        implements GanArchitecture {
    private static final double SLOPE = 0.2;
    private static final double DROPOUT = 0.3;
    private static final int LABEL_FEATURES = 16;

    MlpGan {
        generatorUnits = List.copyOf(generatorUnits);
        discriminatorUnits = List.copyOf(discriminatorUnits);
    }

    @Override
    public Shape imageShape() {
        return Shape.of(GanDigits.SIDE, GanDigits.SIDE);
    }

    @Override
    public Model generator(Backend backend, long seed) {
        SymbolicTensor z = Input.of("noise", noise);
        List<SymbolicTensor> inputs = new ArrayList<>(List.of(z));
        SymbolicTensor x = withLabel(z, inputs);
        for (int units : generatorUnits) {
            x = new LeakyReLU(SLOPE).call(new Dense(units).call(x));
        }
        SymbolicTensor pixels = new Dense(GanDigits.SIDE * GanDigits.SIDE, ActivationFunction.TANH).call(x);
        SymbolicTensor image = new Reshape(GanDigits.SIDE, GanDigits.SIDE).call(pixels);
        return Model.on(backend, inputs, List.of(image)).named("generator").seed(seed);
    }

    @Override
    public Model discriminator(Backend backend, long seed) {
        SymbolicTensor image = Input.of("image", imageShape());
        List<SymbolicTensor> inputs = new ArrayList<>(List.of(image));
        SymbolicTensor x = withLabel(new Flatten().call(image), inputs);
        for (int units : discriminatorUnits) {
            x = new Dropout(DROPOUT).call(new LeakyReLU(SLOPE).call(new Dense(units).call(x)));
        }
        SymbolicTensor real = new Dense(1, ActivationFunction.SIGMOID).call(x);
        return Model.on(backend, inputs, List.of(real)).named("discriminator").seed(seed);
    }

    /** {@code x}, joined to an embedding of a label input added to {@code inputs} when conditional. */
    private SymbolicTensor withLabel(SymbolicTensor x, List<SymbolicTensor> inputs) {
        if (!conditional) {
            return x;
        }
        SymbolicTensor label = Input.of("label", 1);
        inputs.add(label);
        SymbolicTensor code = new Flatten().call(new Embedding(GanDigits.CLASSES, LABEL_FEATURES).call(label));
        return new Concatenate(-1).call(x, code);
    }
}

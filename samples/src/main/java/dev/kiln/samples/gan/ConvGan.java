package dev.kiln.samples.gan;

import dev.kiln.backend.Backend;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Conv2D;
import dev.kiln.layer.Conv2DTranspose;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Dropout;
import dev.kiln.layer.Flatten;
import dev.kiln.layer.Input;
import dev.kiln.layer.LeakyReLU;
import dev.kiln.op.Padding2d;
import dev.kiln.layer.Reshape;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;
import java.util.List;

/**
 * A DCGAN (Radford et al., 2015) for 28x28 digits: the generator projects noise to 7x7 feature maps and doubles their
 * size twice with strided transposed convolutions, batch normalisation and leaky relu between them, tanh at the end;
 * the discriminator halves the size twice with strided convolutions, leaky relu and dropout (no batch normalisation,
 * so that its frozen copy in the generator's step behaves as in its own), then one sigmoid.
 *
 * @param noise noise features
 * @param filters feature maps of the generator's 7x7 projection, halved by its next layer; the discriminator's
 *     first layer has half of them, its second all
 */
record ConvGan(int noise, int filters) implements GanArchitecture {
    private static final double SLOPE = 0.2;
    private static final double DROPOUT = 0.3;
    private static final int QUARTER = GanDigits.SIDE / 4;

    @Override
    public Shape imageShape() {
        return Shape.of(GanDigits.SIDE, GanDigits.SIDE, 1);
    }

    @Override
    public boolean conditional() {
        return false;
    }

    @Override
    public Model generator(Backend backend, long seed) {
        SymbolicTensor z = Input.of("noise", noise);
        SymbolicTensor x = new Dense(QUARTER * QUARTER * filters).useBias(false).call(z);
        x = new LeakyReLU(SLOPE).call(new BatchNormalization().call(x));
        x = new Reshape(QUARTER, QUARTER, filters).call(x);
        x = new Conv2DTranspose(filters / 2, 4).strides(2).padding(Padding2d.SAME).useBias(false).call(x);
        x = new LeakyReLU(SLOPE).call(new BatchNormalization().call(x));
        SymbolicTensor image = new Conv2DTranspose(1, 4).strides(2).padding(Padding2d.SAME)
                .activation(ActivationFunction.TANH).call(x);
        return Model.on(backend, List.of(z), List.of(image)).named("generator").seed(seed);
    }

    @Override
    public Model discriminator(Backend backend, long seed) {
        SymbolicTensor image = Input.of("image", imageShape());
        SymbolicTensor x = new Conv2D(filters / 2, 4).strides(2).padding(Padding2d.SAME).call(image);
        x = new Dropout(DROPOUT).call(new LeakyReLU(SLOPE).call(x));
        x = new Conv2D(filters, 4).strides(2).padding(Padding2d.SAME).call(x);
        x = new Dropout(DROPOUT).call(new LeakyReLU(SLOPE).call(x));
        SymbolicTensor real = new Dense(1, ActivationFunction.SIGMOID).call(new Flatten().call(x));
        return Model.on(backend, List.of(image), List.of(real)).named("discriminator").seed(seed);
    }
}

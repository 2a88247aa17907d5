package dev.kiln.check.parity;

import dev.kiln.layer.Activation;
import dev.kiln.layer.AvgPool2D;
import dev.kiln.layer.Conv2D;
import dev.kiln.layer.Conv2DTranspose;
import dev.kiln.layer.GlobalAveragePooling2D;
import dev.kiln.layer.GlobalMaxPool2D;
import dev.kiln.layer.LeakyReLU;
import dev.kiln.layer.MaxPool2D;
import dev.kiln.layer.Reshape;
import dev.kiln.layer.UpSampling2D;
import dev.kiln.layer.ZeroPadding2D;
import dev.kiln.op.Padding2d;
import dev.kiln.layer.Add;
import dev.kiln.layer.Average;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Dropout;
import dev.kiln.layer.AdditiveAttention;
import dev.kiln.layer.Attention;
import dev.kiln.layer.TimeDistributed;
import dev.kiln.layer.SimpleRNN;
import dev.kiln.layer.RepeatVector;
import dev.kiln.layer.LSTM;
import dev.kiln.layer.GRU;
import dev.kiln.layer.Embedding;
import dev.kiln.layer.Bidirectional;
import dev.kiln.layer.Flatten;
import dev.kiln.layer.Multiply;
import dev.kiln.layer.Subtract;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/** Every layer under parity: forward, input gradient and every parameter gradient. */
public final class LayerCatalogue {
    private static final int BATCH = 9;
    private static final int FEATURES = 31;
    private static final int UNITS = 17;

    private LayerCatalogue() {
    }

    public static List<LayerSpec> all() {
        List<LayerSpec> specs = new ArrayList<>();
        Tolerances dense = Tolerances.accumulated(Math.max(FEATURES, BATCH), Tolerances.derivative(),
                "dense: dot products over features, kernel gradient over the batch");
        InputRange weights = InputRange.uniform(-0.5, 0.5);
        List<Input> kernelAndBias = List.of(new Input("kernel", FEATURES * UNITS, weights), new Input("bias", UNITS,
                weights));
        specs.add(new LayerSpec("layer.dense", () -> new Dense(UNITS), BATCH, Shape.of(FEATURES), UNITS,
                InputRange.uniform(-1, 1), kernelAndBias, dense));
        specs.add(new LayerSpec("layer.dense.no_bias", () -> new Dense(UNITS).useBias(false), BATCH, Shape.of(FEATURES),
                UNITS, InputRange.uniform(-1, 1), List.of(kernelAndBias.get(0)), dense));
        specs.add(new LayerSpec("layer.dense.tanh", () -> new Dense(UNITS, ActivationFunction.TANH), BATCH,
                Shape.of(FEATURES), UNITS, InputRange.uniform(-1, 1), kernelAndBias, dense));
        for (ActivationFunction function : ActivationFunction.values()) {
            boolean rowWise = function == ActivationFunction.SOFTMAX || function == ActivationFunction.LOG_SOFTMAX;
            Tolerances tolerances = rowWise
                    ? Tolerances.accumulated(UNITS, Tolerances.derivative(), "row sums of the softmax family")
                    : Tolerances.derivative();
            specs.add(new LayerSpec("layer.activation." + Labels.name(function), () -> new Activation(function), BATCH,
                    Shape.of(UNITS), UNITS, InputRange.avoiding(-3, 3, 0.05, 0), List.of(), tolerances));
        }
        specs.add(new LayerSpec("layer.leaky_re_lu", () -> new LeakyReLU(0.2), BATCH, Shape.of(UNITS), UNITS,
                InputRange.avoiding(-3, 3, 0.05, 0), List.of(), Tolerances.derivative()));
        specs.add(new LayerSpec("layer.flatten", Flatten::new, 2, Shape.of(3, 4, 5), 60, InputRange.uniform(-2, 2),
                List.of(), Tolerances.EXACT));
        specs.add(new LayerSpec("layer.dense.sequence", () -> new Dense(UNITS, ActivationFunction.TANH), 3,
                Shape.of(5, FEATURES), 5 * UNITS, InputRange.uniform(-1, 1), kernelAndBias, dense));
        List<Shape> three = List.of(Shape.of(4, 7), Shape.of(4, 7), Shape.of(4, 7));
        specs.add(new LayerSpec("layer.add", Add::new, BATCH, three, 28, InputRange.uniform(-2, 2), List.of(),
                Tolerances.elementwise()));
        specs.add(new LayerSpec("layer.subtract", Subtract::new, BATCH, three.subList(0, 2), 28,
                InputRange.uniform(-2, 2), List.of(), Tolerances.elementwise()));
        specs.add(new LayerSpec("layer.multiply", Multiply::new, BATCH, three, 28, InputRange.uniform(-2, 2),
                List.of(), Tolerances.elementwise()));
        specs.add(new LayerSpec("layer.average", Average::new, BATCH, three, 28, InputRange.uniform(-2, 2),
                List.of(), Tolerances.elementwise()));
        specs.add(new LayerSpec("layer.dropout", () -> new Dropout(0.4), BATCH, Shape.of(UNITS), UNITS,
                InputRange.uniform(-2, 2), List.of(), Tolerances.elementwise()));
        List<Input> gammaAndBeta = List.of(new Input("gamma", 7, InputRange.uniform(0.5, 1.5)),
                new Input("beta", 7, weights));
        specs.add(new LayerSpec("layer.batch_normalization", BatchNormalization::new, BATCH, Shape.of(5, 7), 35,
                InputRange.uniform(-2, 2), gammaAndBeta, Tolerances.accumulated(BATCH * 5, Tolerances.derivative(),
                "batch mean and variance over 45 rows")));
        specs.add(new LayerSpec("layer.batch_normalization.plain",
                () -> new BatchNormalization().center(false).scale(false), BATCH, Shape.of(UNITS), UNITS,
                InputRange.uniform(-2, 2), List.of(), Tolerances.accumulated(BATCH, Tolerances.derivative(),
                "batch mean and variance over the batch")));
        specs.add(new LayerSpec("layer.concatenate.last", Concatenate::new, BATCH,
                List.of(Shape.of(3, 5), Shape.of(3, 1), Shape.of(3, 7)), 39, InputRange.uniform(-2, 2), List.of(),
                Tolerances.EXACT));
        specs.add(new LayerSpec("layer.concatenate.first", () -> new Concatenate(0), 2,
                List.of(Shape.of(2, 5), Shape.of(3, 5)), 25, InputRange.uniform(-2, 2), List.of(), Tolerances.EXACT));
        specs.addAll(imageLayers(weights));
        specs.addAll(sequenceLayers(weights));
        return specs;
    }

    /** The convolution, pooling and image-shape layers, on small odd-sized images. */
    private static List<LayerSpec> imageLayers(InputRange weights) {
        List<LayerSpec> specs = new ArrayList<>();
        InputRange pixels = InputRange.uniform(-1, 1);
        specs.add(new LayerSpec("layer.conv2d.valid.one_channel", () -> new Conv2D(3, 3), 2, Shape.of(7, 7, 1), 75,
                pixels, List.of(new Input("kernel", 27, weights), new Input("bias", 3, weights)),
                Tolerances.accumulated(2 * 25, Tolerances.derivative(),
                        "conv2d: 9 taps per output, kernel gradient over 50 windows")));
        specs.add(new LayerSpec("layer.conv2d.same.stride2.tanh", () -> new Conv2D(4, 3).strides(2)
                .padding(Padding2d.SAME).activation(ActivationFunction.TANH), 2, Shape.of(6, 7, 3), 48, pixels,
                List.of(new Input("kernel", 108, weights), new Input("bias", 4, weights)),
                Tolerances.accumulated(27, Tolerances.derivative(), "conv2d: 27 terms per output and per gradient")));
        specs.add(new LayerSpec("layer.conv2d.dilation2", () -> new Conv2D(2, 3).dilation(2), 2, Shape.of(8, 7, 2), 24,
                pixels, List.of(new Input("kernel", 36, weights), new Input("bias", 2, weights)),
                Tolerances.accumulated(24, Tolerances.derivative(), "conv2d: 18 terms per output, 24 per gradient")));
        specs.add(new LayerSpec("layer.conv2d_transpose.same.stride2", () -> new Conv2DTranspose(3, 3).strides(2)
                .padding(Padding2d.SAME), 2, Shape.of(3, 4, 2), 144, pixels,
                List.of(new Input("kernel", 54, weights), new Input("bias", 3, weights)),
                Tolerances.accumulated(24, Tolerances.derivative(), "conv2d_transpose: up to 8 taps per output,"
                        + " kernel gradient over 24 pixels")));
        specs.add(new LayerSpec("layer.max_pool2d", () -> new MaxPool2D(2), 2, Shape.of(5, 7, 3), 18, pixels,
                List.of(), Tolerances.elementwise()));
        specs.add(new LayerSpec("layer.max_pool2d.same.stride2", () -> new MaxPool2D(3).strides(2)
                .padding(Padding2d.SAME), 2, Shape.of(5, 7, 3), 36, pixels, List.of(), Tolerances.elementwise()));
        specs.add(new LayerSpec("layer.avg_pool2d.same", () -> new AvgPool2D(2).padding(Padding2d.SAME), 2,
                Shape.of(5, 7, 3), 36, pixels, List.of(), Tolerances.accumulated(4, Tolerances.derivative(),
                "average of up to 4 pixels")));
        specs.add(new LayerSpec("layer.global_average_pooling2d", GlobalAveragePooling2D::new, 2, Shape.of(4, 5, 3),
                3, pixels, List.of(), Tolerances.accumulated(20, Tolerances.derivative(), "mean of 20 pixels")));
        specs.add(new LayerSpec("layer.global_max_pool2d", GlobalMaxPool2D::new, 2, Shape.of(4, 5, 3), 3, pixels,
                List.of(), Tolerances.elementwise()));
        specs.add(new LayerSpec("layer.up_sampling2d", () -> new UpSampling2D(2, 3), 2, Shape.of(3, 2, 2), 72, pixels,
                List.of(), Tolerances.accumulated(6, Tolerances.derivative(), "gradient sums 6 copies")));
        specs.add(new LayerSpec("layer.zero_padding2d", () -> new ZeroPadding2D(1, 2, 0, 1), 2, Shape.of(3, 4, 2), 60,
                pixels, List.of(), Tolerances.EXACT));
        specs.add(new LayerSpec("layer.reshape", () -> new Reshape(-1, 4, 1), 3, Shape.of(3, 4), 12, pixels,
                List.of(), Tolerances.EXACT));
        return specs;
    }

    /** The sequence layers: 3 sequences of 4 steps of 6 features, 5 units. */
    private static List<LayerSpec> sequenceLayers(InputRange weights) {
        List<LayerSpec> specs = new ArrayList<>();
        int steps = 4;
        int features = 6;
        int units = 5;
        Shape sequence = Shape.of(steps, features);
        InputRange values = InputRange.uniform(-1, 1);
        Tolerances recurrent = Tolerances.accumulated((long) steps * (features + units), Tolerances.derivative(),
                "gates sum over features and units, and errors carry through 4 steps");
        specs.add(new LayerSpec("layer.embedding", () -> new Embedding(10, units), 3, Shape.of(steps),
                steps * units, InputRange.integers(0, 9), List.of(new Input("embeddings", 10 * units, weights)),
                Tolerances.orderedSum(3 * steps, "repeated ids sum their gradients")));
        specs.add(new LayerSpec("layer.simple_rnn.sequence", () -> new SimpleRNN(units).returnSequences(true), 3,
                sequence, steps * units, values, recurrentWeights(features, units, 1, units, weights), recurrent));
        specs.add(new LayerSpec("layer.lstm", () -> new LSTM(units), 3, sequence, units, values,
                recurrentWeights(features, units, 4, 4 * units, weights), recurrent));
        specs.add(new LayerSpec("layer.lstm.initial_state.sequence", () -> new LSTM(units).returnSequences(true), 3,
                List.of(sequence, Shape.of(units), Shape.of(units)), steps * units, values,
                recurrentWeights(features, units, 4, 4 * units, weights), recurrent));
        specs.add(new LayerSpec("layer.gru.backwards.sequence", () -> new GRU(units).goBackwards(true)
                .returnSequences(true), 3, sequence, steps * units, values,
                recurrentWeights(features, units, 3, 6 * units, weights), recurrent));
        specs.add(new LayerSpec("layer.gru.reset_before", () -> new GRU(units).resetAfter(false), 3,
                List.of(sequence, Shape.of(units)), units, values,
                recurrentWeights(features, units, 3, 3 * units, weights), recurrent));
        List<Input> both = new ArrayList<>(recurrentWeights(features, 3, 4, 12, weights));
        both.addAll(recurrentWeights(features, 3, 4, 12, weights));
        specs.add(new LayerSpec("layer.bidirectional.lstm", () -> new Bidirectional(new LSTM(3).returnSequences(true)),
                3, sequence, steps * 6, values, both, recurrent));
        specs.add(new LayerSpec("layer.time_distributed.dense", () -> new TimeDistributed(new Dense(3)), 3, sequence,
                steps * 3, values, List.of(new Input("kernel", features * 3, weights), new Input("bias", 3, weights)),
                Tolerances.accumulated(3L * steps * features, Tolerances.derivative(),
                        "dot products over features, kernel gradient over batch and steps")));
        specs.add(new LayerSpec("layer.repeat_vector", () -> new RepeatVector(3), 3, Shape.of(units), 3 * units,
                values, List.of(), Tolerances.orderedSum(3, "the input's gradient sums the 3 copies")));
        List<Shape> attention = List.of(Shape.of(3, features), Shape.of(steps, features), Shape.of(steps, features));
        Tolerances attended = Tolerances.accumulated((long) features * steps, Tolerances.derivative(),
                "scores sum over the dim, the context over the value steps");
        specs.add(new LayerSpec("layer.attention.scaled.causal", () -> new Attention().useScale(true).causal(true), 3,
                attention, 3 * features, values, List.of(new Input("scale", 1, InputRange.uniform(0.5, 1.5))),
                attended));
        specs.add(new LayerSpec("layer.additive_attention", AdditiveAttention::new, 3, attention, 3 * features,
                values, List.of(new Input("scale", features, weights)), attended));
        return specs;
    }

    /** A recurrent layer's kernel, recurrent kernel and bias of {@code biasLength} values. */
    private static List<Input> recurrentWeights(int features, int units, int gates, int biasLength, InputRange range) {
        return List.of(new Input("kernel", features * gates * units, range),
                new Input("recurrent_kernel", units * gates * units, range), new Input("bias", biasLength, range));
    }
}

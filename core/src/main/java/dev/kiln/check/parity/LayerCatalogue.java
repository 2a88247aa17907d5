package dev.kiln.check.parity;

import dev.kiln.layer.Activation;
import dev.kiln.layer.Add;
import dev.kiln.layer.Average;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Dropout;
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
        return specs;
    }
}

package dev.kiln.check.parity;

import dev.kiln.KilnException;
import dev.kiln.backend.Buffer;
import dev.kiln.layer.Layer;
import dev.kiln.layer.ParameterFactory;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A layer under parity: its forward output, the gradient of its input and of every parameter for a random
 * cotangent, with the input, the cotangent and every parameter drawn on the host (not by initializers) so that
 * both sides start from the same numbers.
 *
 * @param name report name ("layer.dense")
 * @param layer makes a fresh, unbuilt layer
 * @param batch samples in the batch
 * @param sample per-sample input shape
 * @param outputSize elements of one output sample
 * @param input range of the input values
 * @param parameters the layer's parameters in creation order, each with its length and range
 * @param tolerances how close the outputs must agree
 */
public record LayerSpec(String name, Supplier<Layer> layer, int batch, Shape sample, int outputSize, Sampler input,
                        List<Input> parameters, Tolerances tolerances) {
    public LayerSpec {
        parameters = List.copyOf(parameters);
    }

    /** The spec as a one-case op spec the {@link ParityRunner} runs. */
    public OpSpec toOpSpec() {
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input("x", batch * Math.toIntExact(sample.size()), input));
        inputs.add(new Input("cotangent", batch * outputSize, InputRange.uniform(-1, 1)));
        inputs.addAll(parameters);
        String shape = batch + "x" + Labels.shape(sample.dims());
        return new OpSpec(name, List.of(), List.of(new OpCase(shape, true, inputs, tolerances, this::execute)));
    }

    private List<Output> execute(Invocation call, List<Buffer> in) {
        try (MemoryScope scope = MemoryScope.open(); Layer built = layer.get()) {
            built.build(sample, new ParameterFactory(call.backend(), call.dtype(), 0));
            List<Tensor> weights = built.parameters();
            if (weights.size() != parameters.size()) {
                throw new KilnException(name + " has " + weights.size() + " parameters, the spec declares "
                        + parameters.size());
            }
            for (int i = 0; i < weights.size(); i++) {
                Tensor weight = weights.get(i);
                if (weight.size() != parameters.get(i).length()) {
                    throw new KilnException(name + " parameter " + weight.name() + " has " + weight.size()
                            + " elements, the spec declares " + parameters.get(i).length());
                }
                call.backend().copy(in.get(2 + i), 0, weight.buffer(), 0, weight.size());
            }
            Tensor x = Tensor.of(call.backend(), call.dtype(), sample.prepend(batch), call.download(in.get(0)))
                    .requiresGrad(true);
            Tensor y = built.forward(x, true);
            Tensor cotangent = Tensor.of(call.backend(), call.dtype(), y.shape(), call.download(in.get(1)));
            Ops.sum(Ops.mul(y, cotangent)).backward();
            List<Output> outputs = new ArrayList<>();
            outputs.add(new Output("out", y.toDoubleArray()));
            outputs.add(new Output("gradInput", x.grad().toDoubleArray()));
            for (Tensor weight : weights) {
                outputs.add(new Output("grad " + weight.name(), weight.grad().toDoubleArray()));
            }
            return outputs;
        }
    }
}

package dev.kiln.check.parity;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Buffer;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.Layer;
import dev.kiln.layer.ParameterFactory;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A layer under parity: its forward output, the gradient of its input and of every parameter for a random
 * cotangent, with the input, the cotangent and every parameter drawn on the host (not by initializers) so that
 * both sides start from the same numbers.
 *
 * @param name report name ("layer.dense")
 * @param layer makes a fresh, unbuilt layer
 * @param batch samples in the batch
 * @param samples per-sample shape of each input
 * @param outputSize elements of one output sample
 * @param input range of the input values
 * @param parameters the layer's parameters in creation order, each with its length and range
 * @param tolerances how close the outputs must agree
 */
public record LayerSpec(String name, Supplier<Layer> layer, int batch, List<Shape> samples, int outputSize,
                        Sampler input, List<Input> parameters, Tolerances tolerances) {
    public LayerSpec {
        samples = List.copyOf(samples);
        parameters = List.copyOf(parameters);
    }

    /** A spec of a layer with one input of per-sample shape {@code sample}. */
    public LayerSpec(String name, Supplier<Layer> layer, int batch, Shape sample, int outputSize, Sampler input,
                     List<Input> parameters, Tolerances tolerances) {
        this(name, layer, batch, List.of(sample), outputSize, input, parameters, tolerances);
    }

    /** The spec as a one-case op spec the {@link ParityRunner} runs. */
    public OpSpec toOpSpec() {
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input("cotangent", batch * outputSize, InputRange.uniform(-1, 1)));
        for (int i = 0; i < samples.size(); i++) {
            inputs.add(new Input(samples.size() == 1 ? "x" : "x" + i, batch * Math.toIntExact(samples.get(i).size()),
                    input));
        }
        inputs.addAll(parameters);
        String shape = samples.stream().map(s -> batch + "x" + Labels.shape(s.dims())).collect(Collectors.joining("+"));
        return new OpSpec(name, List.of(), List.of(new OpCase(shape, true, inputs, tolerances, this::execute)));
    }

    private List<Output> execute(Invocation call, List<Buffer> in) {
        try (MemoryScope scope = MemoryScope.open(); Layer built = layer.get()) {
            built.build(samples, new ParameterFactory(call.backend(), call.dtype(), 0));
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
                call.backend().copy(in.get(1 + samples.size() + i), 0, weight.buffer(), 0, weight.size());
            }
            List<Tensor> xs = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                xs.add(Tensor.of(call.backend(), call.dtype(), samples.get(i).prepend(batch), call.download(in.get(1 + i)))
                        .requiresGrad(true));
            }
            Tensor y = built.forward(xs, ForwardContext.training(0, 0));
            Tensor cotangent = Tensor.of(call.backend(), call.dtype(), y.shape(), call.download(in.get(0)));
            Autograd.backward(Ops.sum(Ops.mul(y, cotangent)));
            List<Output> outputs = new ArrayList<>();
            outputs.add(new Output("out", y.toDoubleArray()));
            for (int i = 0; i < xs.size(); i++) {
                if (xs.get(i).grad() != null) { // ids (an Embedding's) have none
                    outputs.add(new Output(xs.size() == 1 ? "gradInput" : "gradInput" + i,
                            xs.get(i).grad().toDoubleArray()));
                }
            }
            for (Tensor weight : weights) {
                outputs.add(new Output("grad " + weight.name(), weight.grad().toDoubleArray()));
            }
            return outputs;
        }
    }
}

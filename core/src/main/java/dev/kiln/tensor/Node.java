package dev.kiln.tensor;

import java.util.List;

/**
 * One recorded operation of the define-by-run graph.
 *
 * @param op operation name, for error messages
 * @param inputs the tensors the operation read
 * @param rule how to turn the output gradient into input gradients
 */
public record Node(String op, List<Tensor> inputs, BackwardRule rule) {
    public Node {
        inputs = List.copyOf(inputs);
    }
}

package dev.kiln.autograd;

import dev.kiln.KilnException;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reverse-mode differentiation over the recorded graph, iterative so that deep graphs cannot overflow the stack. */
public final class Autograd {
    private Autograd() {
    }

    /** Back-propagates from a one-element {@code root}, accumulating into the gradients of leaves. */
    public static void backward(Tensor root) {
        if (root.size() != 1) {
            throw new KilnException("backward() needs a one-element tensor (a loss), got shape " + root.shape());
        }
        if (!root.requiresGrad()) {
            throw new KilnException("backward() on a tensor that does not require grad: no input of the loss"
                    + " requires grad, or it was computed with gradients disabled");
        }
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        try (GradMode.Restore ignored = GradMode.disabled()) {
            grads.put(root, Tensor.full(root.backend(), root.dtype(), root.shape(), 1.0));
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                Node node = t.node();
                if (node == null) {
                    t.accumulateGrad(g);
                    continue;
                }
                Tensor[] inputGrads = node.rule().apply(g);
                List<Tensor> inputs = node.inputs();
                for (int k = 0; k < inputs.size(); k++) {
                    Tensor input = inputs.get(k);
                    Tensor gi = inputGrads[k];
                    if (gi == null || !input.requiresGrad()) {
                        continue;
                    }
                    if (!gi.shape().equals(input.shape())) {
                        throw new KilnException("backward of '" + node.op() + "' gave a gradient of shape "
                                + gi.shape() + " for input " + k + " of shape " + input.shape());
                    }
                    grads.merge(input, gi, Autograd::sum);
                }
            }
        }
    }

    private static Tensor sum(Tensor a, Tensor b) {
        Tensor out = Tensor.empty(a.backend(), a.dtype(), a.shape());
        a.backend().binary(BinaryOp.ADD, Broadcast.same(a.size()), a.buffer(), b.buffer(), out.buffer());
        return out;
    }

    /** Tensors reachable from root that require grad, each after all of its inputs. */
    static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> stack = new ArrayDeque<>();
        Deque<Integer> nextInput = new ArrayDeque<>();
        stack.push(root);
        nextInput.push(0);
        visited.add(root);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int k = nextInput.pop();
            List<Tensor> inputs = t.node() == null ? List.of() : t.node().inputs();
            if (k < inputs.size()) {
                nextInput.push(k + 1);
                Tensor input = inputs.get(k);
                if (input.requiresGrad() && visited.add(input)) {
                    stack.push(input);
                    nextInput.push(0);
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}

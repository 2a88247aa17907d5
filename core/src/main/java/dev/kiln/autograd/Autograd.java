package dev.kiln.autograd;

import dev.kiln.KilnException;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.tensor.Node;
import dev.kiln.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Reverse-mode differentiation over the recorded graph, iterative so that deep graphs cannot overflow the stack. */
public final class Autograd {
    private Autograd() {
    }

    /** Back-propagates from a one-element {@code root}, accumulating into the gradients of leaves. */
    public static void backward(Tensor root) {
        if (root.size() != 1) {
            throw new KilnException("backward() needs a one-element tensor (a loss), got shape " + root.shape()
                    + "; pass the upstream gradient with backward(gradient) for other shapes");
        }
        checkRequiresGrad(root);
        propagate(root, () -> Tensor.full(root.backend(), root.dtype(), root.shape(), 1.0), null);
    }

    /**
     * Back-propagates the upstream {@code gradient} of {@code root} (same shape), accumulating into the gradients
     * of leaves: every leaf gets gradient · d(root)/d(leaf).
     */
    public static void backward(Tensor root, Tensor gradient) {
        checkRequiresGrad(root);
        checkUpstream("backward(gradient)", root, gradient);
        propagate(root, () -> gradient, null);
    }

    private static void checkUpstream(String call, Tensor root, Tensor gradient) {
        if (!gradient.shape().equals(root.shape()) || gradient.dtype() != root.dtype()
                || gradient.backend() != root.backend()) {
            throw new KilnException(call + ": the gradient must match the tensor, " + root.shape() + " "
                    + root.dtype() + ", got " + gradient.shape() + " " + gradient.dtype()
                    + (gradient.backend() != root.backend() ? " on another backend" : ""));
        }
    }

    /**
     * Sets the gradient of each of {@code parameters} to d(loss)/d(parameter) for a one-element {@code loss},
     * replacing what it held, and touches no other tensor's gradient: the step of a custom training loop, followed
     * by {@code optimizer.step(parameters)}. A parameter the loss does not depend on (or a frozen one) gets zeros
     * when it already had a gradient buffer, and none otherwise.
     */
    public static void gradients(Tensor loss, List<Tensor> parameters) {
        gradients(loss, parameters, () -> Tensor.full(loss.backend(), loss.dtype(), loss.shape(), 1.0));
    }

    /**
     * As {@link #gradients(Tensor, List)}, seeded with {@code upstream}, the loss's own gradient (of the loss's
     * shape, dtype and backend; 1 gives d(loss)/d(parameter)), which the backward pass reads and never writes: a
     * training loop keeps one such tensor of ones instead of filling a new one every step.
     */
    public static void gradients(Tensor loss, List<Tensor> parameters, Tensor upstream) {
        checkUpstream("gradients(upstream)", loss, upstream);
        gradients(loss, parameters, () -> upstream);
    }

    private static void gradients(Tensor loss, List<Tensor> parameters, Supplier<Tensor> seed) {
        if (loss.size() != 1) {
            throw new KilnException("gradients() needs a one-element tensor (a loss), got shape " + loss.shape());
        }
        Set<Tensor> targets = Collections.newSetFromMap(new IdentityHashMap<>());
        targets.addAll(parameters);
        for (Tensor p : parameters) {
            if (p.node() != null) {
                throw new KilnException("gradients() is taken with respect to leaves (parameters), but "
                        + p + " was computed by '" + p.node().op() + "'");
            }
            p.zeroGrad();
        }
        if (loss.requiresGrad()) {
            propagate(loss, seed, targets);
        }
    }

    private static void checkRequiresGrad(Tensor root) {
        if (!root.requiresGrad()) {
            throw new KilnException("backward() on a tensor that does not require grad: no input of the loss"
                    + " requires grad, or it was computed with gradients disabled");
        }
    }

    /** Reverse sweep from root; with {@code targets}, only paths to those leaves are followed and only they accumulate. */
    private static void propagate(Tensor root, Supplier<Tensor> seed, Set<Tensor> targets) {
        List<Tensor> order = topologicalOrder(root);
        Set<Tensor> needed = targets == null ? null : leadingTo(order, targets);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        // Gradients made in this sweep that nothing else holds: a leaf takes such a gradient instead of a copy.
        Set<Tensor> ownGradients = Collections.newSetFromMap(new IdentityHashMap<>());
        try (GradMode.Restore ignored = GradMode.disabled()) {
            grads.put(root, seed.get());
            long sweep = Tensor.nextCreation();
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                Node node = t.node();
                if (node == null) {
                    t.accumulateGrad(g, ownGradients.remove(g));
                    continue;
                }
                Tensor[] inputGrads = node.rule().apply(g);
                List<Tensor> inputs = node.inputs();
                for (int k = 0; k < inputs.size(); k++) {
                    Tensor input = inputs.get(k);
                    Tensor gi = inputGrads[k];
                    if (gi == null || !input.requiresGrad() || (needed != null && !needed.contains(input))) {
                        continue;
                    }
                    if (!gi.shape().equals(input.shape())) {
                        throw new KilnException("backward of '" + node.op() + "' gave a gradient of shape "
                                + gi.shape() + " for input " + k + " of shape " + input.shape());
                    }
                    Tensor earlier = grads.get(input);
                    Tensor merged = earlier == null ? gi : sum(earlier, gi);
                    grads.put(input, merged);
                    if (earlier != null) {
                        ownGradients.remove(earlier);
                    }
                    if (earlier != null || madeBy(gi, g, inputGrads, k, sweep)) {
                        ownGradients.add(merged);
                    }
                }
            }
        }
    }

    /**
     * Whether {@code gi}, the gradient a rule gave its input {@code k} from {@code incoming}, is a tensor of its own
     * that the rule made in this sweep: not the incoming gradient passed through, not a view, not a tensor from before
     * the sweep (a rule's saved state), and sharing its buffer with no other gradient of the same rule. (An incoming
     * gradient passed on unchanged stays as takeable as it was: the first leaf to receive it may take it, and any
     * other leaf receiving it copies it.)
     */
    private static boolean madeBy(Tensor gi, Tensor incoming, Tensor[] inputGrads, int k, long sweep) {
        if (gi.creation() < sweep || !gi.ownsBuffer() || gi.buffer() == incoming.buffer()) {
            return false;
        }
        for (int j = 0; j < inputGrads.length; j++) {
            if (j != k && inputGrads[j] != null && inputGrads[j].buffer() == gi.buffer()) {
                return false;
            }
        }
        return true;
    }

    /** The tensors of {@code order} (inputs before users) from which a target can be reached, targets included. */
    private static Set<Tensor> leadingTo(List<Tensor> order, Set<Tensor> targets) {
        Set<Tensor> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : order) {
            if (t.node() == null ? targets.contains(t) : t.node().inputs().stream().anyMatch(needed::contains)) {
                needed.add(t);
            }
        }
        return needed;
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

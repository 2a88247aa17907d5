package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * Writes into existing tensors: what layers' state updates, initializers and training utilities need without
 * reaching for a backend. Nothing here is recorded for autograd.
 */
public final class InPlaceOps {
    private InPlaceOps() {
    }

    /** target = source, element by element; same shape, backend and dtype. */
    public static void assign(Tensor target, Tensor source) {
        Ops.checkCompatible("assign", target, source);
        if (!target.shape().equals(source.shape())) {
            throw new KilnException("assign: cannot write a tensor of shape " + source.shape() + " into one of shape "
                    + target.shape());
        }
        target.backend().copy(source.buffer(), 0, target.buffer(), 0, target.size());
    }

    /** target[offset + i] = source[i] for every element of source (flat, row-major); same backend and dtype. */
    public static void assign(Tensor target, long offset, Tensor source) {
        Ops.checkCompatible("assign", target, source);
        if (offset < 0 || offset + source.size() > target.size()) {
            throw new KilnException("assign: " + source.size() + " values at offset " + offset
                    + " do not fit a tensor of " + target.size() + " elements");
        }
        target.backend().copy(source.buffer(), 0, target.buffer(), offset, source.size());
    }

    /** target = target + source element-wise; same number of elements, backend and dtype. */
    public static void addInto(Tensor target, Tensor source) {
        Ops.checkCompatible("add_into", target, source);
        if (target.size() != source.size()) {
            throw new KilnException("add_into: cannot add " + source.size() + " values into a tensor of "
                    + target.size());
        }
        target.backend().binary(BinaryOp.ADD, Broadcast.same(target.size()), target.buffer(), source.buffer(),
                target.buffer());
    }

    /**
     * total += how many rows of predictions [n, classes] put their largest value on the class their label names:
     * the largest of one-hot (or soft) targets [n, classes], or an I32 class index ([n] or [n, 1]); one device call
     * (see {@link dev.kiln.backend.Backend#addArgmaxMatches}). total is a one-element tensor of the predictions'
     * backend and dtype.
     */
    public static void addArgmaxMatches(Tensor total, Tensor predictions, Tensor labels) {
        Ops.checkCompatible("add_argmax_matches", total, predictions);
        if (predictions.rank() != 2 || total.size() != 1) {
            throw new KilnException("add_argmax_matches: expected predictions [n, classes] and a one-element total,"
                    + " got " + predictions.shape() + " and " + total.shape());
        }
        int rows = predictions.shape().dim(0);
        int cols = predictions.shape().dim(1);
        predictions.backend().addArgmaxMatches(rows, cols, predictions.buffer(), labels.buffer(),
                labels.dtype() == DType.I32, total.buffer());
    }

    /** target = value everywhere. */
    public static void fill(Tensor target, double value) {
        target.backend().fill(target.buffer(), value);
    }

    /**
     * target = counter-based random numbers of {@code distribution} with parameters a and b (see
     * {@link Distribution}); a seed gives the same numbers on every backend.
     */
    public static void random(Tensor target, Distribution distribution, long seed, double a, double b) {
        target.backend().random(distribution, seed, 0, a, b, target.buffer());
    }

    /** x = min(max(x, low), high) element-wise, in place. */
    public static void clip(Tensor x, double low, double high) {
        if (!(low <= high)) {
            throw new KilnException("clip: low " + low + " must not exceed high " + high);
        }
        x.backend().unary(UnaryOp.CLIP, low, high, x.buffer(), x.buffer());
    }

    /** x = x * factor in place, for a one-element {@code factor} on x's backend (a scale computed on the device). */
    public static void scale(Tensor x, Tensor factor) {
        Ops.checkCompatible("scale", x, factor);
        if (factor.size() != 1) {
            throw new KilnException("scale: the factor must have one element, got shape " + factor.shape());
        }
        Broadcast byScalar = new Broadcast(1, 1, Math.toIntExact(x.size()), Broadcast.ALL,
                Broadcast.OUTER | Broadcast.MIDDLE);
        x.backend().binary(BinaryOp.MUL, byScalar, x.buffer(), factor.buffer(), x.buffer());
    }

    /** One fused optimizer step of {@code rule} on {@code parameter} from its gradient, updating {@code states}. */
    public static void update(UpdateRule rule, UpdateParameters hyper, Tensor parameter, Tensor gradient,
                              Tensor... states) {
        Ops.checkCompatible("update", parameter, gradient);
        Buffer[] buffers = new Buffer[states.length];
        for (int i = 0; i < states.length; i++) {
            Ops.checkCompatible("update", parameter, states[i]);
            buffers[i] = states[i].buffer();
        }
        parameter.backend().update(rule, hyper, parameter.buffer(), gradient.buffer(), buffers);
    }

    /**
     * One fused optimizer step of {@code rule} on each parameter from its gradient, updating its states, in as few
     * backend calls as the backend allows; every tensor on one backend with one dtype.
     */
    public static void updateGroup(UpdateRule rule, UpdateParameters hyper, List<Tensor> parameters,
                                   List<Tensor> gradients, List<Tensor[]> states) {
        int count = parameters.size();
        Buffer[] params = new Buffer[count];
        Buffer[] grads = new Buffer[count];
        Buffer[][] stateBuffers = new Buffer[count][];
        for (int i = 0; i < count; i++) {
            Tensor parameter = parameters.get(i);
            Ops.checkCompatible("update", parameters.get(0), parameter);
            Ops.checkCompatible("update", parameter, gradients.get(i));
            params[i] = parameter.buffer();
            grads[i] = gradients.get(i).buffer();
            Tensor[] own = states.get(i);
            stateBuffers[i] = new Buffer[own.length];
            for (int s = 0; s < own.length; s++) {
                Ops.checkCompatible("update", parameter, own[s]);
                stateBuffers[i][s] = own[s].buffer();
            }
        }
        if (count > 0) {
            parameters.get(0).backend().updateGroup(rule, hyper, params, grads, stateBuffers);
        }
    }

    /** A new tensor of shape {@code shape} like {@code like} (backend, dtype) holding 1 with probability keep, else 0. */
    public static Tensor bernoulli(Tensor like, Shape shape, double keep, long seed) {
        if (!(keep >= 0 && keep <= 1)) {
            throw new KilnException("bernoulli: keep probability must lie in [0, 1], got " + keep);
        }
        Tensor mask = Tensor.empty(like.backend(), like.dtype(), shape);
        random(mask, Distribution.BERNOULLI, seed, keep, 0);
        return mask;
    }
}

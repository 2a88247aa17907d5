package dev.kiln.check;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Compares back-propagated gradients with central finite differences in F64. The function under test is
 * reduced to a scalar with a fixed random cotangent, L = sum(f * c), so every output element is checked;
 * each input element d L / d x is estimated as (L(x + eps) - L(x - eps)) / (2 eps). Use it to check a custom
 * op or layer: build it in F64, pass a function that recomputes the output from the current values of the
 * tensors to check (leaves, e.g. an input and the layer's parameters), and call {@link Result#requirePassed()}.
 */
public final class GradientCheck {
    private final Options options;

    public GradientCheck(Options options) {
        this.options = options;
    }

    /** A check with the default options. */
    public static GradientCheck withDefaults() {
        return new GradientCheck(Options.DEFAULTS);
    }

    /**
     * Settings of a check.
     *
     * @param epsilon finite-difference step
     * @param relativeTolerance largest accepted |analytic - numeric| / max(|analytic|, |numeric|)
     * @param absoluteFloor differences at or below this pass whatever their relative size
     * @param maxElementsPerTensor elements checked per tensor; larger tensors are sampled
     * @param seed seed of the cotangent and the sampling
     */
    public record Options(double epsilon, double relativeTolerance, double absoluteFloor,
                          int maxElementsPerTensor, long seed) {
        public static final Options DEFAULTS = new Options(1e-6, 1e-5, 1e-8, 64, 42);

        public Options {
            if (!(epsilon > 0) || !(relativeTolerance > 0) || absoluteFloor < 0 || maxElementsPerTensor < 1) {
                throw new IllegalArgumentException("invalid gradient-check options: " + epsilon + ", "
                        + relativeTolerance + ", " + absoluteFloor + ", " + maxElementsPerTensor);
            }
        }
    }

    /**
     * One mismatch or the worst agreement of a tensor.
     *
     * @param tensor position of the tensor in the checked list
     * @param name the tensor's name, if any
     * @param index element index
     * @param analytic back-propagated gradient
     * @param numeric finite-difference estimate
     */
    public record Element(int tensor, String name, long index, double analytic, double numeric) {
        public double absoluteError() {
            return Math.abs(analytic - numeric);
        }

        public double relativeError() {
            double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
            return scale == 0 ? 0 : absoluteError() / scale;
        }
    }

    /**
     * Outcome of a check.
     *
     * @param checked number of elements compared
     * @param worst the element with the largest relative error among those above the absolute floor (or the
     *     largest absolute error when all are below it)
     * @param failures elements outside the tolerance
     */
    public record Result(int checked, Element worst, List<Element> failures) {
        public boolean passed() {
            return failures.isEmpty();
        }

        /** Throws a {@link KilnException} describing the first failures unless the check passed. */
        public Result requirePassed() {
            if (!passed()) {
                StringBuilder message = new StringBuilder("gradient check failed for " + failures.size() + " of "
                        + checked + " elements:");
                failures.stream().limit(5).forEach(e -> message.append(String.format(
                        "%n  tensor %d%s [%d]: analytic %.10g, numeric %.10g (abs %.3g, rel %.3g)",
                        e.tensor(), e.name() == null ? "" : " '" + e.name() + "'", e.index(), e.analytic(),
                        e.numeric(), e.absoluteError(), e.relativeError())));
                throw new KilnException(message.toString());
            }
            return this;
        }
    }

    /**
     * Checks d sum(f * c) / d t for every tensor t in {@code wrt}: F64 leaves the function reads. The tensors'
     * values are restored afterwards; their accumulated gradients are cleared.
     */
    public Result check(Supplier<Tensor> function, List<Tensor> wrt) {
        if (wrt.isEmpty()) {
            throw new KilnException("gradient check needs at least one tensor to differentiate against");
        }
        Backend backend = wrt.get(0).backend();
        for (Tensor t : wrt) {
            if (t.dtype() != DType.F64) {
                throw new KilnException("gradient check needs F64 tensors (finite differences in F32 are too noisy);"
                        + " got " + t.dtype() + " for " + t);
            }
            if (t.node() != null) {
                throw new KilnException("gradient check differentiates against leaves; " + t + " was computed by '"
                        + t.node().op() + "'");
            }
        }
        List<Boolean> previous = new ArrayList<>();
        for (Tensor t : wrt) {
            previous.add(t.requiresGrad());
            t.zeroGrad();
            t.requiresGrad(true);
        }
        Tensor cotangent = null;
        try {
            try (MemoryScope ignored = MemoryScope.open()) {
                Tensor out = function.get();
                cotangent = Tensor.empty(backend, DType.F64, out.shape()).keep();
                backend.random(Distribution.UNIFORM, options.seed(), 0, 0.5, 1.5, cotangent.buffer());
                Autograd.backward(Ops.sum(Ops.mul(out, cotangent)));
            }
            List<Element> failures = new ArrayList<>();
            Element worst = null;
            int checked = 0;
            SplittableRandom random = new SplittableRandom(options.seed());
            for (int ti = 0; ti < wrt.size(); ti++) {
                Tensor t = wrt.get(ti);
                double[] analytic = t.grad() == null ? new double[(int) t.size()] : t.grad().toDoubleArray();
                double[] values = t.toDoubleArray();
                for (long index : sampledIndices(values.length, random)) {
                    double numeric = numericDerivative(function, cotangent, t, values, (int) index);
                    Element e = new Element(ti, t.name(), index, analytic[(int) index], numeric);
                    checked++;
                    boolean ok = e.absoluteError() <= options.absoluteFloor()
                            || e.relativeError() <= options.relativeTolerance();
                    if (!ok) {
                        failures.add(e);
                    }
                    if (worst == null || isWorse(e, worst)) {
                        worst = e;
                    }
                }
            }
            return new Result(checked, worst, List.copyOf(failures));
        } finally {
            if (cotangent != null) {
                cotangent.close();
            }
            for (int i = 0; i < wrt.size(); i++) {
                wrt.get(i).zeroGrad();
                wrt.get(i).requiresGrad(previous.get(i));
            }
        }
    }

    private boolean isWorse(Element a, Element b) {
        boolean aAbove = a.absoluteError() > options.absoluteFloor();
        boolean bAbove = b.absoluteError() > options.absoluteFloor();
        if (aAbove != bAbove) {
            return aAbove;
        }
        return aAbove ? a.relativeError() > b.relativeError() : a.absoluteError() > b.absoluteError();
    }

    private long[] sampledIndices(int length, SplittableRandom random) {
        if (length <= options.maxElementsPerTensor()) {
            long[] all = new long[length];
            for (int i = 0; i < length; i++) {
                all[i] = i;
            }
            return all;
        }
        return random.longs(0, length).distinct().limit(options.maxElementsPerTensor()).sorted().toArray();
    }

    private double numericDerivative(Supplier<Tensor> function, Tensor cotangent, Tensor t, double[] values, int index) {
        double original = values[index];
        try {
            values[index] = original + options.epsilon();
            double plus = scalarLoss(function, cotangent, t, values);
            values[index] = original - options.epsilon();
            double minus = scalarLoss(function, cotangent, t, values);
            return (plus - minus) / (2 * options.epsilon());
        } finally {
            values[index] = original;
            t.backend().upload(values, t.buffer());
        }
    }

    private static double scalarLoss(Supplier<Tensor> function, Tensor cotangent, Tensor t, double[] values) {
        t.backend().upload(values, t.buffer());
        try (MemoryScope ignored = MemoryScope.open(); GradMode.Restore noGrad = GradMode.disabled()) {
            return Ops.sum(Ops.mul(function.get(), cotangent)).item();
        }
    }
}

package dev.kiln.optim;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An optimizer applying one fused {@link UpdateRule} to its parameters through {@code Backend.updateGroup}; state
 * buffers are created on a parameter's first step, belong to the optimizer, and are freed by {@link #close()}.
 * Its settings return the concrete optimizer ({@code new Adam(1e-3).withWeightDecay(1e-4)} is an {@code Adam}).
 *
 * @param <T> the concrete optimizer
 */
public abstract class FusedOptimizer<T extends FusedOptimizer<T>> implements Optimizer {
    private final String name;
    private final UpdateRule rule;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<Tensor, ParameterState> states = new IdentityHashMap<>();
    private double learningRate;
    private double weightDecay;
    private GradientClipping clipping = GradientClipping.none();

    protected FusedOptimizer(String name, UpdateRule rule, double learningRate, double beta1, double beta2,
                             double epsilon) {
        this.name = name;
        this.rule = rule;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        setLearningRate(learningRate);
    }

    /** Per-parameter state: the rule's buffers and the number of updates applied. */
    private static final class ParameterState {
        final Tensor[] buffers;
        long steps;

        ParameterState(Tensor[] buffers) {
            this.buffers = buffers;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new KilnException(name + ": learning rate must be a finite number >= 0, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** The weight decay: an L2 penalty added to the gradient, g + decay * p (decoupled for AdamW). */
    public double weightDecay() {
        return weightDecay;
    }

    /** Sets the weight decay (see {@link #weightDecay()}); returns this optimizer. */
    public T withWeightDecay(double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new KilnException(name + ": weight decay must be a finite number >= 0, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
        return self();
    }

    /** Clips the gradients of every step before the update; returns this optimizer. */
    public T withGradientClipping(GradientClipping clipping) {
        if (clipping == null) {
            throw new KilnException(name + ": gradient clipping must not be null; use GradientClipping.none()");
        }
        this.clipping = clipping;
        return self();
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /** Number of updates applied to {@code parameter} so far. */
    public long steps(Tensor parameter) {
        ParameterState state = states.get(parameter);
        return state == null ? 0 : state.steps;
    }

    /** The state tensors of {@code parameter} (moments, accumulators), empty before its first update. */
    public List<Tensor> state(Tensor parameter) {
        ParameterState state = states.get(parameter);
        return state == null ? List.of() : List.of(state.buffers);
    }

    /** Sets {@code parameter}'s update count; returns its state tensors (created if needed) to be restored. */
    public List<Tensor> restoreState(Tensor parameter, long steps) {
        ParameterState state = states.computeIfAbsent(parameter, this::newState);
        state.steps = steps;
        return List.of(state.buffers);
    }

    // Parameters without a gradient since their last step (frozen, or not reached by the loss) are left as they are,
    // moments and step count included, as PyTorch and Keras do; a parameter listed twice is updated once.
    @Override
    public void step(List<Tensor> parameters) {
        List<Tensor> updated = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor p : parameters) {
            if (p.hasGradient() && seen.add(p)) {
                updated.add(p);
            }
        }
        try (GradMode.Restore ignored = GradMode.disabled()) {
            clipping.apply(updated.stream().map(Tensor::grad).toList());
            update(updated);
            for (Tensor p : updated) {
                p.zeroGrad();
            }
        }
    }

    /** Parameters that share a step count, a backend and a dtype: one backend call updates them all. */
    private record Group(long steps, Backend backend, DType dtype) {
    }

    private void update(List<Tensor> parameters) {
        Map<Group, List<Tensor>> groups = new LinkedHashMap<>();
        for (Tensor p : parameters) {
            ParameterState state = states.computeIfAbsent(p, this::newState);
            state.steps++;
            groups.computeIfAbsent(new Group(state.steps, p.backend(), p.dtype()), g -> new ArrayList<>()).add(p);
        }
        groups.forEach((group, members) -> {
            UpdateParameters hyper = new UpdateParameters(learningRate, beta1, beta2, epsilon, weightDecay,
                    group.steps());
            InPlaceOps.updateGroup(rule, hyper, members, members.stream().map(Tensor::grad).toList(),
                    members.stream().map(p -> states.get(p).buffers).toList());
        });
    }

    private ParameterState newState(Tensor parameter) {
        Tensor[] buffers = new Tensor[rule.stateCount()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = Tensor.full(parameter.backend(), parameter.dtype(), parameter.shape(), initialState())
                    .keep();
        }
        return new ParameterState(buffers);
    }

    /** Starting value of the state buffers (0; Adagrad starts its accumulator higher). */
    protected double initialState() {
        return 0;
    }

    @Override
    public void close() {
        for (ParameterState state : states.values()) {
            for (Tensor t : state.buffers) {
                t.close();
            }
        }
        states.clear();
    }

    @Override
    public String toString() {
        return name + "(lr=" + learningRate + ", weight_decay=" + weightDecay + ")";
    }
}

package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.SequenceStep;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The recurrent loop as one differentiable op, as cuDNN runs it: the input projections of every step come in
 * precomputed (one gemm before the loop), each step is one gemm with the recurrent kernel and one fused cell
 * kernel, and the backward loop walks the steps in reverse with one fused kernel and one gemm per step, the
 * recurrent kernel's gradient being one gemm over all steps after it. A GRU that resets before the product needs
 * r before its h columns' product, so its steps take two gemms and two cell kernels each way.
 */
public final class RecurrentOps {
    private RecurrentOps() {
    }

    /**
     * Runs {@code cell} over time-major sequences. {@code inputGates} [steps, batch, gates * units] holds x · kernel
     * + bias of every step, {@code recurrentKernel} is [units, gates * units], {@code recurrentBias} [gates * units]
     * (a GRU's, or null), {@code initial} [batch, stateBlocks * units] the state before the first step and
     * {@code mask} [steps, batch] (0/1, no gradient) or null. Returns the states [steps + 1, batch, stateBlocks *
     * units]: slot 0 is {@code initial}, slot t + 1 the state after step t (an LSTM's h then c in each row); a masked
     * step keeps the previous state. Gradients flow to every input but the mask.
     */
    public static Tensor recurrence(RecurrentCell cell, Tensor inputGates, Tensor recurrentKernel,
                                    Tensor recurrentBias, Tensor initial, Tensor mask) {
        if (inputGates.rank() != 3 || recurrentKernel.rank() != 2) {
            throw new KilnException("recurrence: expected inputGates [steps, batch, gates * units] and a recurrent"
                    + " kernel [units, gates * units], got " + inputGates.shape() + " and " + recurrentKernel.shape());
        }
        int steps = inputGates.shape().dim(0);
        int batch = inputGates.shape().dim(1);
        int units = recurrentKernel.shape().dim(0);
        int width = cell.gates() * units;
        int stateWidth = cell.stateBlocks() * units;
        check(inputGates.shape().dim(2) == width && recurrentKernel.shape().dim(1) == width
                && initial.shape().equals(Shape.of(batch, stateWidth))
                && (recurrentBias == null || recurrentBias.shape().equals(Shape.of(width)))
                && (recurrentBias == null || cell == RecurrentCell.GRU)
                && (mask == null || mask.shape().equals(Shape.of(steps, batch))) && steps > 0,
                cell, inputGates, recurrentKernel, recurrentBias, initial, mask);
        List<Tensor> operands = new ArrayList<>(List.of(inputGates, recurrentKernel, initial));
        if (recurrentBias != null) {
            operands.add(recurrentBias);
        }
        for (Tensor operand : operands) {
            Ops.checkCompatible("recurrence", inputGates, operand);
        }
        if (mask != null) {
            Ops.checkCompatible("recurrence", inputGates, mask);
        }
        Loop loop = new Loop(cell, steps, batch, units, inputGates.backend(), inputGates);
        boolean differentiable = GradMode.isEnabled() && operands.stream().anyMatch(Tensor::requiresGrad);
        Tensor states = loop.forward(inputGates, recurrentKernel, recurrentBias, initial, mask, differentiable);
        return Ops.record(states, "recurrence " + cell.name().toLowerCase(), g -> {
            Tensor[] grads = loop.backward(g, recurrentKernel, mask, initial.requiresGrad(), recurrentBias != null);
            return Arrays.copyOf(grads, operands.size());
        }, operands.toArray(Tensor[]::new));
    }

    /** Reverses a time-major tensor [steps, ...] along its first axis (for layers that read backwards). */
    public static Tensor reverseTime(Tensor x) {
        Tensor out = reversed(x);
        return Ops.record(out, "reverse_time", g -> new Tensor[] {reversed(g)}, x);
    }

    private static Tensor reversed(Tensor x) {
        int steps = x.shape().dim(0);
        long block = x.size() / Math.max(steps, 1);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), x.shape());
        for (int t = 0; t < steps; t++) {
            x.backend().copy(x.buffer(), t * block, out.buffer(), (steps - 1 - t) * block, block);
        }
        return out;
    }

    private static void check(boolean ok, RecurrentCell cell, Tensor inputGates, Tensor recurrentKernel,
                              Tensor recurrentBias, Tensor initial, Tensor mask) {
        if (!ok) {
            throw new KilnException("recurrence " + cell + ": expected inputGates [steps >= 1, batch, " + cell.gates()
                    + " * units], a recurrent kernel [units, " + cell.gates() + " * units], initial states [batch, "
                    + cell.stateBlocks() + " * units], " + (cell == RecurrentCell.GRU ? "a recurrent bias [3 * units]"
                    + " or none, " : "no recurrent bias, ") + "and a mask [steps, batch] or none; got inputGates "
                    + inputGates.shape() + ", recurrent kernel " + recurrentKernel.shape() + ", initial "
                    + initial.shape() + ", recurrent bias " + (recurrentBias == null ? "none" : recurrentBias.shape())
                    + ", mask " + (mask == null ? "none" : mask.shape()));
        }
    }

    /** One run of the loop: the sizes, and what the forward pass keeps for the backward one. */
    private static final class Loop {
        private final RecurrentCell cell;
        private final int steps;
        private final int batch;
        private final int units;
        private final Backend backend;
        private final Tensor like;
        private final List<Tensor> gates = new ArrayList<>();
        private Tensor states;
        /** A GRU_RESET_BEFORE's recurrent kernel split into its z and r columns [units, 2 * units] and its h ones. */
        private Tensor kernelZR;
        private Tensor kernelH;
        /** A GRU_RESET_BEFORE's r * hPrev of every step [steps, batch, units], kept for the h columns' gradient. */
        private Tensor resetHidden;

        Loop(RecurrentCell cell, int steps, int batch, int units, Backend backend, Tensor like) {
            this.cell = cell;
            this.steps = steps;
            this.batch = batch;
            this.units = units;
            this.backend = backend;
            this.like = like;
        }

        private Tensor empty(int... dims) {
            return Tensor.empty(backend, like.dtype(), Shape.of(dims));
        }

        private SequenceStep at(int step) {
            return new SequenceStep(steps, batch, units, step);
        }

        private boolean resetsBefore() {
            return cell == RecurrentCell.GRU_RESET_BEFORE;
        }

        Tensor forward(Tensor inputGates, Tensor kernel, Tensor recurrentBias, Tensor initial, Tensor mask,
                       boolean keepGates) {
            int stateWidth = cell.stateBlocks() * units;
            states = empty(steps + 1, batch, stateWidth);
            backend.copy(initial.buffer(), 0, states.buffer(), 0, (long) batch * stateWidth);
            Tensor h = empty(batch, units);
            backend.copyBlocks(batch, units, initial.buffer(), 0, stateWidth, h.buffer(), 0, units);
            Tensor next = empty(batch, units);
            Tensor stepKernel = kernel;
            Tensor reset = null;
            Tensor candidate = null;
            if (resetsBefore()) {
                kernelZR = columns(kernel, 0, 2 * units);
                kernelH = columns(kernel, 2 * units, units);
                stepKernel = kernelZR;
                reset = empty(batch, units);
                candidate = empty(batch, units);
                resetHidden = keepGates ? empty(steps, batch, units) : null;
            }
            int width = stepKernel.shape().dim(1);
            long matrix = (long) batch * units;
            Tensor recurrent = empty(batch, width);
            Tensor stepGates = newStepGates();
            for (int t = 0; t < steps; t++) {
                backend.gemm(false, false, batch, width, units, 1, h.buffer(), stepKernel.buffer(), 0,
                        recurrent.buffer());
                SequenceStep at = at(t);
                switch (cell) {
                    case SIMPLE -> backend.rnnCell(at, inputGates.buffer(), recurrent.buffer(), buffer(mask),
                            states.buffer(), next.buffer());
                    case LSTM -> backend.lstmCell(at, inputGates.buffer(), recurrent.buffer(), buffer(mask),
                            states.buffer(), next.buffer(), stepGates.buffer());
                    case GRU -> backend.gruCell(at, inputGates.buffer(), recurrent.buffer(), buffer(recurrentBias),
                            buffer(mask), states.buffer(), next.buffer(), stepGates.buffer());
                    case GRU_RESET_BEFORE -> {
                        backend.gruResetCell(at, inputGates.buffer(), recurrent.buffer(), states.buffer(),
                                reset.buffer(), stepGates.buffer());
                        backend.gemm(false, false, batch, units, units, 1, reset.buffer(), kernelH.buffer(), 0,
                                candidate.buffer());
                        backend.gruCandidateCell(at, inputGates.buffer(), candidate.buffer(), buffer(mask),
                                states.buffer(), next.buffer(), stepGates.buffer());
                        if (keepGates) {
                            backend.copy(reset.buffer(), 0, resetHidden.buffer(), t * matrix, matrix);
                        }
                    }
                }
                if (keepGates && stepGates != null) {
                    gates.add(stepGates);
                    stepGates = t + 1 < steps ? newStepGates() : null;
                }
                Tensor swap = h;
                h = next;
                next = swap;
            }
            h.close();
            next.close();
            recurrent.close();
            if (stepGates != null) {
                stepGates.close();
            }
            if (resetsBefore()) {
                reset.close();
                candidate.close();
                if (!keepGates) {
                    kernelZR.close();
                    kernelH.close();
                }
            }
            return states;
        }

        /** A step's scratch for the gate activations its backward step reads: none for a simple cell. */
        private Tensor newStepGates() {
            return switch (cell) {
                case SIMPLE -> null;
                case LSTM, GRU -> empty(batch, 4 * units);
                case GRU_RESET_BEFORE -> empty(batch, 3 * units);
            };
        }

        /** Columns [first, first + count) of a recurrent kernel [units, gates * units], as [units, count]. */
        private Tensor columns(Tensor kernel, int first, int count) {
            Tensor out = empty(units, count);
            backend.copyBlocks(units, count, kernel.buffer(), first, kernel.shape().dim(1), out.buffer(), 0, count);
            return out;
        }

        /** The gradients of inputGates, the recurrent kernel, the initial state (or null) and the recurrent bias. */
        Tensor[] backward(Tensor gradStates, Tensor kernel, Tensor mask, boolean wantInitial, boolean hasBias) {
            if (resetsBefore()) {
                return resetBeforeBackward(gradStates, mask, wantInitial);
            }
            int width = cell.gates() * units;
            int stateWidth = cell.stateBlocks() * units;
            long stepLength = (long) batch * width;
            Tensor gradH = Tensor.zeros(backend, like.dtype(), Shape.of(batch, units));
            Tensor gradC = cell == RecurrentCell.LSTM ? Tensor.zeros(backend, like.dtype(), Shape.of(batch, units))
                    : null;
            Tensor gradInput = empty(steps, batch, width);
            Tensor gradRecurrentAll = cell == RecurrentCell.GRU ? empty(steps, batch, width) : gradInput;
            Tensor gradGates = empty(batch, width);
            Tensor gradRecurrent = cell == RecurrentCell.GRU ? empty(batch, width) : gradGates;
            for (int t = steps - 1; t >= 0; t--) {
                SequenceStep at = at(t);
                switch (cell) {
                    case SIMPLE -> backend.rnnCellBackward(at, buffer(mask), states.buffer(), gradStates.buffer(),
                            gradH.buffer(), gradGates.buffer());
                    case LSTM -> backend.lstmCellBackward(at, buffer(mask), states.buffer(), gates.get(t).buffer(),
                            gradStates.buffer(), gradH.buffer(), gradC.buffer(), gradGates.buffer());
                    case GRU -> backend.gruCellBackward(at, buffer(mask), states.buffer(), gates.get(t).buffer(),
                            gradStates.buffer(), gradH.buffer(), gradGates.buffer(), gradRecurrent.buffer());
                }
                backend.gemm(false, true, batch, units, width, 1, gradRecurrent.buffer(), kernel.buffer(), 1,
                        gradH.buffer());
                backend.copy(gradGates.buffer(), 0, gradInput.buffer(), t * stepLength, stepLength);
                if (gradRecurrentAll != gradInput) {
                    backend.copy(gradRecurrent.buffer(), 0, gradRecurrentAll.buffer(), t * stepLength, stepLength);
                }
            }
            Tensor gradKernel = empty(units, width);
            Tensor previous = previousHidden(stateWidth);
            backend.gemmBatched(true, false, 1, units, width, steps * batch, 1, previous.buffer(), 0,
                    gradRecurrentAll.buffer(), 0, 0, gradKernel.buffer(), 0);
            Tensor gradInitial = wantInitial ? initialGradient(gradStates, gradH, gradC, stateWidth) : null;
            Tensor gradBias = hasBias ? ReductionOps.sum(gradRecurrentAll.view(Shape.of(steps * batch, width)), 0)
                    : null;
            // scratch goes at once, as in the forward loop: only the returned gradients outlive the call
            for (Tensor scratch : new Tensor[] {gradH, gradC, gradGates, gradRecurrent,
                previous == states ? null : previous, gradRecurrentAll == gradInput ? null : gradRecurrentAll}) {
                if (scratch != null) {
                    scratch.close();
                }
            }
            return new Tensor[] {gradInput, gradKernel, gradInitial, gradBias};
        }

        /**
         * {@link #backward} of GRU_RESET_BEFORE: per step, the candidate's adjoint, its gradient through the h columns,
         * the reset gate's adjoint and the z and r gradients through their columns; then each part of the recurrent
         * kernel's gradient in one gemm over all steps, and the parts joined in the gates' layout.
         */
        private Tensor[] resetBeforeBackward(Tensor gradStates, Tensor mask, boolean wantInitial) {
            long matrix = (long) batch * units;
            Tensor gradH = Tensor.zeros(backend, like.dtype(), Shape.of(batch, units));
            Tensor gradCandidate = empty(batch, units);
            Tensor gradResetHidden = empty(batch, units);
            Tensor gradResetGates = empty(batch, 2 * units);
            Tensor gradCandidates = empty(steps, batch, units);
            Tensor gradResets = empty(steps, batch, 2 * units);
            for (int t = steps - 1; t >= 0; t--) {
                SequenceStep at = at(t);
                Buffer stepGates = gates.get(t).buffer();
                backend.gruCandidateCellBackward(at, buffer(mask), states.buffer(), stepGates, gradStates.buffer(),
                        gradH.buffer(), gradCandidate.buffer(), gradResetGates.buffer());
                backend.gemm(false, true, batch, units, units, 1, gradCandidate.buffer(), kernelH.buffer(), 0,
                        gradResetHidden.buffer());
                backend.gruResetCellBackward(at, states.buffer(), stepGates, gradResetHidden.buffer(), gradH.buffer(),
                        gradResetGates.buffer());
                backend.gemm(false, true, batch, units, 2 * units, 1, gradResetGates.buffer(), kernelZR.buffer(), 1,
                        gradH.buffer());
                backend.copy(gradCandidate.buffer(), 0, gradCandidates.buffer(), t * matrix, matrix);
                backend.copy(gradResetGates.buffer(), 0, gradResets.buffer(), 2 * t * matrix, 2 * matrix);
            }
            Tensor gradKernelZR = empty(units, 2 * units);
            backend.gemmBatched(true, false, 1, units, 2 * units, steps * batch, 1, previousHidden(units).buffer(), 0,
                    gradResets.buffer(), 0, 0, gradKernelZR.buffer(), 0);
            Tensor gradKernelH = empty(units, units);
            backend.gemm(true, false, units, units, steps * batch, 1, resetHidden.buffer(), gradCandidates.buffer(), 0,
                    gradKernelH.buffer());
            Tensor gradInput = joinColumns(steps * batch, gradResets, gradCandidates,
                    Shape.of(steps, batch, 3 * units));
            Tensor gradKernel = joinColumns(units, gradKernelZR, gradKernelH, Shape.of(units, 3 * units));
            Tensor gradInitial = wantInitial ? initialGradient(gradStates, gradH, null, units) : null;
            for (Tensor scratch : new Tensor[] {gradH, gradCandidate, gradResetHidden, gradResetGates, gradCandidates,
                gradResets, gradKernelZR, gradKernelH}) {
                scratch.close();
            }
            return new Tensor[] {gradInput, gradKernel, gradInitial, null};
        }

        /** The z and r columns [rows, 2 * units] beside the h columns [rows, units], as {@code shape}. */
        private Tensor joinColumns(int rows, Tensor zr, Tensor h, Shape shape) {
            Tensor out = Tensor.empty(backend, like.dtype(), shape);
            backend.copyBlocks(rows, 2 * units, zr.buffer(), 0, 2 * units, out.buffer(), 0, 3 * units);
            backend.copyBlocks(rows, units, h.buffer(), 0, units, out.buffer(), 2 * units, 3 * units);
            return out;
        }

        /** The hidden states before each step, [steps * batch, units]: slots 0 .. steps - 1, h only. */
        private Tensor previousHidden(int stateWidth) {
            if (stateWidth == units) {
                return states;
            }
            Tensor previous = empty(steps * batch, units);
            backend.copyBlocks(steps * batch, units, states.buffer(), 0, stateWidth, previous.buffer(), 0, units);
            return previous;
        }

        /** What reached slot 0 from outside plus what the loop passed back to it, in the state's layout. */
        private Tensor initialGradient(Tensor gradStates, Tensor gradH, Tensor gradC, int stateWidth) {
            long length = (long) batch * stateWidth;
            Tensor outside = empty(batch, stateWidth);
            backend.copy(gradStates.buffer(), 0, outside.buffer(), 0, length);
            Tensor passed = empty(batch, stateWidth);
            backend.copyBlocks(batch, units, gradH.buffer(), 0, units, passed.buffer(), 0, stateWidth);
            if (gradC != null) {
                backend.copyBlocks(batch, units, gradC.buffer(), 0, units, passed.buffer(), units, stateWidth);
            }
            backend.binary(BinaryOp.ADD, Broadcast.same(length), passed.buffer(), outside.buffer(), passed.buffer());
            outside.close();
            return passed;
        }

        private static Buffer buffer(Tensor t) {
            return t == null ? null : t.buffer();
        }
    }
}

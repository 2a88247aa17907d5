package dev.kiln.check.parity;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.SequenceStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Specs of the recurrent cells: one step of a simple RNN, an LSTM and a GRU, forward and backward, and the two halves
 * of a step of a GRU that resets before the recurrent product, with random stand-ins for the gemm between them. The
 * geometries cover the first, a middle and the last step of a sequence, batches of 1 to 5 and 13, and units of 1 to
 * 7 and 37 (mostly no multiple of a vector width) and 16 and 32 (multiples of every vector width), each without and
 * with a mask that keeps some rows, and a GRU without and with its recurrent bias. Every buffer a cell writes is
 * compared: the whole states buffer (the slots it must leave alone included), h, the gates and the reset hidden
 * state, and the gradients with gradH and gradC as the call leaves them.
 */
final class CellSpecs {
    /** Each of x and rec: the gates' pre-activations stay in (-4, 4), where sigmoid and tanh have slope. */
    private static final InputRange PRE_ACTIVATION = InputRange.uniform(-2, 2);
    private static final InputRange VALUES = InputRange.uniform(-1, 1);

    private CellSpecs() {
    }

    static List<OpSpec> all() {
        List<OpSpec> specs = new ArrayList<>();
        for (Cell cell : Cell.values()) {
            specs.add(forward(cell));
            specs.add(backward(cell));
        }
        return specs;
    }

    /** A cell, with its report name, its Backend methods (in step order) and the widths of its rows in units. */
    private enum Cell {
        RNN("rnn_cell", List.of("rnnCell"), 1, 1, 1, 0),
        LSTM("lstm_cell", List.of("lstmCell"), 4, 4, 2, 4),
        GRU("gru_cell", List.of("gruCell"), 3, 3, 1, 4),
        GRU_RESET_BEFORE("gru_reset_before_cell", List.of("gruResetCell", "gruCandidateCell"), 3, 2, 1, 3);

        private final String op;
        private final List<String> methods;
        /** The width of its inputGates rows. */
        private final int gates;
        /** The width of its recurrent rows (for GRU_RESET_BEFORE, the z and r columns' product). */
        private final int recurrent;
        /** The width of its states rows: h, or h then c. */
        private final int state;
        /** The width of the gate activations it keeps for the backward step (0: none). */
        private final int saved;

        Cell(String op, List<String> methods, int gates, int recurrent, int state, int saved) {
            this.op = op;
            this.methods = methods;
            this.gates = gates;
            this.recurrent = recurrent;
            this.state = state;
            this.saved = saved;
        }

        List<Coverage> covers(String suffix) {
            return methods.stream().map(method -> Coverage.of(method + suffix)).toList();
        }
    }

    /** One call: the step, whether a mask and (GRU) a recurrent bias are passed, and whether the case is quick. */
    private record Variant(SequenceStep at, boolean masked, boolean bias, boolean quick) {
        String label() {
            return Labels.shape(at.steps(), at.batch(), at.units()) + ",step=" + at.step() + (masked ? ",masked" : "")
                    + (bias ? ",bias" : "");
        }
    }

    /**
     * steps x batch x units at a step: a single step, first, middle and last steps, several work-groups of 64, and
     * units that a device's vector width (4, 8 or 16 lanes) divides, for the kernels computing several units at once.
     */
    private static final List<SequenceStep> STEPS = List.of(
            new SequenceStep(1, 1, 1, 0),
            new SequenceStep(3, 2, 5, 1),
            new SequenceStep(3, 3, 7, 0),
            new SequenceStep(4, 5, 3, 3),
            new SequenceStep(2, 4, 4, 1),
            new SequenceStep(5, 1, 6, 2),
            new SequenceStep(3, 13, 37, 1),
            new SequenceStep(2, 3, 16, 1),
            new SequenceStep(3, 2, 32, 2));
    private static final SequenceStep QUICK = STEPS.get(1);

    private static List<Variant> variants(Cell cell) {
        List<Variant> variants = new ArrayList<>();
        for (SequenceStep at : STEPS) {
            for (boolean masked : new boolean[] {false, true}) {
                for (boolean bias : cell == Cell.GRU ? new boolean[] {false, true} : new boolean[] {false}) {
                    variants.add(new Variant(at, masked, bias, at == QUICK && masked && bias == (cell == Cell.GRU)));
                }
            }
        }
        return variants;
    }

    /**
     * A 0/1 mask [steps, batch] drawn at random, except that at the step computed the first row is kept (0) and the
     * second, when there is one, updated (1), so that a case always takes both branches.
     */
    private static Sampler mask(SequenceStep at) {
        return (random, length) -> {
            double[] values = InputRange.integers(0, 1).sample(random, length);
            int first = at.step() * at.batch();
            values[first] = 0;
            if (at.batch() > 1) {
                values[first + 1] = 1;
            }
            return values;
        };
    }

    /** The forward step's inputs: the gates' pre-activations, then the optional operands, then the states. */
    private static List<Input> forwardInputs(Cell cell, Variant v) {
        SequenceStep at = v.at();
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input("inputGates", Math.toIntExact(at.sequence(cell.gates)), PRE_ACTIVATION));
        inputs.add(new Input("recurrent", Math.toIntExact(cell.recurrent * at.matrix()), PRE_ACTIVATION));
        if (cell == Cell.GRU_RESET_BEFORE) {
            inputs.add(new Input("recurrentH", Math.toIntExact(at.matrix()), PRE_ACTIVATION));
        }
        if (v.bias()) {
            inputs.add(new Input("recurrentBias", cell.gates * at.units(), VALUES));
        }
        if (v.masked()) {
            inputs.add(new Input("mask", at.steps() * at.batch(), mask(at)));
        }
        inputs.add(new Input("states", Math.toIntExact(at.states(cell.state)), VALUES));
        return inputs;
    }

    /** A single function or a short chain of them per element, as the element-wise specs. */
    private static OpSpec forward(Cell cell) {
        List<OpCase> cases = new ArrayList<>();
        for (Variant v : variants(cell)) {
            List<Input> inputs = forwardInputs(cell, v);
            cases.add(new OpCase(v.label(), v.quick(), inputs, Tolerances.elementwise(), (call, buffers) -> {
                Operands in = new Operands(inputs, buffers);
                Written written = step(cell, v.at(), call, in);
                List<Output> outputs = new ArrayList<>();
                outputs.add(call.output("states", in.get("states")));
                outputs.add(call.output("h", written.h()));
                if (written.gates() != null) {
                    outputs.add(call.output("gates", written.gates()));
                }
                if (written.resetHidden() != null) {
                    outputs.add(call.output("resetHidden", written.resetHidden()));
                }
                return outputs;
            }));
        }
        return new OpSpec(cell.op, cell.covers(""), cases);
    }

    /**
     * Gradients of random cotangents (gradStates, and gradH and gradC as later steps would leave them) through the
     * states and gates of the same backend's forward step, as in training.
     */
    private static OpSpec backward(Cell cell) {
        List<OpCase> cases = new ArrayList<>();
        for (Variant v : variants(cell)) {
            SequenceStep at = v.at();
            List<Input> inputs = forwardInputs(cell, v);
            inputs.add(new Input("gradStates", Math.toIntExact(at.states(cell.state)), VALUES));
            inputs.add(new Input("gradH", Math.toIntExact(at.matrix()), VALUES));
            if (cell == Cell.LSTM) {
                inputs.add(new Input("gradC", Math.toIntExact(at.matrix()), VALUES));
            }
            if (cell == Cell.GRU_RESET_BEFORE) {
                inputs.add(new Input("gradResetHidden", Math.toIntExact(at.matrix()), VALUES));
            }
            cases.add(new OpCase(v.label(), v.quick(), inputs, Tolerances.derivative(),
                    (call, buffers) -> stepBackward(cell, at, call, new Operands(inputs, buffers))));
        }
        List<Coverage> covers = new ArrayList<>(cell.covers("Backward"));
        covers.addAll(cell.covers(""));
        return new OpSpec(cell.op + ".backward", covers, cases);
    }

    /** The buffers a forward step writes besides the states: h, the gates (null for an RNN) and r * hPrev (or null). */
    private record Written(Buffer h, Buffer gates, Buffer resetHidden) {
    }

    private static Written step(Cell cell, SequenceStep at, Invocation call, Operands in) {
        Backend backend = call.backend();
        Buffer h = call.allocate(at.matrix());
        Buffer gates = cell.saved == 0 ? null : call.allocate(cell.saved * at.matrix());
        Buffer resetHidden = cell == Cell.GRU_RESET_BEFORE ? call.allocate(at.matrix()) : null;
        switch (cell) {
            case RNN -> backend.rnnCell(at, in.get("inputGates"), in.get("recurrent"), in.get("mask"),
                    in.get("states"), h);
            case LSTM -> backend.lstmCell(at, in.get("inputGates"), in.get("recurrent"), in.get("mask"),
                    in.get("states"), h, gates);
            case GRU -> backend.gruCell(at, in.get("inputGates"), in.get("recurrent"), in.get("recurrentBias"),
                    in.get("mask"), in.get("states"), h, gates);
            case GRU_RESET_BEFORE -> {
                backend.gruResetCell(at, in.get("inputGates"), in.get("recurrent"), in.get("states"), resetHidden,
                        gates);
                backend.gruCandidateCell(at, in.get("inputGates"), in.get("recurrentH"), in.get("mask"),
                        in.get("states"), h, gates);
            }
        }
        return new Written(h, gates, resetHidden);
    }

    private static List<Output> stepBackward(Cell cell, SequenceStep at, Invocation call, Operands in) {
        Backend backend = call.backend();
        Buffer gates = step(cell, at, call, in).gates();
        Buffer mask = in.get("mask");
        Buffer states = in.get("states");
        Buffer gradStates = in.get("gradStates");
        Buffer gradH = in.get("gradH");
        return switch (cell) {
            case RNN -> {
                Buffer gradGates = call.allocate(at.matrix());
                backend.rnnCellBackward(at, mask, states, gradStates, gradH, gradGates);
                yield List.of(call.output("gradGates", gradGates), call.output("gradH", gradH));
            }
            case LSTM -> {
                Buffer gradC = in.get("gradC");
                Buffer gradGates = call.allocate(4 * at.matrix());
                backend.lstmCellBackward(at, mask, states, gates, gradStates, gradH, gradC, gradGates);
                yield List.of(call.output("gradGates", gradGates), call.output("gradH", gradH),
                        call.output("gradC", gradC));
            }
            case GRU -> {
                Buffer gradInputGates = call.allocate(3 * at.matrix());
                Buffer gradRecurrent = call.allocate(3 * at.matrix());
                backend.gruCellBackward(at, mask, states, gates, gradStates, gradH, gradInputGates, gradRecurrent);
                yield List.of(call.output("gradInputGates", gradInputGates),
                        call.output("gradRecurrent", gradRecurrent), call.output("gradH", gradH));
            }
            case GRU_RESET_BEFORE -> {
                Buffer gradCandidate = call.allocate(at.matrix());
                Buffer gradResetGates = call.allocate(2 * at.matrix());
                backend.gruCandidateCellBackward(at, mask, states, gates, gradStates, gradH, gradCandidate,
                        gradResetGates);
                backend.gruResetCellBackward(at, states, gates, in.get("gradResetHidden"), gradH, gradResetGates);
                yield List.of(call.output("gradCandidate", gradCandidate),
                        call.output("gradResetGates", gradResetGates), call.output("gradH", gradH));
            }
        };
    }

    /** A case's uploaded buffers by input name; an optional operand the case leaves out is null. */
    private record Operands(List<Input> inputs, List<Buffer> buffers) {
        Buffer get(String name) {
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).name().equals(name)) {
                    return buffers.get(i);
                }
            }
            return null;
        }
    }
}

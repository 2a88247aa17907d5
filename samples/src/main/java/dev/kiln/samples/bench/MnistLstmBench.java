package dev.kiln.samples.bench;

import dev.kiln.samples.mnist.RowLstm;
import picocli.CommandLine.Command;

/** {@code kiln bench mnist-lstm [BACKEND...]}: the mnist-lstm sample's network against PyTorch's. */
@Command(name = "mnist-lstm",
        description = "The mnist-lstm sample's network (LSTM 128 over the 28 image rows - 10, Adam)"
                + MnistNetworkBench.MEASURED)
public final class MnistLstmBench extends MnistNetworkBench {
    private static final int UNITS = 128;

    public MnistLstmBench() {
        super("LSTM " + UNITS + " over the 28 rows of 28 pixels (last output) - dense 10 softmax", new RowLstm(UNITS),
                new TorchReference.Lstm(UNITS));
    }
}

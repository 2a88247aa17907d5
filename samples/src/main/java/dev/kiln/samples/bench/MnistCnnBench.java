package dev.kiln.samples.bench;

import dev.kiln.samples.mnist.MnistCnn;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code kiln bench mnist-cnn [BACKEND...]}: the mnist-cnn sample's network against PyTorch's. */
@Command(name = "mnist-cnn",
        description = "The mnist-cnn sample's network (conv 32 - pool - conv 64 - pool - dense 128 - dropout - 10,"
                + " Adam)" + MnistNetworkBench.MEASURED)
public final class MnistCnnBench extends MnistNetworkBench {
    private static final int DENSE = 128;
    private static final double DROPOUT = 0.5;

    public MnistCnnBench() {
        super(String.format(Locale.ROOT, "conv 32 3x3 relu - max-pool 2 - conv 64 3x3 relu - max-pool 2 -"
                + " dense %d relu - dropout %.2f - dense 10 softmax", DENSE, DROPOUT), new MnistCnn(DENSE, DROPOUT),
                new TorchReference.Cnn(DENSE, DROPOUT));
    }
}

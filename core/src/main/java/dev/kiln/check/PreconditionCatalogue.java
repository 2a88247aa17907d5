package dev.kiln.check;

import dev.kiln.KilnException;
import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.SequenceStep;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.backend.Window2d;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Calls that break a {@link Backend} precondition, each with the message every backend must throw, and calls at
 * the edge of the preconditions that every backend must accept. Each backend's tests run both tables, so the
 * backends agree on what they accept (see {@link dev.kiln.backend.BufferChecks}).
 */
public final class PreconditionCatalogue {
    private static final UpdateParameters STEP_1 = new UpdateParameters(0.1, 0.9, 0.999, 1e-8, 0, 1);
    private static final UpdateParameters STEP_0 = new UpdateParameters(0.1, 0.9, 0.999, 1e-8, 0, 0);
    /** 2x2 windows, stride 2, over one [4, 4] image of 2 channels: image and columns of 32, pooled outputs of 8. */
    private static final Window2d WINDOW = Window2d.of(1, 4, 4, 2, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0);
    /** 1x1 windows over one [2, 2] image of 2 channels: pooled outputs as long as the image (8), so they can alias. */
    private static final Window2d POINTS = Window2d.of(1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
    /** 2x2 taps 2 apart over one [5, 5] image of 1 channel: a convolution window, not a pooling one. */
    private static final Window2d DILATED = Window2d.of(1, 5, 5, 1, 2, 2, 1, 1, 2, 2, 0, 0, 0, 0);
    /**
     * Step 1 of 2 over a batch of 2 with 3 units: a [batch, units] matrix of 6, a mask of 4; inputGates of 12, 48 and
     * 36 (RNN, LSTM, GRU), states of 18 (36 for an LSTM), gates of 24, a GRU's recurrent products of 18; when the
     * GRU resets before the product, gates of 18 and z and r products and gradients of 12.
     */
    private static final SequenceStep CELL = new SequenceStep(2, 2, 3, 1);
    /** An empty batch: every buffer of a cell call, the mask too, has 0 elements. */
    private static final SequenceStep NO_SEQUENCES = new SequenceStep(2, 0, 3, 0);

    private PreconditionCatalogue() {
    }

    /**
     * One call of a primitive.
     *
     * @param primitive the {@link Backend} method called
     * @param name what is wrong (or right) with the call
     * @param message the message of the {@link KilnException} every backend throws; null for an accepted call
     * @param needsF64 whether the call needs F64 buffers, which not every device has
     * @param call the call, given buffers it may allocate
     */
    public record Case(String primitive, String name, String message, boolean needsF64, Consumer<Scratch> call) {
        /** Runs the call on {@code backend}; the message of the KilnException it throws, or null when it throws none. */
        public String run(Backend backend) {
            Scratch scratch = new Scratch(backend);
            try {
                call.accept(scratch);
                backend.synchronize();
                return null;
            } catch (KilnException e) {
                return e.getMessage();
            } finally {
                scratch.close();
            }
        }

        @Override
        public String toString() {
            return primitive + ": " + name;
        }
    }

    /** Buffers for one call, freed after it. */
    public static final class Scratch {
        private final Backend backend;
        private final List<Buffer> buffers = new ArrayList<>();

        Scratch(Backend backend) {
            this.backend = backend;
        }

        public Backend backend() {
            return backend;
        }

        /** An F32 buffer of {@code length} zeros. */
        public Buffer f32(int length) {
            return zeros(DType.F32, length);
        }

        /** An F64 buffer of {@code length} zeros. */
        public Buffer f64(int length) {
            return zeros(DType.F64, length);
        }

        /** An I32 buffer of {@code length} zeros (indices). */
        public Buffer i32(int length) {
            return zeros(DType.I32, length);
        }

        /** An F32 buffer that has been freed. */
        public Buffer freed() {
            Buffer buffer = backend.allocate(DType.F32, 4);
            backend.free(buffer);
            return buffer;
        }

        private Buffer zeros(DType dtype, int length) {
            Buffer buffer = backend.allocate(dtype, length);
            buffers.add(buffer);
            backend.fill(buffer, 0);
            return buffer;
        }

        void close() {
            for (Buffer buffer : buffers) {
                if (!buffer.isFreed()) {
                    backend.free(buffer);
                }
            }
        }
    }

    /** Calls every backend rejects, with the message. */
    public static List<Case> rejected() {
        List<Case> cases = new ArrayList<>();
        // memory
        reject(cases, "allocate", "negative length", "allocate: length must not be negative, got -1",
                s -> s.backend().allocate(DType.F32, -1));
        reject(cases, "upload", "host array longer than the target",
                "upload: host array of 7 elements does not fit the target of 6",
                s -> s.backend().upload(new float[7], s.f32(6)));
        reject(cases, "upload", "host array of another dtype",
                "upload: target is F32, expected F64 for a host array of F64",
                s -> s.backend().upload(new double[2], s.f32(6)));
        reject(cases, "download", "host array longer than the source",
                "download: host array of 7 elements does not fit the source of 6; it would read past its end",
                s -> s.backend().download(s.f32(6), new float[7]));
        reject(cases, "download", "host array of another dtype",
                "download: source is F32, expected F64 for a host array of F64",
                s -> s.backend().download(s.f32(6), new double[2]));
        reject(cases, "downloadLater", "more elements than the source",
                "downloadLater: 7 elements of a source of 6; expected 0 to 6",
                s -> s.backend().downloadLater(s.f32(6), 7));
        reject(cases, "downloadLater", "an index buffer", "downloadLater: source is I32, expected F32 or F64",
                s -> s.backend().downloadLater(s.i32(6), 1));
        reject(cases, "copy", "range past the source",
                "copy: range of 3 elements from offset 4 of a source of 6 to offset 0 of a target of 4 is out of bounds",
                s -> s.backend().copy(s.f32(6), 4, s.f32(4), 0, 3));
        reject(cases, "copy", "negative length",
                "copy: offsets and length must not be negative, got source offset 0, target offset 0, length -1",
                s -> s.backend().copy(s.f32(6), 0, s.f32(6), 0, -1));
        reject(cases, "copy", "overlapping ranges of one buffer",
                "copy: source and target are the same buffer and the ranges [0, 3) and [2, 5) overlap",
                s -> {
                    Buffer b = s.f32(6);
                    s.backend().copy(b, 0, b, 2, 3);
                });
        rejectF64(cases, "copy", "dtypes differ",
                "copy: dtypes differ: target is F64, source is F32; every buffer of one call must have the same dtype",
                s -> s.backend().copy(s.f32(4), 0, s.f64(4), 0, 4));
        reject(cases, "copyBlocks", "source and target are one buffer",
                "copyBlocks: source and target are the same buffer; they must be different buffers",
                s -> {
                    Buffer b = s.f32(6);
                    s.backend().copyBlocks(1, 2, b, 0, 0, b, 3, 0);
                });
        reject(cases, "copyBlocks", "negative block count",
                "copyBlocks: counts, offsets and strides must not be negative, got blocks=-1, blockLength=2, source "
                        + "offset 0 stride 0, target offset 0 stride 0",
                s -> s.backend().copyBlocks(-1, 2, s.f32(6), 0, 0, s.f32(10), 0, 0));
        reject(cases, "copyBlocks", "overlapping target blocks",
                "copyBlocks: target stride 2 is shorter than the block length 3, so the target blocks would overlap",
                s -> s.backend().copyBlocks(2, 3, s.f32(6), 0, 3, s.f32(10), 0, 2));
        reject(cases, "copyBlocks", "blocks past the source",
                "copyBlocks: 3 blocks of 2 elements reach element 7 of a source of 6 (offset 1, stride 2) and element "
                        + "6 of a target of 10 (offset 0, stride 2); out of bounds",
                s -> s.backend().copyBlocks(3, 2, s.f32(6), 1, 2, s.f32(10), 0, 2));
        reject(cases, "fill", "freed target", "fill: target was already freed",
                s -> s.backend().fill(s.freed(), 1));
        reject(cases, "free", "freed twice", "free: buffer was already freed", s -> s.backend().free(s.freed()));
        // linear algebra
        reject(cases, "gemm", "I32 operands", "gemm: got an I32 buffer; gemm computes on F32 or F64 only (I32 buffers"
                        + " hold indices)",
                s -> s.backend().gemm(false, false, 2, 2, 2, 1, s.i32(4), s.i32(4), 0, s.i32(4)));
        reject(cases, "gemm", "a longer than [m, k]", "gemm: a [m, k] has 8 elements, expected 6",
                s -> s.backend().gemm(false, false, 2, 2, 3, 1, s.f32(8), s.f32(6), 0, s.f32(4)));
        reject(cases, "gemm", "b shorter than [n, k]", "gemm: b [n, k] has 4 elements, expected 6",
                s -> s.backend().gemm(false, true, 2, 2, 3, 1, s.f32(6), s.f32(4), 0, s.f32(4)));
        reject(cases, "gemm", "negative size", "gemm: m, n, k must not be negative, got m=2, n=-1, k=3",
                s -> s.backend().gemm(false, false, 2, -1, 3, 1, s.f32(6), s.f32(6), 0, s.f32(4)));
        reject(cases, "gemm", "c is a",
                "gemm: c and a are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer a = s.f32(4);
                    s.backend().gemm(false, false, 2, 2, 2, 1, a, s.f32(4), 0, a);
                });
        reject(cases, "gemmBiasActivation", "bias not [n]", "gemmBiasActivation: bias [n] has 3 elements, expected 2",
                s -> s.backend().gemmBiasActivation(Activation.RELU, 0, false, false, 3, 2, 2, s.f32(6), s.f32(4),
                        s.f32(3), s.f32(6)));
        reject(cases, "gemmBiasActivation", "negative alpha",
                "gemmBiasActivation: alpha must be a finite number >= 0, got -0.5",
                s -> s.backend().gemmBiasActivation(Activation.LEAKY_RELU, -0.5, false, false, 3, 2, 2, s.f32(6),
                        s.f32(4), null, s.f32(6)));
        reject(cases, "gemmBiasActivation", "out is the bias",
                "gemmBiasActivation: out and bias are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer out = s.f32(2);
                    s.backend().gemmBiasActivation(Activation.TANH, 0, false, false, 1, 2, 2, s.f32(2), s.f32(4), out,
                            out);
                });
        reject(cases, "biasActivationBackward", "gradBias not [cols]",
                "biasActivationBackward: gradBias [cols] has 3 elements, expected 2",
                s -> s.backend().biasActivationBackward(Activation.SIGMOID, 0, 3, 2, s.f32(6), s.f32(6), s.f32(6),
                        s.f32(3)));
        reject(cases, "biasActivationBackward", "gradIn is y",
                "biasActivationBackward: gradIn and y are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer y = s.f32(6);
                    s.backend().biasActivationBackward(Activation.RELU, 0, 3, 2, y, s.f32(6), y, null);
                });
        rejectF64(cases, "gemm", "dtypes differ",
                "gemm: dtypes differ: b is F64, a is F32; every buffer of one call must have the same dtype",
                s -> s.backend().gemm(false, false, 2, 2, 2, 1, s.f32(4), s.f64(4), 0, s.f32(4)));
        reject(cases, "gemmBatched", "a shorter than its matrices reach",
                "gemmBatched: a [m, k] has 10 elements, expected at least 12 (2 matrices of 6, 6 apart)",
                s -> s.backend().gemmBatched(false, false, 2, 2, 2, 3, 1, s.f32(10), 6, s.f32(6), 0, 0, s.f32(8), 4));
        reject(cases, "gemmBatched", "overlapping products",
                "gemmBatched: c stride 3 is shorter than a product of m * n = 4 elements, so the products would overlap",
                s -> s.backend().gemmBatched(false, false, 2, 2, 2, 3, 1, s.f32(12), 6, s.f32(6), 0, 0, s.f32(8), 3));
        reject(cases, "gemmBatched", "negative stride",
                "gemmBatched: batch, m, n, k, strideA, strideB, strideC must not be negative, got batch=2, m=2, n=2, "
                        + "k=3, strideA=6, strideB=-6, strideC=4",
                s -> s.backend().gemmBatched(false, false, 2, 2, 2, 3, 1, s.f32(12), 6, s.f32(12), -6, 0, s.f32(8), 4));
        reject(cases, "transpose", "x shorter than [rows, cols]", "transpose: x [rows, cols] has 6 elements, expected 9",
                s -> s.backend().transpose(3, 3, s.f32(6), s.f32(9)));
        reject(cases, "transpose", "negative size", "transpose: rows, cols must not be negative, got rows=-2, cols=3",
                s -> s.backend().transpose(-2, 3, s.f32(6), s.f32(6)));
        reject(cases, "permute", "axes not a permutation",
                "permute: axes [0, 0] must be a permutation of [0, 2) and dims [2, 3] not negative",
                s -> s.backend().permute(new int[] {2, 3}, new int[] {0, 0}, s.f32(6), s.f32(6)));
        reject(cases, "permute", "out longer than x", "permute: out has 7 elements, expected 6",
                s -> s.backend().permute(new int[] {2, 3}, new int[] {1, 0}, s.f32(6), s.f32(7)));
        reject(cases, "permute", "out is x",
                "permute: out and x are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer x = s.f32(6);
                    s.backend().permute(new int[] {2, 3}, new int[] {1, 0}, x, x);
                });
        reject(cases, "gather", "indices of another length", "gather: indices [count] has 3 elements, expected 2",
                s -> s.backend().gather(4, 3, 2, s.f32(12), s.i32(3), s.f32(6)));
        reject(cases, "gather", "float indices", "gather: indices are an F32 buffer; they must be I32 (convert class"
                        + " labels and ids to int where the data enters)",
                s -> s.backend().gather(4, 3, 2, s.f32(12), s.f32(2), s.f32(6)));
        reject(cases, "gather", "an I32 table", "gather: got an I32 buffer; gather computes on F32 or F64 only (I32"
                        + " buffers hold indices)",
                s -> s.backend().gather(4, 3, 2, s.i32(12), s.i32(2), s.i32(6)));
        reject(cases, "gather", "negative count", "gather: rows, cols, count must not be negative, got rows=4, cols=3, "
                        + "count=-2",
                s -> s.backend().gather(4, 3, -2, s.f32(12), s.i32(2), s.f32(6)));
        reject(cases, "gather", "out is the table",
                "gather: out and table are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer table = s.f32(12);
                    s.backend().gather(4, 3, 4, table, s.i32(4), table);
                });
        reject(cases, "scatterAdd", "values shorter than [count, cols]",
                "scatterAdd: values [count, cols] has 5 elements, expected 6",
                s -> s.backend().scatterAdd(4, 3, 2, s.i32(2), s.f32(5), s.f32(12)));
        rejectF64(cases, "scatterAdd", "float indices",
                "scatterAdd: indices are an F64 buffer; they must be I32 (convert class labels and ids to int where"
                        + " the data enters)",
                s -> s.backend().scatterAdd(4, 3, 2, s.f64(2), s.f32(6), s.f32(12)));
        // sliding windows
        reject(cases, "im2col", "no window", "im2col: window is null",
                s -> s.backend().im2col(null, s.f32(32), s.f32(32)));
        reject(cases, "im2col", "image of another length",
                "im2col: image [batch, height, width, channels] has 30 elements, expected 32",
                s -> s.backend().im2col(WINDOW, s.f32(30), s.f32(32)));
        reject(cases, "im2col", "columns shorter than [rows, taps * channels]",
                "im2col: columns [batch * outHeight * outWidth, kernelHeight * kernelWidth * channels] has 31 elements,"
                        + " expected 32",
                s -> s.backend().im2col(WINDOW, s.f32(32), s.f32(31)));
        reject(cases, "im2col", "columns are the image",
                "im2col: columns and image are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer b = s.f32(32);
                    s.backend().im2col(WINDOW, b, b);
                });
        rejectF64(cases, "im2col", "dtypes differ",
                "im2col: dtypes differ: columns is F64, image is F32; every buffer of one call must have the same dtype",
                s -> s.backend().im2col(WINDOW, s.f32(32), s.f64(32)));
        reject(cases, "col2im", "I32 buffers", "col2im: got an I32 buffer; col2im computes on F32 or F64 only (I32"
                        + " buffers hold indices)",
                s -> s.backend().col2im(WINDOW, s.i32(32), s.i32(32)));
        reject(cases, "col2im", "image shorter than [batch, height, width, channels]",
                "col2im: image [batch, height, width, channels] has 31 elements, expected 32",
                s -> s.backend().col2im(WINDOW, s.f32(32), s.f32(31)));
        reject(cases, "col2im", "image is the columns",
                "col2im: image and columns are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer b = s.f32(32);
                    s.backend().col2im(WINDOW, b, b);
                });
        reject(cases, "maxPool", "float argmax", "maxPool: argmax is an F32 buffer; it must be I32 (it holds the tap"
                        + " of each window's maximum)",
                s -> s.backend().maxPool(WINDOW, s.f32(32), s.f32(8), s.f32(8)));
        reject(cases, "maxPool", "dilated window", "maxPool: pooling windows have no dilation, got 2x2",
                s -> s.backend().maxPool(DILATED, s.f32(25), s.f32(9), s.i32(9)));
        reject(cases, "maxPool", "argmax shorter than out",
                "maxPool: argmax [batch, outHeight, outWidth, channels] has 7 elements, expected 8",
                s -> s.backend().maxPool(WINDOW, s.f32(32), s.f32(8), s.i32(7)));
        reject(cases, "maxPool", "out is the image",
                "maxPool: out and image are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer b = s.f32(8);
                    s.backend().maxPool(POINTS, b, b, s.i32(8));
                });
        reject(cases, "maxPoolBackward", "float argmax", "maxPoolBackward: argmax is an F32 buffer; it must be I32"
                        + " (it holds the tap of each window's maximum)",
                s -> s.backend().maxPoolBackward(WINDOW, s.f32(8), s.f32(8), s.f32(32)));
        reject(cases, "maxPoolBackward", "gradOut of another length",
                "maxPoolBackward: gradOut [batch, outHeight, outWidth, channels] has 9 elements, expected 8",
                s -> s.backend().maxPoolBackward(WINDOW, s.f32(9), s.i32(8), s.f32(32)));
        reject(cases, "maxPoolBackward", "gradImage is gradOut",
                "maxPoolBackward: gradImage and gradOut are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer g = s.f32(8);
                    s.backend().maxPoolBackward(POINTS, g, s.i32(8), g);
                });
        reject(cases, "avgPool", "dilated window", "avgPool: pooling windows have no dilation, got 2x2",
                s -> s.backend().avgPool(DILATED, s.f32(25), s.f32(9)));
        reject(cases, "avgPool", "out of the image's length",
                "avgPool: out [batch, outHeight, outWidth, channels] has 32 elements, expected 8",
                s -> s.backend().avgPool(WINDOW, s.f32(32), s.f32(32)));
        reject(cases, "avgPool", "out is the image",
                "avgPool: out and image are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer b = s.f32(8);
                    s.backend().avgPool(POINTS, b, b);
                });
        reject(cases, "avgPoolBackward", "dilated window", "avgPoolBackward: pooling windows have no dilation, got 2x2",
                s -> s.backend().avgPoolBackward(DILATED, s.f32(9), s.f32(25)));
        reject(cases, "avgPoolBackward", "gradImage shorter than the image",
                "avgPoolBackward: gradImage [batch, height, width, channels] has 31 elements, expected 32",
                s -> s.backend().avgPoolBackward(WINDOW, s.f32(8), s.f32(31)));
        reject(cases, "avgPoolBackward", "gradImage is gradOut",
                "avgPoolBackward: gradImage and gradOut are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer g = s.f32(8);
                    s.backend().avgPoolBackward(POINTS, g, g);
                });
        // recurrent cells
        reject(cases, "rnnCell", "no step", "rnnCell: at is null",
                s -> s.backend().rnnCell(null, s.f32(12), s.f32(6), null, s.f32(18), s.f32(6)));
        reject(cases, "rnnCell", "inputGates shorter than [steps, batch, units]",
                "rnnCell: inputGates [steps, batch, units] has 11 elements, expected 12",
                s -> s.backend().rnnCell(CELL, s.f32(11), s.f32(6), null, s.f32(18), s.f32(6)));
        reject(cases, "rnnCell", "a mask of one step", "rnnCell: mask [steps, batch] has 2 elements, expected 4",
                s -> s.backend().rnnCell(CELL, s.f32(12), s.f32(6), s.f32(2), s.f32(18), s.f32(6)));
        reject(cases, "rnnCell", "h is recurrent",
                "rnnCell: h and recurrent are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer recurrent = s.f32(6);
                    s.backend().rnnCell(CELL, s.f32(12), recurrent, null, s.f32(18), recurrent);
                });
        reject(cases, "rnnCell", "I32 buffers", "rnnCell: got an I32 buffer; rnnCell computes on F32 or F64 only (I32"
                        + " buffers hold indices)",
                s -> s.backend().rnnCell(CELL, s.i32(12), s.i32(6), s.i32(4), s.i32(18), s.i32(6)));
        reject(cases, "rnnCellBackward", "gradStates of the inputs' steps",
                "rnnCellBackward: gradStates [steps + 1, batch, units] has 12 elements, expected 18",
                s -> s.backend().rnnCellBackward(CELL, null, s.f32(18), s.f32(12), s.f32(6), s.f32(6)));
        reject(cases, "rnnCellBackward", "a mask of one step",
                "rnnCellBackward: mask [steps, batch] has 2 elements, expected 4",
                s -> s.backend().rnnCellBackward(CELL, s.f32(2), s.f32(18), s.f32(18), s.f32(6), s.f32(6)));
        reject(cases, "rnnCellBackward", "gradGates is gradH",
                "rnnCellBackward: gradGates and gradH are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer gradH = s.f32(6);
                    s.backend().rnnCellBackward(CELL, null, s.f32(18), s.f32(18), gradH, gradH);
                });
        reject(cases, "rnnCellBackward", "an I32 mask", "rnnCellBackward: dtypes differ: mask is I32, states is F32;"
                        + " every buffer of one call must have the same dtype",
                s -> s.backend().rnnCellBackward(CELL, s.i32(4), s.f32(18), s.f32(18), s.f32(6), s.f32(6)));
        reject(cases, "lstmCell", "states without the cell state",
                "lstmCell: states [steps + 1, batch, 2 * units] has 18 elements, expected 36",
                s -> s.backend().lstmCell(CELL, s.f32(48), s.f32(24), null, s.f32(18), s.f32(6), s.f32(24)));
        reject(cases, "lstmCell", "a mask of one step", "lstmCell: mask [steps, batch] has 2 elements, expected 4",
                s -> s.backend().lstmCell(CELL, s.f32(48), s.f32(24), s.f32(2), s.f32(36), s.f32(6), s.f32(24)));
        reject(cases, "lstmCell", "gates are recurrent",
                "lstmCell: gates and recurrent are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer recurrent = s.f32(24);
                    s.backend().lstmCell(CELL, s.f32(48), recurrent, null, s.f32(36), s.f32(6), recurrent);
                });
        reject(cases, "lstmCell", "an I32 mask", "lstmCell: dtypes differ: mask is I32, states is F32; every buffer of"
                        + " one call must have the same dtype",
                s -> s.backend().lstmCell(CELL, s.f32(48), s.f32(24), s.i32(4), s.f32(36), s.f32(6), s.f32(24)));
        reject(cases, "lstmCellBackward", "gates of one unit per row",
                "lstmCellBackward: gates [batch, 4 * units] has 6 elements, expected 24",
                s -> s.backend().lstmCellBackward(CELL, null, s.f32(36), s.f32(6), s.f32(36), s.f32(6), s.f32(6),
                        s.f32(24)));
        reject(cases, "lstmCellBackward", "a mask of one step",
                "lstmCellBackward: mask [steps, batch] has 2 elements, expected 4",
                s -> s.backend().lstmCellBackward(CELL, s.f32(2), s.f32(36), s.f32(24), s.f32(36), s.f32(6), s.f32(6),
                        s.f32(24)));
        reject(cases, "lstmCellBackward", "gradC is gradH",
                "lstmCellBackward: gradC and gradH are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer gradH = s.f32(6);
                    s.backend().lstmCellBackward(CELL, null, s.f32(36), s.f32(24), s.f32(36), gradH, gradH, s.f32(24));
                });
        reject(cases, "lstmCellBackward", "I32 buffers", "lstmCellBackward: got an I32 buffer; lstmCellBackward"
                        + " computes on F32 or F64 only (I32 buffers hold indices)",
                s -> s.backend().lstmCellBackward(CELL, null, s.i32(36), s.i32(24), s.i32(36), s.i32(6), s.i32(6),
                        s.i32(24)));
        reject(cases, "gruCell", "a recurrent bias of one gate",
                "gruCell: recurrentBias [3 * units] has 3 elements, expected 9",
                s -> s.backend().gruCell(CELL, s.f32(36), s.f32(18), s.f32(3), null, s.f32(18), s.f32(6), s.f32(24)));
        reject(cases, "gruCell", "a mask of one step", "gruCell: mask [steps, batch] has 2 elements, expected 4",
                s -> s.backend().gruCell(CELL, s.f32(36), s.f32(18), null, s.f32(2), s.f32(18), s.f32(6), s.f32(24)));
        reject(cases, "gruCell", "states are recurrent",
                "gruCell: states and recurrent are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer recurrent = s.f32(18);
                    s.backend().gruCell(CELL, s.f32(36), recurrent, null, null, recurrent, s.f32(6), s.f32(24));
                });
        reject(cases, "gruCell", "an I32 recurrent bias", "gruCell: dtypes differ: recurrentBias is I32, states is F32;"
                        + " every buffer of one call must have the same dtype",
                s -> s.backend().gruCell(CELL, s.f32(36), s.f32(18), s.i32(9), null, s.f32(18), s.f32(6), s.f32(24)));
        reject(cases, "gruCellBackward", "gates of three gates",
                "gruCellBackward: gates [batch, 4 * units] has 18 elements, expected 24",
                s -> s.backend().gruCellBackward(CELL, null, s.f32(18), s.f32(18), s.f32(18), s.f32(6), s.f32(18),
                        s.f32(18)));
        reject(cases, "gruCellBackward", "a mask of one step",
                "gruCellBackward: mask [steps, batch] has 2 elements, expected 4",
                s -> s.backend().gruCellBackward(CELL, s.f32(2), s.f32(18), s.f32(24), s.f32(18), s.f32(6), s.f32(18),
                        s.f32(18)));
        reject(cases, "gruCellBackward", "gradRecurrent is gradInputGates",
                "gruCellBackward: gradRecurrent and gradInputGates are the same buffer; an output must be distinct from"
                        + " the inputs",
                s -> {
                    Buffer gradInputGates = s.f32(18);
                    s.backend().gruCellBackward(CELL, null, s.f32(18), s.f32(24), s.f32(18), s.f32(6), gradInputGates,
                            gradInputGates);
                });
        reject(cases, "gruCellBackward", "an I32 mask", "gruCellBackward: dtypes differ: mask is I32, states is F32;"
                        + " every buffer of one call must have the same dtype",
                s -> s.backend().gruCellBackward(CELL, s.i32(4), s.f32(18), s.f32(24), s.f32(18), s.f32(6), s.f32(18),
                        s.f32(18)));
        reject(cases, "gruResetCell", "recurrent products of three gates",
                "gruResetCell: recurrent [batch, 2 * units] has 18 elements, expected 12",
                s -> s.backend().gruResetCell(CELL, s.f32(36), s.f32(18), s.f32(18), s.f32(6), s.f32(18)));
        reject(cases, "gruResetCell", "gates are states",
                "gruResetCell: gates and states are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer states = s.f32(18);
                    s.backend().gruResetCell(CELL, s.f32(36), s.f32(12), states, s.f32(6), states);
                });
        reject(cases, "gruResetCell", "I32 buffers", "gruResetCell: got an I32 buffer; gruResetCell computes on F32"
                        + " or F64 only (I32 buffers hold indices)",
                s -> s.backend().gruResetCell(CELL, s.i32(36), s.i32(12), s.i32(18), s.i32(6), s.i32(18)));
        reject(cases, "gruCandidateCell", "recurrent products of the z and r gates",
                "gruCandidateCell: recurrent [batch, units] has 12 elements, expected 6",
                s -> s.backend().gruCandidateCell(CELL, s.f32(36), s.f32(12), null, s.f32(18), s.f32(6), s.f32(18)));
        reject(cases, "gruCandidateCell", "the gates of a GRU that resets after the product",
                "gruCandidateCell: gates [batch, 3 * units] has 24 elements, expected 18",
                s -> s.backend().gruCandidateCell(CELL, s.f32(36), s.f32(6), null, s.f32(18), s.f32(6), s.f32(24)));
        reject(cases, "gruCandidateCell", "a mask of one step",
                "gruCandidateCell: mask [steps, batch] has 2 elements, expected 4",
                s -> s.backend().gruCandidateCell(CELL, s.f32(36), s.f32(6), s.f32(2), s.f32(18), s.f32(6),
                        s.f32(18)));
        reject(cases, "gruCandidateCell", "h is recurrent",
                "gruCandidateCell: h and recurrent are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer recurrent = s.f32(6);
                    s.backend().gruCandidateCell(CELL, s.f32(36), recurrent, null, s.f32(18), recurrent, s.f32(18));
                });
        reject(cases, "gruCandidateCellBackward", "gradResetGates of three gates",
                "gruCandidateCellBackward: gradResetGates [batch, 2 * units] has 18 elements, expected 12",
                s -> s.backend().gruCandidateCellBackward(CELL, null, s.f32(18), s.f32(18), s.f32(18), s.f32(6),
                        s.f32(6), s.f32(18)));
        reject(cases, "gruCandidateCellBackward", "gradCandidate is gradH",
                "gruCandidateCellBackward: gradCandidate and gradH are the same buffer; an output must be distinct"
                        + " from the inputs",
                s -> {
                    Buffer gradH = s.f32(6);
                    s.backend().gruCandidateCellBackward(CELL, null, s.f32(18), s.f32(18), s.f32(18), gradH, gradH,
                            s.f32(12));
                });
        reject(cases, "gruCandidateCellBackward", "an I32 mask", "gruCandidateCellBackward: dtypes differ: mask is"
                        + " I32, states is F32; every buffer of one call must have the same dtype",
                s -> s.backend().gruCandidateCellBackward(CELL, s.i32(4), s.f32(18), s.f32(18), s.f32(18), s.f32(6),
                        s.f32(6), s.f32(12)));
        reject(cases, "gruResetCellBackward", "gradResetHidden of the z and r gates",
                "gruResetCellBackward: gradResetHidden [batch, units] has 12 elements, expected 6",
                s -> s.backend().gruResetCellBackward(CELL, s.f32(18), s.f32(18), s.f32(12), s.f32(6), s.f32(12)));
        reject(cases, "gruResetCellBackward", "gradH is gradResetHidden",
                "gruResetCellBackward: gradH and gradResetHidden are the same buffer; an output must be distinct from"
                        + " the inputs",
                s -> {
                    Buffer gradResetHidden = s.f32(6);
                    s.backend().gruResetCellBackward(CELL, s.f32(18), s.f32(18), gradResetHidden, gradResetHidden,
                            s.f32(12));
                });
        // element-wise
        reject(cases, "unary", "out longer than x", "unary EXP: out has 7 elements, expected 6",
                s -> s.backend().unary(UnaryOp.EXP, 0, 0, s.f32(6), s.f32(7)));
        reject(cases, "unary", "no op", "unary: op is null",
                s -> s.backend().unary(null, 0, 0, s.f32(6), s.f32(6)));
        reject(cases, "unary", "freed x", "unary RELU: x was already freed",
                s -> s.backend().unary(UnaryOp.RELU, 0, 0, s.freed(), s.f32(4)));
        reject(cases, "unaryBackward", "gradOut shorter than x", "unaryBackward TANH: gradOut has 5 elements, expected 6",
                s -> s.backend().unaryBackward(UnaryOp.TANH, 0, 0, s.f32(6), s.f32(6), s.f32(5), s.f32(6)));
        reject(cases, "binary", "b not of its broadcast axes", "binary ADD: b has 6 elements, expected 3",
                s -> s.backend().binary(BinaryOp.ADD, new Broadcast(1, 2, 3, Broadcast.ALL, Broadcast.INNER), s.f32(6),
                        s.f32(6), s.f32(6)));
        reject(cases, "binary", "out is the broadcast operand", "binary MUL: out has 3 elements, expected 6",
                s -> {
                    Buffer b = s.f32(3);
                    s.backend().binary(BinaryOp.MUL, new Broadcast(1, 2, 3, Broadcast.ALL, Broadcast.INNER), s.f32(6), b,
                            b);
                });
        rejectF64(cases, "binary", "dtypes differ",
                "binary ADD: dtypes differ: out is F64, a is F32; every buffer of one call must have the same dtype",
                s -> s.backend().binary(BinaryOp.ADD, Broadcast.same(4), s.f32(4), s.f32(4), s.f64(4)));
        // reductions and row-wise ops
        reject(cases, "histogram", "real counts", "histogram: counts is an F32 buffer; it must be I32",
                s -> s.backend().histogram(s.f32(6), 0, 1, 3, s.f32(3)));
        reject(cases, "histogram", "I32 x", "histogram: got an I32 buffer; histogram computes on F32 or F64 only"
                        + " (I32 buffers hold indices)",
                s -> s.backend().histogram(s.i32(6), 0, 1, 3, s.i32(3)));
        reject(cases, "histogram", "no bins", "histogram: expected bins >= 1, got 0",
                s -> s.backend().histogram(s.f32(6), 0, 1, 0, s.i32(0)));
        reject(cases, "histogram", "empty range", "histogram: expected a finite range with low < high, got [1.0, 1.0]",
                s -> s.backend().histogram(s.f32(6), 1, 1, 3, s.i32(3)));
        reject(cases, "histogram", "infinite range",
                "histogram: expected a finite range with low < high, got [-Infinity, 1.0]",
                s -> s.backend().histogram(s.f64(6), Double.NEGATIVE_INFINITY, 1, 3, s.i32(3)));
        reject(cases, "histogram", "range too narrow for F32",
                "histogram: the range [0.0, 1.0E-40] is too narrow for 3 bins in F32 (bins / (high - low) overflows)",
                s -> s.backend().histogram(s.f32(6), 0, 1e-40, 3, s.i32(3)));
        reject(cases, "histogram", "counts not [bins]", "histogram: counts [bins] has 4 elements, expected 3",
                s -> s.backend().histogram(s.f32(6), 0, 1, 3, s.i32(4)));
        reject(cases, "reduce", "empty middle axis",
                "reduce SUM: expected outer >= 0, middle >= 1 and inner >= 0, got outer=2, middle=0, inner=3",
                s -> s.backend().reduce(ReduceOp.SUM, 2, 0, 3, s.f32(6), s.f32(6)));
        reject(cases, "reduce", "out of another length", "reduce MAX: out [outer, inner] has 6 elements, expected 2",
                s -> s.backend().reduce(ReduceOp.MAX, 1, 3, 2, s.f32(6), s.f32(6)));
        reject(cases, "reduce", "out is x",
                "reduce MEAN: out and x are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer x = s.f32(6);
                    s.backend().reduce(ReduceOp.MEAN, 1, 1, 6, x, x);
                });
        reject(cases, "softmax", "no columns", "softmax: expected rows >= 0 and cols >= 1, got rows=2, cols=0",
                s -> s.backend().softmax(false, 2, 0, s.f32(0), s.f32(0)));
        reject(cases, "softmax", "out is x",
                "logSoftmax: out and x are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer x = s.f32(6);
                    s.backend().softmax(true, 2, 3, x, x);
                });
        reject(cases, "softmaxBackward", "gradIn is gradOut",
                "softmaxBackward: gradIn and gradOut are the same buffer; an output must be distinct from the inputs",
                s -> {
                    Buffer g = s.f32(6);
                    s.backend().softmaxBackward(false, 2, 3, s.f32(6), g, g);
                });
        reject(cases, "softmaxCrossEntropy", "losses not [rows]",
                "softmaxCrossEntropy: losses [rows] has 6 elements, expected 2",
                s -> s.backend().softmaxCrossEntropy(2, 3, s.f32(6), s.f32(6), s.f32(6), s.f32(6)));
        reject(cases, "softmaxCrossEntropy", "probabilities are the logits",
                "softmaxCrossEntropy: probabilities and logits are the same buffer; an output must be distinct from "
                        + "the inputs",
                s -> {
                    Buffer logits = s.f32(6);
                    s.backend().softmaxCrossEntropy(2, 3, logits, s.f32(6), logits, s.f32(2));
                });
        reject(cases, "softmaxCrossEntropyTotal", "no rows",
                "softmaxCrossEntropyTotal: expected rows >= 1 and cols >= 1 (a total of no rows has no mean), got "
                        + "rows=0, cols=3",
                s -> s.backend().softmaxCrossEntropyTotal(0, 3, 1, s.f32(0), s.f32(0), s.f32(0), s.f32(1)));
        reject(cases, "softmaxCrossEntropyTotal", "total not one element",
                "softmaxCrossEntropyTotal: total [1] has 2 elements, expected 1",
                s -> s.backend().softmaxCrossEntropyTotal(2, 3, 0.5, s.f32(6), s.f32(6), s.f32(6), s.f32(2)));
        reject(cases, "softmaxCrossEntropyTotal", "NaN scale",
                "softmaxCrossEntropyTotal: scale must be finite, got NaN",
                s -> s.backend().softmaxCrossEntropyTotal(2, 3, Double.NaN, s.f32(6), s.f32(6), s.f32(6), s.f32(1)));
        reject(cases, "softmaxCrossEntropyTotal", "total is the targets",
                "softmaxCrossEntropyTotal: total and targets are the same buffer; an output must be distinct from the "
                        + "inputs",
                s -> {
                    Buffer targets = s.f32(1);
                    s.backend().softmaxCrossEntropyTotal(1, 1, 1, s.f32(1), targets, s.f32(1), targets);
                });
        reject(cases, "softmaxCrossEntropyBackward", "gradLosses not [rows]",
                "softmaxCrossEntropyBackward: gradLosses [rows] (or [1], shared by every row) has 3 elements, "
                        + "expected 2",
                s -> s.backend().softmaxCrossEntropyBackward(2, 3, 1, s.f32(6), s.f32(6), s.f32(3), s.f32(6)));
        reject(cases, "softmaxCrossEntropyBackward", "infinite scale",
                "softmaxCrossEntropyBackward: scale must be finite, got Infinity",
                s -> s.backend().softmaxCrossEntropyBackward(2, 3, Double.POSITIVE_INFINITY, s.f32(6), s.f32(6),
                        s.f32(1), s.f32(6)));
        reject(cases, "addArgmaxMatches", "labels not [rows, cols]",
                "addArgmaxMatches: labels [rows, cols] has 2 elements, expected 6",
                s -> s.backend().addArgmaxMatches(2, 3, s.f32(6), s.f32(2), false, s.f32(1)));
        reject(cases, "addArgmaxMatches", "float class indices",
                "addArgmaxMatches: indices are an F32 buffer; they must be I32 (convert class labels and ids to int"
                        + " where the data enters)",
                s -> s.backend().addArgmaxMatches(2, 3, s.f32(6), s.f32(2), true, s.f32(1)));
        reject(cases, "addArgmaxMatches", "total not one element",
                "addArgmaxMatches: total [1] has 2 elements, expected 1",
                s -> s.backend().addArgmaxMatches(2, 3, s.f32(6), s.i32(2), true, s.f32(2)));
        reject(cases, "addArgmaxMatches", "total is the predictions",
                "addArgmaxMatches: total and predictions are the same buffer; an output must be distinct from the "
                        + "inputs",
                s -> {
                    Buffer predictions = s.f32(1);
                    s.backend().addArgmaxMatches(1, 1, predictions, s.f32(1), false, predictions);
                });
        reject(cases, "oneHot", "no classes", "oneHot: expected rows >= 0 and classes >= 1, got rows=4, classes=0",
                s -> s.backend().oneHot(4, 0, s.i32(4), s.f32(4)));
        reject(cases, "oneHot", "out shorter than [rows, classes]", "oneHot: out [rows, classes] has 4 elements, expected 8",
                s -> s.backend().oneHot(4, 2, s.i32(4), s.f32(4)));
        // training
        reject(cases, "update", "too few states", "update ADAM: expected 2 state buffer(s), got 1",
                s -> s.backend().update(UpdateRule.ADAM, STEP_1, s.f32(6), s.f32(6), s.f32(6)));
        reject(cases, "update", "Adam at step 0", "update ADAMW: step must be at least 1, got 0",
                s -> s.backend().update(UpdateRule.ADAMW, STEP_0, s.f32(6), s.f32(6), s.f32(6), s.f32(6)));
        reject(cases, "update", "state shorter than param", "update MOMENTUM: state 0 has 5 elements, expected 6",
                s -> s.backend().update(UpdateRule.MOMENTUM, STEP_1, s.f32(6), s.f32(6), s.f32(5)));
        reject(cases, "update", "grad is param",
                "update SGD: param and grad are the same buffer; they must be different buffers",
                s -> {
                    Buffer p = s.f32(6);
                    s.backend().update(UpdateRule.SGD, STEP_1, p, p);
                });
        reject(cases, "updateGroup", "fewer grads than params",
                "updateGroup SGD: 2 params need as many grads and state sets, got 1 and 2",
                s -> s.backend().updateGroup(UpdateRule.SGD, STEP_1, new Buffer[] {s.f32(3), s.f32(4)},
                        new Buffer[] {s.f32(3)}, new Buffer[][] {{}, {}}));
        reject(cases, "updateGroup", "a state shorter than its param",
                "updateGroup MOMENTUM: state 0 has 3 elements, expected 4",
                s -> s.backend().updateGroup(UpdateRule.MOMENTUM, STEP_1, new Buffer[] {s.f32(3), s.f32(4)},
                        new Buffer[] {s.f32(3), s.f32(4)}, new Buffer[][] {{s.f32(3)}, {s.f32(3)}}));
        reject(cases, "updateGroup", "a buffer shared by two params",
                "updateGroup SGD: the buffers of parameter 1 repeat a buffer of an earlier parameter; every buffer "
                        + "must appear once",
                s -> {
                    Buffer grad = s.f32(3);
                    s.backend().updateGroup(UpdateRule.SGD, STEP_1, new Buffer[] {s.f32(3), s.f32(3)},
                            new Buffer[] {grad, grad}, new Buffer[][] {{}, {}});
                });
        reject(cases, "random", "no distribution", "random: distribution is null",
                s -> s.backend().random(null, 1, 0, 0, 1, s.f32(6)));
        reject(cases, "random", "null out", "random UNIFORM: out is null",
                s -> s.backend().random(Distribution.UNIFORM, 1, 0, 0, 1, null));
        return cases;
    }

    /** Calls at the edge of the preconditions that every backend accepts. */
    public static List<Case> accepted() {
        List<Case> cases = new ArrayList<>();
        accept(cases, "upload", "host array shorter than the target", s -> s.backend().upload(new float[3], s.f32(6)));
        accept(cases, "copy", "disjoint ranges of one buffer", s -> {
            Buffer b = s.f32(6);
            s.backend().copy(b, 0, b, 3, 3);
        });
        accept(cases, "copyBlocks", "zero blocks anywhere", s -> s.backend().copyBlocks(0, 5, s.f32(1), 9, 9, s.f32(1), 9, 9));
        accept(cases, "gemm", "empty product", s -> s.backend().gemm(false, false, 0, 2, 3, 1, s.f32(0), s.f32(6), 0,
                s.f32(0)));
        accept(cases, "gemmBiasActivation", "an empty product without a bias",
                s -> s.backend().gemmBiasActivation(Activation.ELU, 1, false, false, 0, 2, 3, s.f32(0), s.f32(6), null,
                        s.f32(0)));
        accept(cases, "biasActivationBackward", "gradIn over gradOut, no bias gradient",
                s -> {
                    Buffer g = s.f32(6);
                    s.backend().biasActivationBackward(Activation.TANH, 0, 3, 2, s.f32(6), g, g, null);
                });
        accept(cases, "updateGroup", "no parameters",
                s -> s.backend().updateGroup(UpdateRule.ADAM, STEP_1, new Buffer[0], new Buffer[0], new Buffer[0][]));
        accept(cases, "gemmBatched", "one product in longer buffers",
                s -> s.backend().gemmBatched(false, true, 1, 2, 2, 3, 1, s.f32(8), 0, s.f32(7), 0, 0, s.f32(5), 0));
        accept(cases, "im2col", "an empty batch", s -> s.backend().im2col(WINDOW.withBatch(0), s.f32(0), s.f32(0)));
        accept(cases, "maxPool", "an empty batch",
                s -> s.backend().maxPool(WINDOW.withBatch(0), s.f32(0), s.f32(0), s.i32(0)));
        accept(cases, "avgPoolBackward", "an empty batch",
                s -> s.backend().avgPoolBackward(WINDOW.withBatch(0), s.f32(0), s.f32(0)));
        accept(cases, "lstmCell", "an empty batch with its empty mask",
                s -> s.backend().lstmCell(NO_SEQUENCES, s.f32(0), s.f32(0), s.f32(0), s.f32(0), s.f32(0), s.f32(0)));
        accept(cases, "gruCellBackward", "an empty batch",
                s -> s.backend().gruCellBackward(NO_SEQUENCES, null, s.f32(0), s.f32(0), s.f32(0), s.f32(0), s.f32(0),
                        s.f32(0)));
        accept(cases, "gruCell", "a recurrent bias and a mask",
                s -> s.backend().gruCell(CELL, s.f32(36), s.f32(18), s.f32(9), s.f32(4), s.f32(18), s.f32(6),
                        s.f32(24)));
        accept(cases, "gruResetCell", "an empty batch",
                s -> s.backend().gruResetCell(NO_SEQUENCES, s.f32(0), s.f32(0), s.f32(0), s.f32(0), s.f32(0)));
        accept(cases, "gruCandidateCellBackward", "an empty batch with its empty mask",
                s -> s.backend().gruCandidateCellBackward(NO_SEQUENCES, s.f32(0), s.f32(0), s.f32(0), s.f32(0),
                        s.f32(0), s.f32(0), s.f32(0)));
        accept(cases, "unary", "in place", s -> {
            Buffer x = s.f32(6);
            s.backend().unary(UnaryOp.EXP, 0, 0, x, x);
        });
        accept(cases, "unaryBackward", "gradIn is gradOut", s -> {
            Buffer g = s.f32(6);
            s.backend().unaryBackward(UnaryOp.SQUARE, 0, 0, s.f32(6), s.f32(6), g, g);
        });
        accept(cases, "binary", "out is the operand spanning the output", s -> {
            Buffer a = s.f32(6);
            s.backend().binary(BinaryOp.SUB, new Broadcast(1, 2, 3, Broadcast.ALL, Broadcast.INNER), a, s.f32(3), a);
        });
        accept(cases, "reduce", "no outer rows", s -> s.backend().reduce(ReduceOp.SUM, 0, 3, 2, s.f32(0), s.f32(0)));
        accept(cases, "histogram", "empty x", s -> s.backend().histogram(s.f32(0), 0, 1, 3, s.i32(3)));
        accept(cases, "histogram", "range narrow in F32, fine in F64",
                s -> s.backend().histogram(s.f64(6), 0, 1e-40, 3, s.i32(3)));
        accept(cases, "softmax", "no rows", s -> s.backend().softmax(false, 0, 3, s.f32(0), s.f32(0)));
        return cases;
    }

    private static void reject(List<Case> cases, String primitive, String name, String message, Consumer<Scratch> call) {
        cases.add(new Case(primitive, name, message, false, call));
    }

    private static void rejectF64(List<Case> cases, String primitive, String name, String message,
                                  Consumer<Scratch> call) {
        cases.add(new Case(primitive, name, message, true, call));
    }

    private static void accept(List<Case> cases, String primitive, String name, Consumer<Scratch> call) {
        cases.add(new Case(primitive, name, null, false, call));
    }
}

package dev.kiln.samples.bench;

import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.backend.DeviceMemory;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.PendingDownload;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.SequenceStep;
import dev.kiln.backend.TransferStats;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.Window2d;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Backend} that forwards every call to another one and times it, waiting for the device after each
 * call. Waiting serialises the device and adds a round trip per call, so a profiled run is slower than a real
 * one: use it for where the time goes, never for seconds per epoch.
 */
public final class ProfilingBackend implements Backend {
    private final Backend delegate;
    private final Map<String, OpTime> times = new TreeMap<>();
    private long liveBytes;
    private long peakBytes;

    /**
     * Calls and total nanoseconds of one kind of call.
     *
     * @param calls how many calls
     * @param nanos their summed wall time, device wait included
     */
    public record OpTime(long calls, long nanos) {
        OpTime plus(long elapsed) {
            return new OpTime(calls + 1, nanos + elapsed);
        }
    }

    public ProfilingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    /**
     * Time per kind of call ("gemm NT 128x784x10" with its transposes and m x n x k, "unary RELU", "upload", ...),
     * since creation or the last reset.
     */
    public Map<String, OpTime> times() {
        return Map.copyOf(times);
    }

    /** Forgets the times measured so far and starts the peak over from the bytes live now. */
    public void reset() {
        times.clear();
        peakBytes = liveBytes;
    }

    /** The most bytes of buffers allocated through this backend and live at once since creation or the last reset. */
    public long peakBytes() {
        return peakBytes;
    }

    private void timed(String kind, Runnable call) {
        long start = System.nanoTime();
        call.run();
        delegate.synchronize();
        times.merge(kind, new OpTime(1, System.nanoTime() - start), (a, b) -> a.plus(b.nanos()));
    }

    @Override
    public String name() {
        return delegate.name();
    }

    // The wrapped backend's lock, so that work through this wrapper and directly on the backend never interleaves.
    @Override
    public ReentrantLock lock() {
        return delegate.lock();
    }

    @Override
    public boolean isClosed() {
        return delegate.isClosed();
    }

    @Override
    public DeviceInfo device() {
        return delegate.device();
    }

    @Override
    public boolean supports(DType dtype) {
        return delegate.supports(dtype);
    }

    @Override
    public Buffer allocate(DType dtype, long length) {
        Buffer[] out = new Buffer[1];
        timed("allocate", () -> out[0] = delegate.allocate(dtype, length));
        liveBytes += length * dtype.bytes();
        peakBytes = Math.max(peakBytes, liveBytes);
        return out[0];
    }

    @Override
    public void upload(float[] source, Buffer target) {
        timed("upload", () -> delegate.upload(source, target));
    }

    @Override
    public void upload(double[] source, Buffer target) {
        timed("upload", () -> delegate.upload(source, target));
    }

    @Override
    public void upload(int[] source, Buffer target) {
        timed("upload", () -> delegate.upload(source, target));
    }

    @Override
    public void download(Buffer source, float[] target) {
        timed("download", () -> delegate.download(source, target));
    }

    @Override
    public void download(Buffer source, double[] target) {
        timed("download", () -> delegate.download(source, target));
    }

    @Override
    public void download(Buffer source, int[] target) {
        timed("download", () -> delegate.download(source, target));
    }

    @Override
    public PendingDownload downloadLater(Buffer source, int count) {
        PendingDownload[] out = new PendingDownload[1];
        timed("downloadLater", () -> out[0] = delegate.downloadLater(source, count));
        return out[0];
    }

    @Override
    public void copy(Buffer source, long sourceOffset, Buffer target, long targetOffset, long length) {
        timed("copy", () -> delegate.copy(source, sourceOffset, target, targetOffset, length));
    }

    @Override
    public void copyBlocks(int blocks, int blockLength, Buffer source, long sourceOffset, long sourceStride,
                           Buffer target, long targetOffset, long targetStride) {
        timed("copyBlocks", () -> delegate.copyBlocks(blocks, blockLength, source, sourceOffset, sourceStride,
                target, targetOffset, targetStride));
    }

    @Override
    public void fill(Buffer target, double value) {
        timed("fill", () -> delegate.fill(target, value));
    }

    @Override
    public void free(Buffer buffer) {
        long bytes = buffer.length() * buffer.dtype().bytes();
        timed("free", () -> delegate.free(buffer));
        liveBytes -= bytes;
    }

    @Override
    public DeviceMemory memory() {
        return delegate.memory();
    }

    @Override
    public TransferStats transfers() {
        return delegate.transfers();
    }

    @Override
    public void synchronize() {
        delegate.synchronize();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void gemm(boolean transposeA, boolean transposeB, int m, int n, int k, double alpha, Buffer a, Buffer b,
                     double beta, Buffer c) {
        String kind = String.format(Locale.ROOT, "gemm %s%s %dx%dx%d", transposeA ? "T" : "N",
                transposeB ? "T" : "N", m, n, k);
        timed(kind, () -> delegate.gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c));
    }

    @Override
    public void gemmBiasActivation(Activation activation, double alpha, boolean transposeA, boolean transposeB, int m,
                                   int n, int k, Buffer a, Buffer b, Buffer bias, Buffer out) {
        String kind = String.format(Locale.ROOT, "gemmBiasActivation %s %s%s %dx%dx%d", activation,
                transposeA ? "T" : "N", transposeB ? "T" : "N", m, n, k);
        timed(kind, () -> delegate.gemmBiasActivation(activation, alpha, transposeA, transposeB, m, n, k, a, b, bias,
                out));
    }

    @Override
    public void biasActivationBackward(Activation activation, double alpha, int rows, int cols, Buffer y,
                                       Buffer gradOut, Buffer gradIn, Buffer gradBias) {
        timed("biasActivationBackward " + activation, () -> delegate.biasActivationBackward(activation, alpha, rows,
                cols, y, gradOut, gradIn, gradBias));
    }

    @Override
    public void gemmBatched(boolean transposeA, boolean transposeB, int batch, int m, int n, int k, double alpha,
                            Buffer a, long strideA, Buffer b, long strideB, double beta, Buffer c, long strideC) {
        String kind = String.format(Locale.ROOT, "gemmBatched %s%s %dx%dx%dx%d", transposeA ? "T" : "N",
                transposeB ? "T" : "N", batch, m, n, k);
        timed(kind, () -> delegate.gemmBatched(transposeA, transposeB, batch, m, n, k, alpha, a, strideA, b, strideB,
                beta, c, strideC));
    }

    @Override
    public void transpose(int rows, int cols, Buffer x, Buffer out) {
        timed("transpose", () -> delegate.transpose(rows, cols, x, out));
    }

    @Override
    public void permute(int[] dims, int[] axes, Buffer x, Buffer out) {
        timed("permute", () -> delegate.permute(dims, axes, x, out));
    }

    @Override
    public void gather(int rows, int cols, int count, Buffer table, Buffer indices, Buffer out) {
        timed("gather", () -> delegate.gather(rows, cols, count, table, indices, out));
    }

    @Override
    public void scatterAdd(int rows, int cols, int count, Buffer indices, Buffer values, Buffer out) {
        timed("scatterAdd", () -> delegate.scatterAdd(rows, cols, count, indices, values, out));
    }

    @Override
    public void im2col(Window2d window, Buffer image, Buffer columns) {
        timed("im2col", () -> delegate.im2col(window, image, columns));
    }

    @Override
    public void col2im(Window2d window, Buffer columns, Buffer image) {
        timed("col2im", () -> delegate.col2im(window, columns, image));
    }

    @Override
    public void maxPool(Window2d window, Buffer image, Buffer out, Buffer argmax) {
        timed("maxPool", () -> delegate.maxPool(window, image, out, argmax));
    }

    @Override
    public void maxPoolBackward(Window2d window, Buffer gradOut, Buffer argmax, Buffer gradImage) {
        timed("maxPoolBackward", () -> delegate.maxPoolBackward(window, gradOut, argmax, gradImage));
    }

    @Override
    public void avgPool(Window2d window, Buffer image, Buffer out) {
        timed("avgPool", () -> delegate.avgPool(window, image, out));
    }

    @Override
    public void avgPoolBackward(Window2d window, Buffer gradOut, Buffer gradImage) {
        timed("avgPoolBackward", () -> delegate.avgPoolBackward(window, gradOut, gradImage));
    }

    @Override
    public void rnnCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h) {
        timed("rnnCell", () -> delegate.rnnCell(at, inputGates, recurrent, mask, states, h));
    }

    @Override
    public void rnnCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gradStates, Buffer gradH,
                                Buffer gradGates) {
        timed("rnnCellBackward", () -> delegate.rnnCellBackward(at, mask, states, gradStates, gradH, gradGates));
    }

    @Override
    public void lstmCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h,
                         Buffer gates) {
        timed("lstmCell", () -> delegate.lstmCell(at, inputGates, recurrent, mask, states, h, gates));
    }

    @Override
    public void lstmCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                 Buffer gradH, Buffer gradC, Buffer gradGates) {
        timed("lstmCellBackward", () -> delegate.lstmCellBackward(at, mask, states, gates, gradStates, gradH, gradC,
                gradGates));
    }

    @Override
    public void gruCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer recurrentBias, Buffer mask,
                        Buffer states, Buffer h, Buffer gates) {
        timed("gruCell", () -> delegate.gruCell(at, inputGates, recurrent, recurrentBias, mask, states, h, gates));
    }

    @Override
    public void gruCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                Buffer gradH, Buffer gradInputGates, Buffer gradRecurrent) {
        timed("gruCellBackward", () -> delegate.gruCellBackward(at, mask, states, gates, gradStates, gradH,
                gradInputGates, gradRecurrent));
    }

    @Override
    public void gruResetCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer states, Buffer resetHidden,
                             Buffer gates) {
        timed("gruResetCell", () -> delegate.gruResetCell(at, inputGates, recurrent, states, resetHidden, gates));
    }

    @Override
    public void gruCandidateCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states,
                                 Buffer h, Buffer gates) {
        timed("gruCandidateCell", () -> delegate.gruCandidateCell(at, inputGates, recurrent, mask, states, h, gates));
    }

    @Override
    public void gruCandidateCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                         Buffer gradH, Buffer gradCandidate, Buffer gradResetGates) {
        timed("gruCandidateCellBackward", () -> delegate.gruCandidateCellBackward(at, mask, states, gates,
                gradStates, gradH, gradCandidate, gradResetGates));
    }

    @Override
    public void gruResetCellBackward(SequenceStep at, Buffer states, Buffer gates, Buffer gradResetHidden,
                                     Buffer gradH, Buffer gradResetGates) {
        timed("gruResetCellBackward", () -> delegate.gruResetCellBackward(at, states, gates, gradResetHidden, gradH,
                gradResetGates));
    }

    @Override
    public void unary(UnaryOp op, double a, double b, Buffer x, Buffer out) {
        timed("unary " + op, () -> delegate.unary(op, a, b, x, out));
    }

    @Override
    public void unaryBackward(UnaryOp op, double a, double b, Buffer x, Buffer y, Buffer gradOut, Buffer gradIn) {
        timed("unaryBackward " + op, () -> delegate.unaryBackward(op, a, b, x, y, gradOut, gradIn));
    }

    @Override
    public void binary(BinaryOp op, Broadcast shape, Buffer a, Buffer b, Buffer out) {
        timed("binary " + op, () -> delegate.binary(op, shape, a, b, out));
    }

    @Override
    public void reduce(ReduceOp op, int outer, int middle, int inner, Buffer x, Buffer out) {
        timed("reduce " + op, () -> delegate.reduce(op, outer, middle, inner, x, out));
    }

    @Override
    public void softmax(boolean log, int rows, int cols, Buffer x, Buffer out) {
        timed(log ? "logSoftmax" : "softmax", () -> delegate.softmax(log, rows, cols, x, out));
    }

    @Override
    public void softmaxBackward(boolean log, int rows, int cols, Buffer y, Buffer gradOut, Buffer gradIn) {
        timed(log ? "logSoftmaxBackward" : "softmaxBackward",
                () -> delegate.softmaxBackward(log, rows, cols, y, gradOut, gradIn));
    }

    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer targets, Buffer probabilities,
                                    Buffer losses) {
        timed("softmaxCrossEntropy",
                () -> delegate.softmaxCrossEntropy(rows, cols, logits, targets, probabilities, losses));
    }

    @Override
    public void softmaxCrossEntropyTotal(int rows, int cols, double scale, Buffer logits, Buffer targets,
                                         Buffer probabilities, Buffer total) {
        timed("softmaxCrossEntropyTotal",
                () -> delegate.softmaxCrossEntropyTotal(rows, cols, scale, logits, targets, probabilities, total));
    }

    @Override
    public void softmaxCrossEntropyBackward(int rows, int cols, double scale, Buffer probabilities, Buffer targets,
                                            Buffer gradLosses, Buffer gradLogits) {
        timed("softmaxCrossEntropyBackward", () -> delegate.softmaxCrossEntropyBackward(rows, cols, scale,
                probabilities, targets, gradLosses, gradLogits));
    }

    @Override
    public void histogram(Buffer x, double low, double high, int bins, Buffer counts) {
        timed("histogram", () -> delegate.histogram(x, low, high, bins, counts));
    }

    @Override
    public void addArgmaxMatches(int rows, int cols, Buffer predictions, Buffer labels, boolean classIndices,
                                 Buffer total) {
        timed("addArgmaxMatches", () -> delegate.addArgmaxMatches(rows, cols, predictions, labels, classIndices,
                total));
    }

    @Override
    public void oneHot(int rows, int classes, Buffer indices, Buffer out) {
        timed("oneHot", () -> delegate.oneHot(rows, classes, indices, out));
    }

    @Override
    public void update(UpdateRule rule, UpdateParameters parameters, Buffer param, Buffer grad, Buffer... states) {
        timed("update " + rule, () -> delegate.update(rule, parameters, param, grad, states));
    }

    @Override
    public void updateGroup(UpdateRule rule, UpdateParameters parameters, Buffer[] params, Buffer[] grads,
                            Buffer[][] states) {
        timed("updateGroup " + rule, () -> delegate.updateGroup(rule, parameters, params, grads, states));
    }

    @Override
    public void random(Distribution distribution, long seed, long offset, double a, double b, Buffer out) {
        timed("random " + distribution, () -> delegate.random(distribution, seed, offset, a, b, out));
    }
}

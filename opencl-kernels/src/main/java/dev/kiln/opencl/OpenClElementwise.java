package dev.kiln.opencl;

import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.DType;
import dev.kiln.backend.UnaryOp;
import java.util.Map;

/**
 * Launches the element-wise kernels of elementwise.cl on checked buffers: the unary functions and their gradients,
 * and the binary functions, through binary_&lt;op&gt;_vector when both operands are of an {@link OperandKind} and a
 * row operand's length is a multiple of the vector width, else through the kernel that decodes every position.
 */
final class OpenClElementwise {
    private static final Map<UnaryOp, String> UNARY = KernelNames.of("unary_", UnaryOp.class, "");
    private static final Map<UnaryOp, String> UNARY_BACKWARD = KernelNames.of("unary_", UnaryOp.class, "_backward");
    private static final Map<BinaryOp, String> BINARY = KernelNames.of("binary_", BinaryOp.class, "");
    private static final Map<BinaryOp, String> BINARY_VECTOR = KernelNames.of("binary_", BinaryOp.class, "_vector");

    private final OpenClBackend backend;

    OpenClElementwise(OpenClBackend backend) {
        this.backend = backend;
    }

    void unary(UnaryOp op, double a, double b, ClBuffer x, ClBuffer out) {
        long n = x.length();
        backend.launch(x.dtype(), KernelFamily.ELEMENTWISE, UNARY.get(op), () -> n + " elements")
                .unsignedLong(n).real(a).real(b).buffer(x).buffer(out).run(backend.queue(), backend.vectors(x.dtype(), n));
    }

    void unaryBackward(UnaryOp op, double a, double b, ClBuffer x, ClBuffer y, ClBuffer gradOut, ClBuffer gradIn) {
        long n = x.length();
        backend.launch(x.dtype(), KernelFamily.ELEMENTWISE, UNARY_BACKWARD.get(op), () -> n + " elements")
                .unsignedLong(n).real(a).real(b).buffer(x).buffer(y).buffer(gradOut).buffer(gradIn)
                .run(backend.queue(), backend.vectors(x.dtype(), n));
    }

    void binary(BinaryOp op, Broadcast shape, ClBuffer a, ClBuffer b, ClBuffer out) {
        DType dtype = out.dtype();
        long n = shape.length();
        OperandKind aKind = OperandKind.of(shape, shape.aAxes());
        OperandKind bKind = OperandKind.of(shape, shape.bAxes());
        int lanes = backend.lanes(dtype);
        long vectors = backend.vectors(dtype, n);
        boolean rows = aKind == OperandKind.ROW || bKind == OperandKind.ROW;
        if (aKind != null && bKind != null && (!rows || shape.inner() % lanes == 0) && vectors <= Integer.MAX_VALUE) {
            int rowVectors = rows ? shape.inner() / lanes : 1;
            backend.launch(dtype, KernelFamily.ELEMENTWISE, BINARY_VECTOR.get(op), shape::toString)
                    .unsignedLong(n).integer(rowVectors).divisor(rowVectors)
                    .integer(aKind.ordinal()).integer(bKind.ordinal()).buffer(a).buffer(b).buffer(out)
                    .run(backend.queue(), vectors);
        } else {
            backend.launch(dtype, KernelFamily.ELEMENTWISE, BINARY.get(op), shape::toString)
                    .unsignedLong(n).integer(shape.middle()).integer(shape.inner())
                    .integer(shape.aAxes()).integer(shape.bAxes()).buffer(a).buffer(b).buffer(out)
                    .run(backend.queue(), n);
        }
    }
}

package dev.kiln.opencl;

import dev.kiln.KilnException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The kernel source files, one per family, each compiled after the shared prelude {@code common.cl} and the helper
 * sources it names (activation.cl for the families that fuse an activation).
 */
enum KernelFamily {
    ELEMENTWISE("elementwise.cl"),
    REDUCE("reduce.cl"),
    SOFTMAX("softmax.cl"),
    GEMM("gemm.cl", "activation.cl"),
    OPTIM("optim.cl"),
    RANDOM("random.cl"),
    WINDOWS("windows.cl"),
    CELLS("cells.cl"),
    DENSE("dense.cl", "activation.cl");

    static final String PRELUDE = "common.cl";

    private final String resource;
    private final String[] helpers;

    KernelFamily(String resource, String... helpers) {
        this.resource = resource;
        this.helpers = helpers;
    }

    String resource() {
        return resource;
    }

    /** The family's source text, after its helpers'. */
    String source() {
        StringBuilder text = new StringBuilder();
        for (String helper : helpers) {
            text.append(load(helper)).append('\n');
        }
        return text.append(load(resource)).toString();
    }

    /** Reads a kernel source next to this class under {@code kernels/}, failing with the resource name. */
    static String load(String name) {
        String path = "kernels/" + name;
        try (InputStream in = KernelFamily.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new KilnException("kernel source resource '" + path + "' is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KilnException("kernel source resource '" + path + "' could not be read: " + e.getMessage(), e);
        }
    }
}

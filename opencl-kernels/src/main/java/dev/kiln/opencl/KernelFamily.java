package dev.kiln.opencl;

import dev.kiln.KilnException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The kernel source files, one per family, each compiled after the shared prelude {@code common.cl}. */
enum KernelFamily {
    ELEMENTWISE("elementwise.cl"),
    REDUCE("reduce.cl"),
    SOFTMAX("softmax.cl"),
    GEMM("gemm.cl"),
    OPTIM("optim.cl"),
    RANDOM("random.cl"),
    WINDOWS("windows.cl"),
    CELLS("cells.cl");

    static final String PRELUDE = "common.cl";

    private final String resource;

    KernelFamily(String resource) {
        this.resource = resource;
    }

    String resource() {
        return resource;
    }

    /** The family's source text. */
    String source() {
        return load(resource);
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

package dev.kiln.opencl;

import dev.kiln.KilnException;
import java.util.function.Supplier;
import org.jocl.CL;

/** Turns OpenCL status codes into {@link KilnException}s that name the status. */
final class ClStatus {
    private ClStatus() {
    }

    /** The status name, e.g. "CL_OUT_OF_RESOURCES (-5)". */
    static String name(int status) {
        return CL.stringFor_errorCode(status) + " (" + status + ")";
    }

    /** Fails with "{what} failed: {status name}" unless {@code status} is CL_SUCCESS. */
    static void check(int status, Supplier<String> what) {
        if (status != CL.CL_SUCCESS) {
            throw new KilnException(what.get() + " failed: " + name(status));
        }
    }

    static void check(int status, String what) {
        if (status != CL.CL_SUCCESS) {
            throw new KilnException(what + " failed: " + name(status));
        }
    }

    /** Checks the error code a clCreate* call wrote into {@code errorCode[0]}. */
    static <T> T created(T object, int[] errorCode, String what) {
        check(errorCode[0], what);
        return object;
    }
}

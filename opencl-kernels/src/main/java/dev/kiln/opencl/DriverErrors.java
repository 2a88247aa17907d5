package dev.kiln.opencl;

import java.util.Optional;
import org.jocl.CreateContextFunction;
import org.jocl.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context's error callback (pfn_notify of clCreateContext): logs each report the driver makes asynchronously
 * (a kernel that faulted, a device lost) through slf4j, and keeps the latest, since the status code of the call that
 * fails afterwards says much less. The driver may call it from its own threads.
 */
final class DriverErrors implements CreateContextFunction {
    private static final Logger LOG = LoggerFactory.getLogger(DriverErrors.class);

    private final String device;
    private volatile String latest;

    DriverErrors(String device) {
        this.device = device;
    }

    @Override
    public void function(String errorInfo, Pointer privateInfo, long privateInfoSize, Object userData) {
        String report = errorInfo == null || errorInfo.isBlank() ? "(no text)" : errorInfo.trim();
        latest = report;
        LOG.error("OpenCL driver error on {}: {}", device, report);
    }

    /** The latest report, if the driver made one. */
    Optional<String> latest() {
        return Optional.ofNullable(latest);
    }
}

package dev.kiln.opencl;

import org.jocl.CL;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;

/** The context and in-order command queue of one device, created once and reused for every call. */
final class ClContext implements AutoCloseable {
    private final ClDevice device;
    // Held here so that the callback stays reachable for as long as the driver may call it.
    private final DriverErrors driverErrors;
    private final cl_context context;
    private final cl_command_queue queue;

    ClContext(ClDevice device) {
        this.device = device;
        this.driverErrors = new DriverErrors(device.info().name());
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL.CL_CONTEXT_PLATFORM, device.platform());
        int[] error = new int[1];
        String where = "creating an OpenCL context on " + device.info().name();
        this.context = ClStatus.created(CL.clCreateContext(properties, 1, new cl_device_id[] {device.id()},
                driverErrors, null, error), error, where);
        @SuppressWarnings("deprecation")
        cl_command_queue created = CL.clCreateCommandQueue(context, device.id(), 0, error);
        if (error[0] != CL.CL_SUCCESS) {
            CL.clReleaseContext(context);
        }
        this.queue = ClStatus.created(created, error, "creating a command queue on " + device.info().name());
    }

    ClDevice device() {
        return device;
    }

    cl_context context() {
        return context;
    }

    cl_command_queue queue() {
        return queue;
    }

    /** Waits for every enqueued command; a failure quotes the driver's latest asynchronous report. */
    void finish() {
        ClStatus.check(CL.clFinish(queue), () -> "waiting for the command queue of " + device.info().name()
                + driverErrors.latest().map(report -> " (the driver reported: " + report + ")").orElse(""));
    }

    @Override
    public void close() {
        CL.clFinish(queue);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }
}

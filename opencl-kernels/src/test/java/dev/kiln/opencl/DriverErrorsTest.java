package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The context error callback keeps the driver's latest report for the next error message. */
class DriverErrorsTest {

    @Test
    void theLatestReportIsKeptAndAnEmptyOneSaysSo() {
        DriverErrors errors = new DriverErrors("test device");
        assertEquals(Optional.empty(), errors.latest());
        errors.function("CL_OUT_OF_RESOURCES error executing CL_COMMAND_NDRANGE_KERNEL\n", null, 0, null);
        assertEquals(Optional.of("CL_OUT_OF_RESOURCES error executing CL_COMMAND_NDRANGE_KERNEL"), errors.latest());
        errors.function(null, null, 0, null);
        assertEquals(Optional.of("(no text)"), errors.latest());
    }
}

package dev.kiln.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/** A kernel that writes one float past its buffer, for {@link OclgrindTest} to show that Oclgrind reports it. */
final class OclgrindFault {
    private static final String SOURCE =
            "__kernel void past_the_end(__global float* x) { x[get_global_id(0) + 1] = 1.0f; }\n";

    private OclgrindFault() {
    }

    public static void main(String[] args) {
        CL.setExceptionsEnabled(true);
        cl_platform_id[] platform = new cl_platform_id[1];
        CL.clGetPlatformIDs(1, platform, null);
        cl_device_id[] device = new cl_device_id[1];
        CL.clGetDeviceIDs(platform[0], CL.CL_DEVICE_TYPE_DEFAULT, 1, device, null);
        cl_context context = CL.clCreateContext(null, 1, device, null, null, null);
        // OpenCL 1.2's call: Oclgrind 21.10 implements 1.2.
        @SuppressWarnings("deprecation")
        cl_command_queue queue = CL.clCreateCommandQueue(context, device[0], 0, null);
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[] {SOURCE}, null, null);
        CL.clBuildProgram(program, 0, null, "", null, null);
        cl_kernel kernel = CL.clCreateKernel(program, "past_the_end", null);
        cl_mem buffer = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, 4L * Sizeof.cl_float, null, null);
        CL.clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(buffer));
        CL.clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {4}, new long[] {4}, 0, null, null);
        CL.clFinish(queue);
        CL.clReleaseMemObject(buffer);
        CL.clReleaseKernel(kernel);
        CL.clReleaseProgram(program);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }
}

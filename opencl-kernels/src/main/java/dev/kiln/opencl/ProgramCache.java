package dev.kiln.opencl;

import dev.kiln.backend.KernelBuildException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * Builds programs for one device, once per source text (family, dtype and tuning macros), keeps them and
 * their kernels in memory, and reuses binaries from an optional {@link BinaryCache} across processes.
 */
final class ProgramCache implements AutoCloseable {
    private final ClContext context;
    private final String options;
    private final BinaryCache disk;
    // keyed by the text, which is the whole program: hashing the record would bootstrap method handles (startup)
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<cl_program, Map<String, cl_kernel>> kernels = new HashMap<>();
    private final Map<cl_kernel, KernelLimits> limits = new IdentityHashMap<>();
    private final Map<cl_kernel, KernelInstances> instances = new IdentityHashMap<>();
    private int sourceBuilds;
    private int binaryBuilds;

    /** {@code disk} may be null: no binary cache. */
    ProgramCache(ClContext context, BinaryCache disk) {
        this.context = context;
        this.disk = disk;
        this.options = options(context.device());
    }

    /**
     * Strict IEEE maths: never relaxed-math options, and single precision divide and sqrt correctly rounded where the
     * device can (OpenCL 1.2 allows 2.5 and 3 ulp by default), so results stay comparable with the CPU backend.
     */
    static String options(ClDevice device) {
        return device.correctlyRoundedDivideSqrt() ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
    }

    /** The kernel {@code name} of the program built from {@code source}. */
    cl_kernel kernel(ProgramSource source, String name) {
        cl_program program = program(source);
        return kernels.computeIfAbsent(program, p -> new HashMap<>()).computeIfAbsent(name, n -> {
            cl_kernel kernel = create(program, source, n);
            instances.put(kernel, new KernelInstances(kernel,
                    () -> PlatformLock.locked(() -> create(program, source, n))));
            return kernel;
        });
    }

    private static cl_kernel create(cl_program program, ProgramSource source, String name) {
        int[] error = new int[1];
        return ClStatus.created(CL.clCreateKernel(program, name, error), error,
                "creating kernel '" + name + "' of " + source.name());
    }

    /** The work-group limits of {@code kernel}, one of this cache's kernels, queried on first use. */
    KernelLimits limits(cl_kernel kernel) {
        return limits.computeIfAbsent(kernel, k -> KernelLimits.of(k, context.device()));
    }

    /** The kernel objects of {@code kernel}'s function that its launches choose from, {@code kernel} the first. */
    KernelInstances instances(cl_kernel kernel) {
        return instances.get(kernel);
    }

    /** The built program for {@code source}, compiling it on first use. */
    cl_program program(ProgramSource source) {
        cl_program program = programs.get(source.text());
        if (program == null) {
            program = build(source);
            programs.put(source.text(), program);
        }
        return program;
    }

    /** Programs compiled from source text so far. */
    int sourceBuilds() {
        return sourceBuilds;
    }

    /** Programs loaded from the binary cache so far. */
    int binaryBuilds() {
        return binaryBuilds;
    }

    private cl_program build(ProgramSource source) {
        ClDevice device = context.device();
        CacheKey key = BinaryCache.key(device, source.text(), options);
        if (disk != null) {
            Optional<cl_program> cached = disk.read(key).flatMap(this::fromBinary);
            if (cached.isPresent()) {
                binaryBuilds++;
                return cached.get();
            }
            disk.discard(key);
        }
        cl_program program = fromSource(source);
        sourceBuilds++;
        if (disk != null) {
            byte[] binary = binary(program);
            if (binary.length > 0) {
                disk.write(key, binary);
            }
        }
        return program;
    }

    private Optional<cl_program> fromBinary(byte[] binary) {
        int[] error = new int[1];
        int[] binaryStatus = new int[1];
        cl_program program = CL.clCreateProgramWithBinary(context.context(), 1, new cl_device_id[] {device()},
                new long[] {binary.length}, new byte[][] {binary}, binaryStatus, error);
        if (error[0] != CL.CL_SUCCESS || binaryStatus[0] != CL.CL_SUCCESS) {
            if (program != null && error[0] == CL.CL_SUCCESS) {
                CL.clReleaseProgram(program);
            }
            return Optional.empty();
        }
        if (CL.clBuildProgram(program, 1, new cl_device_id[] {device()}, options, null, null) != CL.CL_SUCCESS) {
            CL.clReleaseProgram(program);
            return Optional.empty();
        }
        return Optional.of(program);
    }

    private cl_program fromSource(ProgramSource source) {
        int[] error = new int[1];
        cl_program program = ClStatus.created(CL.clCreateProgramWithSource(context.context(), 1,
                new String[] {source.text()}, new long[] {source.text().getBytes(StandardCharsets.UTF_8).length}, error),
                error, "creating program " + source.name());
        int status = CL.clBuildProgram(program, 1, new cl_device_id[] {device()}, options, null, null);
        if (status != CL.CL_SUCCESS) {
            String log = buildLog(program);
            CL.clReleaseProgram(program);
            throw new KernelBuildException("building " + source.name() + " for " + context.device().info().name()
                    + " with options '" + options + "' failed: " + ClStatus.name(status) + "\nbuild log:\n" + log);
        }
        return program;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        if (CL.clGetProgramBuildInfo(program, device(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size) != CL.CL_SUCCESS) {
            return "(no build log)";
        }
        byte[] log = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(program, device(), CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).replace("\0", "").trim();
    }

    private byte[] binary(cl_program program) {
        long[] size = new long[1];
        ClStatus.check(CL.clGetProgramInfo(program, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null),
                "reading a program binary size");
        byte[] binary = new byte[(int) size[0]];
        ClStatus.check(CL.clGetProgramInfo(program, CL.CL_PROGRAM_BINARIES, Sizeof.POINTER,
                Pointer.to(new Pointer[] {Pointer.to(binary)}), null), "reading a program binary");
        return binary;
    }

    private cl_device_id device() {
        return context.device().id();
    }

    @Override
    public void close() {
        instances.values().forEach(function -> function.others().forEach(CL::clReleaseKernel));
        instances.clear();
        kernels.values().forEach(byName -> byName.values().forEach(CL::clReleaseKernel));
        kernels.clear();
        limits.clear();
        programs.values().forEach(CL::clReleaseProgram);
        programs.clear();
    }
}

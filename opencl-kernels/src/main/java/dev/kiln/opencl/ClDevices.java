package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.backend.DeviceInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Discovers the OpenCL devices of every platform and chooses one. */
final class ClDevices {
    private ClDevices() {
    }

    /** Every device of every platform, numbered in discovery order; empty when there is no platform. */
    static List<ClDevice> discover() {
        int[] count = new int[1];
        int status = CL.clGetPlatformIDs(0, null, count);
        if (status == CL.CL_PLATFORM_NOT_FOUND_KHR || count[0] == 0) {
            return List.of();
        }
        ClStatus.check(status, "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        ClStatus.check(CL.clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        List<ClDevice> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            int[] deviceCount = new int[1];
            status = CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, deviceCount);
            if (status == CL.CL_DEVICE_NOT_FOUND || deviceCount[0] == 0) {
                continue;
            }
            ClStatus.check(status, "clGetDeviceIDs");
            cl_device_id[] ids = new cl_device_id[deviceCount[0]];
            ClStatus.check(CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null), "clGetDeviceIDs");
            for (cl_device_id id : ids) {
                devices.add(describe(devices.size(), platform, id));
            }
        }
        return List.copyOf(devices);
    }

    /** The first GPU, else the first accelerator, else the first CPU device, else the first device; -1 if none. */
    static int defaultIndex(List<ClDevice> devices) {
        for (String type : List.of("gpu", "accelerator", "cpu")) {
            for (ClDevice device : devices) {
                if (device.info().type().equals(type)) {
                    return device.info().index();
                }
            }
        }
        return devices.isEmpty() ? -1 : 0;
    }

    /** The device named by {@code choice} (an index, or a case-insensitive substring of the name); the default when null. */
    static ClDevice choose(List<ClDevice> devices, String choice) {
        if (devices.isEmpty()) {
            throw new KilnException("no OpenCL device found");
        }
        if (choice == null || choice.isBlank()) {
            return devices.get(defaultIndex(devices));
        }
        String wanted = choice.trim();
        if (wanted.chars().allMatch(Character::isDigit)) {
            int index = Integer.parseInt(wanted);
            if (index < devices.size()) {
                return devices.get(index);
            }
        } else {
            String needle = wanted.toLowerCase(Locale.ROOT);
            for (ClDevice device : devices) {
                if (device.info().name().toLowerCase(Locale.ROOT).contains(needle)) {
                    return device;
                }
            }
        }
        throw new KilnException("OpenCL device '" + wanted + "' (kiln.opencl.device) matches no device; expected an index"
                + " in [0, " + devices.size() + ") or part of a name among " + devices.stream().map(d -> d.info().name()).toList());
    }

    private static ClDevice describe(int index, cl_platform_id platform, cl_device_id id) {
        String extensions = string(id, CL.CL_DEVICE_EXTENSIONS);
        long type = number(id, CL.CL_DEVICE_TYPE);
        boolean fp64 = extensions.contains("cl_khr_fp64");
        DeviceInfo info = new DeviceInfo(
                index,
                string(id, CL.CL_DEVICE_NAME),
                string(id, CL.CL_DEVICE_VENDOR),
                typeName(type),
                string(id, CL.CL_DRIVER_VERSION),
                (int) integer(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                number(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
                number(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                fp64);
        return new ClDevice(platform, id, info,
                (int) integer(id, CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT),
                fp64 ? (int) integer(id, CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE) : 0);
    }

    private static String typeName(long type) {
        if ((type & CL.CL_DEVICE_TYPE_GPU) != 0) {
            return "gpu";
        }
        if ((type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "accelerator";
        }
        return (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? "cpu" : "other";
    }

    private static String string(cl_device_id id, int parameter) {
        long[] size = new long[1];
        ClStatus.check(CL.clGetDeviceInfo(id, parameter, 0, null, size), "clGetDeviceInfo");
        byte[] bytes = new byte[(int) size[0]];
        ClStatus.check(CL.clGetDeviceInfo(id, parameter, bytes.length, Pointer.to(bytes), null), "clGetDeviceInfo");
        int length = bytes.length;
        while (length > 0 && bytes[length - 1] == 0) {
            length--;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8).trim();
    }

    private static long number(cl_device_id id, int parameter) {
        long[] value = new long[1];
        ClStatus.check(CL.clGetDeviceInfo(id, parameter, Sizeof.cl_ulong, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    private static long integer(cl_device_id id, int parameter) {
        int[] value = new int[1];
        ClStatus.check(CL.clGetDeviceInfo(id, parameter, Sizeof.cl_uint, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0] & 0xFFFFFFFFL;
    }
}

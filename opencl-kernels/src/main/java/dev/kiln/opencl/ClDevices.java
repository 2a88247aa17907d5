package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.backend.DeviceInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Discovers the OpenCL devices of every platform and chooses one. */
final class ClDevices {
    private static final Logger LOG = LoggerFactory.getLogger(ClDevices.class);
    // Extension queries JOCL has no names for (values from the Khronos, NVIDIA and AMD extension headers).
    private static final int CL_DEVICE_UUID_KHR = 0x106A;
    private static final int CL_DEVICE_PCI_BUS_INFO_KHR = 0x410F;
    private static final int CL_DEVICE_PCI_BUS_ID_NV = 0x4008;
    private static final int CL_DEVICE_PCI_SLOT_ID_NV = 0x4009;
    private static final int CL_DEVICE_TOPOLOGY_AMD = 0x4037;
    private static final int CL_DEVICE_TOPOLOGY_TYPE_PCIE_AMD = 1;
    // Every device type spelled out: Mesa 22's rusticl rejects CL_DEVICE_TYPE_ALL as an invalid device type.
    private static final long ANY_TYPE = CL.CL_DEVICE_TYPE_CPU | CL.CL_DEVICE_TYPE_GPU
            | CL.CL_DEVICE_TYPE_ACCELERATOR | CL.CL_DEVICE_TYPE_CUSTOM;

    private ClDevices() {
    }

    /**
     * Every device of every platform that answers its queries, each physical device once, numbered in discovery
     * order; empty when there is no platform.
     */
    static List<ClDevice> discover() {
        int[] count = new int[1];
        int status = CL.clGetPlatformIDs(0, null, count);
        if (status == CL.CL_PLATFORM_NOT_FOUND_KHR || count[0] == 0) {
            return List.of();
        }
        ClStatus.check(status, "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        ClStatus.check(CL.clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        return fromPlatforms(platforms.length, index -> devices(platforms[index]));
    }

    /**
     * The devices of platforms 0 to {@code count - 1} as {@code platform} lists them, without duplicates; a platform
     * whose queries fail is skipped with a warning, so one broken driver does not hide the others' devices.
     */
    static List<ClDevice> fromPlatforms(int count, IntFunction<List<ClDevice>> platform) {
        List<ClDevice> devices = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            try {
                devices.addAll(platform.apply(index));
            } catch (RuntimeException e) {
                LOG.warn("skipping OpenCL platform {}: {}", index, e.getMessage());
            }
        }
        return DeviceRanking.distinct(devices);
    }

    /** The index of the default device ({@link DeviceRanking}); -1 if there is none. */
    static int defaultIndex(List<ClDevice> devices) {
        return DeviceRanking.best(devices);
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

    private static List<ClDevice> devices(cl_platform_id platform) {
        int[] deviceCount = new int[1];
        int status = CL.clGetDeviceIDs(platform, ANY_TYPE, 0, null, deviceCount);
        if (status == CL.CL_DEVICE_NOT_FOUND || deviceCount[0] == 0) {
            return List.of();
        }
        ClStatus.check(status, "clGetDeviceIDs");
        cl_device_id[] ids = new cl_device_id[deviceCount[0]];
        ClStatus.check(CL.clGetDeviceIDs(platform, ANY_TYPE, ids.length, ids, null), "clGetDeviceIDs");
        String name = string(platform, CL.CL_PLATFORM_NAME);
        String version = string(platform, CL.CL_PLATFORM_VERSION);
        List<ClDevice> devices = new ArrayList<>();
        for (cl_device_id id : ids) {
            devices.add(describe(platform, name, version, id));
        }
        return devices;
    }

    private static ClDevice describe(cl_platform_id platform, String platformName, String platformVersion,
                                     cl_device_id id) {
        String extensions = string(id, CL.CL_DEVICE_EXTENSIONS);
        long type = number(id, CL.CL_DEVICE_TYPE);
        boolean fp64 = extensions.contains("cl_khr_fp64");
        DeviceInfo info = new DeviceInfo(
                0,
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
                fp64 ? (int) integer(id, CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE) : 0,
                platformName, platformVersion + " / " + string(id, CL.CL_DEVICE_VERSION),
                unifiedMemory(id),
                identities(id, extensions),
                (number(id, CL.CL_DEVICE_SINGLE_FP_CONFIG) & CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0,
                workItemSizes(id), false);
    }

    /** Whether the device shares the host's memory; deprecated since OpenCL 2.0, so a driver may not answer: no. */
    private static boolean unifiedMemory(cl_device_id id) {
        return optional(id, CL.CL_DEVICE_HOST_UNIFIED_MEMORY, Integer.BYTES).map(value -> ints(value).get(0) != 0)
                .orElse(false);
    }

    /** The physical device's UUID and PCI location, from whichever extensions the driver reports. */
    private static Set<String> identities(cl_device_id id, String extensions) {
        Set<String> identities = new HashSet<>();
        if (extensions.contains("cl_khr_device_uuid")) {
            optional(id, CL_DEVICE_UUID_KHR, 16)
                    .ifPresent(uuid -> identities.add("uuid:" + HexFormat.of().formatHex(uuid)));
        }
        if (extensions.contains("cl_khr_pci_bus_info")) {
            // struct { cl_uint domain, bus, device, function; }
            optional(id, CL_DEVICE_PCI_BUS_INFO_KHR, 16).map(ClDevices::ints)
                    .ifPresent(pci -> identities.add(pci(pci.get(1), pci.get(2))));
        }
        if (extensions.contains("cl_nv_device_attribute_query")) {
            Optional<byte[]> bus = optional(id, CL_DEVICE_PCI_BUS_ID_NV, Integer.BYTES);
            Optional<byte[]> slot = optional(id, CL_DEVICE_PCI_SLOT_ID_NV, Integer.BYTES);
            if (bus.isPresent() && slot.isPresent()) {
                identities.add(pci(ints(bus.get()).get(0), ints(slot.get()).get(0)));
            }
        }
        if (extensions.contains("cl_amd_device_attribute_query")) {
            // cl_device_topology_amd: cl_uint type, then for PCIe 17 unused bytes and the bus, device and function.
            optional(id, CL_DEVICE_TOPOLOGY_AMD, 24)
                    .filter(topology -> ints(topology).get(0) == CL_DEVICE_TOPOLOGY_TYPE_PCIE_AMD)
                    .ifPresent(topology -> identities.add(pci(topology[21] & 0xFF, topology[22] & 0xFF)));
        }
        return identities;
    }

    private static String pci(int bus, int device) {
        return "pci:" + bus + ":" + device;
    }

    private static List<Integer> ints(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        List<Integer> values = new ArrayList<>();
        while (buffer.remaining() >= Integer.BYTES) {
            values.add(buffer.getInt());
        }
        return values;
    }

    /** An optional query's {@code size} bytes, or empty when the driver does not answer it. */
    private static Optional<byte[]> optional(cl_device_id id, int parameter, int size) {
        byte[] value = new byte[size];
        int status;
        try {
            status = CL.clGetDeviceInfo(id, parameter, size, Pointer.to(value), null);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return status == CL.CL_SUCCESS ? Optional.of(value) : Optional.empty();
    }

    private static List<Long> workItemSizes(cl_device_id id) {
        int dimensions = (int) integer(id, CL.CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS);
        long[] sizes = new long[dimensions];
        ClStatus.check(CL.clGetDeviceInfo(id, CL.CL_DEVICE_MAX_WORK_ITEM_SIZES, (long) Sizeof.size_t * dimensions,
                Pointer.to(sizes), null), "clGetDeviceInfo");
        return Arrays.stream(sizes).boxed().toList();
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
        return text((size, value, written) -> CL.clGetDeviceInfo(id, parameter, size, value, written));
    }

    private static String string(cl_platform_id platform, int parameter) {
        return text((size, value, written) -> CL.clGetPlatformInfo(platform, parameter, size, value, written));
    }

    /** A clGet*Info call: {@code size} bytes of the value into {@code value}, its full size into {@code written}. */
    private interface InfoQuery {
        int query(long size, Pointer value, long[] written);
    }

    /** A string-valued query: its size first, then its bytes, without the trailing NUL. */
    private static String text(InfoQuery query) {
        long[] size = new long[1];
        ClStatus.check(query.query(0, null, size), "an OpenCL info query");
        byte[] bytes = new byte[(int) size[0]];
        ClStatus.check(query.query(bytes.length, Pointer.to(bytes), null), "an OpenCL info query");
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

package dev.kiln.opencl;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Names of the kernels that follow an enum constant ("unary_relu", "update_adam_group"), built once per constant:
 * a launch on every call would otherwise build its kernel's name anew.
 */
final class KernelNames {
    private KernelNames() {
    }

    /** prefix + the constant's name in lower case + suffix, for every constant of {@code constants}. */
    static <E extends Enum<E>> Map<E, String> of(String prefix, Class<E> constants, String suffix) {
        Map<E, String> names = new EnumMap<>(constants);
        for (E constant : constants.getEnumConstants()) {
            names.put(constant, prefix + constant.name().toLowerCase(Locale.ROOT) + suffix);
        }
        return names;
    }
}

package dev.kiln.check.parity;

/**
 * What a spec exercises: a {@link dev.kiln.backend.Backend} method, and for the enum-dispatched methods the
 * constant it passes.
 *
 * @param method the Backend method's name
 * @param constant the op-enum constant passed to it, or null for methods that take none
 */
public record Coverage(String method, Enum<?> constant) {
    public static Coverage of(String method) {
        return new Coverage(method, null);
    }

    public static Coverage of(String method, Enum<?> constant) {
        return new Coverage(method, constant);
    }

    @Override
    public String toString() {
        return constant == null ? method
                : method + "(" + constant.getDeclaringClass().getSimpleName() + "." + constant.name() + ")";
    }
}

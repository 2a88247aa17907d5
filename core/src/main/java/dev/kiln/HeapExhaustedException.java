package dev.kiln;

/** The Java heap could not give what an allocation needed: {@link #what()} needed {@link #neededBytes()}. */
public class HeapExhaustedException extends KilnException {
    private final String what;
    private final long neededBytes;

    /** {@code what} ("allocate: 400000000 F32 elements") needed {@code neededBytes} that the heap could not give. */
    public HeapExhaustedException(String what, long neededBytes, OutOfMemoryError cause) {
        super(what + " needs " + neededBytes + " bytes, more than the Java heap could give (it may grow to "
                + Runtime.getRuntime().maxMemory() + " bytes: raise -Xmx)", cause);
        this.what = what;
        this.neededBytes = neededBytes;
    }

    /** What needed the memory. */
    public String what() {
        return what;
    }

    /** How many bytes it needed. */
    public long neededBytes() {
        return neededBytes;
    }
}

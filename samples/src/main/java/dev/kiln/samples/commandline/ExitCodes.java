package dev.kiln.samples.commandline;

/** The exit codes of the kiln command; scripts rely on them. */
public final class ExitCodes {
    public static final int SUCCESS = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int BACKEND_UNAVAILABLE = 3;
    public static final int DAMAGED_MODEL = 4;
    /** Training stopped because a loss became NaN or infinite; what was trained so far is written. */
    public static final int DIVERGED = 5;

    private ExitCodes() {
    }
}

package dev.kiln.io;

import dev.kiln.KilnException;
import java.nio.file.Path;

/** A saved model or checkpoint directory that cannot be used: a file is missing, damaged or inconsistent. */
public class ModelFileException extends KilnException {
    private final Path directory;

    public ModelFileException(Path directory, String problem, Throwable cause) {
        super(directory + ": " + problem, cause);
        this.directory = directory;
    }

    /** The directory that holds the damaged file. */
    public Path directory() {
        return directory;
    }
}

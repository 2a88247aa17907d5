package dev.kiln.samples.cli;

import dev.kiln.KilnException;
import dev.kiln.samples.Sample;
import dev.kiln.samples.commandline.UnknownOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;

/**
 * The arguments of {@code kiln train SAMPLE} that the train command does not know: the sample's own options, read
 * into its {@link Sample#newOptions()} object and listed in the train command's help.
 */
final class SampleArguments {
    private static final String HELP_SECTION = "sampleOptions";

    private SampleArguments() {
    }

    /**
     * {@code sample} configured by {@code arguments}; any mistake is a usage error of {@code train}, an unknown option
     * named with the closest option of the sample or of the train command.
     */
    static Sample configured(Sample sample, List<String> arguments, CommandSpec train) {
        Object options = sample.newOptions();
        CommandSpec spec = options == null ? CommandSpec.create() : CommandSpec.forAnnotatedObject(options);
        Optional<String> unknown = UnknownOption.find(arguments, spec.optionsMap().keySet());
        if (unknown.isPresent()) {
            Set<String> known = new TreeSet<>(spec.optionsMap().keySet());
            known.addAll(train.optionsMap().keySet());
            throw new ParameterException(train.commandLine(), UnknownOption.message(unknown.get(), known)
                    + (options == null ? " (sample '" + sample.name() + "' takes no options of its own)" : ""));
        }
        try {
            new CommandLine(spec).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(arguments.toArray(String[]::new));
            return sample.withOptions(options);
        } catch (ParameterException e) {
            throw new ParameterException(train.commandLine(), sample.name() + ": " + e.getMessage());
        } catch (KilnException e) {
            throw new ParameterException(train.commandLine(), e.getMessage());
        }
    }

    /** The help text of the options of the sample named {@code name}, or of which samples have options. */
    static String help(String name) {
        Optional<Sample> sample = name == null ? Optional.empty() : Samples.named(name);
        if (sample.isEmpty()) {
            List<String> withOptions = Samples.all().stream().filter(s -> s.newOptions() != null).map(Sample::name)
                    .toList();
            return String.format("%nSamples with options of their own (kiln train SAMPLE --help lists them):%n  %s%n",
                    String.join(", ", withOptions));
        }
        Object options = sample.get().newOptions();
        if (options == null) {
            return String.format("%nThe %s sample takes no options of its own.%n", name);
        }
        return String.format("%nOptions of the %s sample:%n", name)
                + new CommandLine(CommandSpec.forAnnotatedObject(options)).getHelp().optionList();
    }

    /** Adds the options of the sample named on the command line (its first positional parameter) to the help. */
    static final class InHelp implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec train) {
            UsageMessageSpec usage = train.usageMessage();
            List<String> keys = new ArrayList<>(usage.sectionKeys());
            keys.add(keys.indexOf(UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), HELP_SECTION);
            Map<String, IHelpSectionRenderer> renderers = new LinkedHashMap<>(usage.sectionMap());
            renderers.put(HELP_SECTION, help -> help(help.commandSpec().positionalParameters().get(0).getValue()));
            usage.sectionKeys(keys).sectionMap(renderers);
            return train;
        }
    }
}

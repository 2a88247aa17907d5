package dev.kiln.samples.cli;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendUnavailableException;
import dev.kiln.backend.Backends;
import dev.kiln.backend.TransferStats;
import dev.kiln.monitor.TrainingRecorder;
import dev.kiln.samples.ModelStorage;
import dev.kiln.samples.RunSettings;
import dev.kiln.samples.Sample;
import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.samples.commandline.BackendOption;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.commandline.DeviceList;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.samples.report.Divergence;
import dev.kiln.samples.report.RunOutput;
import dev.kiln.samples.report.RunSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code kiln train SAMPLE}: trains a sample and writes {@code summary.json} and {@code history.csv}. */
@Command(name = "train",
        description = "Trains a sample network, printing one line per epoch and a summary, and writes "
                + "summary.json and history.csv into the output directory.",
        modelTransformer = SampleArguments.InHelp.class)
final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Parameters(index = "0", paramLabel = "SAMPLE", completionCandidates = TrainCommand.SampleNames.class,
            description = "The sample to train: ${COMPLETION-CANDIDATES}.")
    private String sampleName;

    @Mixin
    private BackendOption backendOption;

    @Option(names = "--devices", paramLabel = "all|0,1|cpu,0",
            description = "Train a replica on each device listed (OpenCL device indices as kiln devices lists them,"
                    + " cpu for the CPU backend; all: every OpenCL device), the first one holding the model; each"
                    + " batch is split by the devices' measured speed. Instead of --backend.")
    private String devices;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training data.")
    private Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Samples per optimizer step.")
    private Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "X", description = "The optimizer's learning rate.")
    private Double learningRate;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the initial weights and shuffling.")
    private Long seed;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory of downloaded data sets.")
    private Path data;

    @Option(names = "--save-model", paramLabel = "DIR", description = "Save the trained model into DIR.")
    private Path saveModel;

    @Option(names = "--checkpoints", paramLabel = "DIR",
            description = "Write a resumable checkpoint into DIR every epoch (the last 3 are kept).")
    private Path checkpoints;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run of a checkpoint, or of the latest complete checkpoint in DIR.")
    private Path resume;

    @Option(names = "--logdir", paramLabel = "DIR",
            description = "Write TensorBoard event files every epoch: scalars, weight and gradient histograms and the"
                    + " model summary into DIR/train and DIR/validation (a GAN: DIR/generator and"
                    + " DIR/discriminator). View them with: tensorboard --logdir DIR")
    private Path logDir;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (default: runs/SAMPLE-yyyyMMdd-HHmmss).")
    private Path out;

    @Option(names = "--resume-with-changes",
            description = "Resume even with settings other than the checkpoint's (learning rate, batch size, seed, the"
                    + " sample's options); the run then ends differently from an uninterrupted one.")
    private boolean resumeWithChanges;

    @Option(names = "--overwrite",
            description = "Replace an existing run in --out and an existing model in --save-model, each as a whole"
                    + " once the new one is written.")
    private boolean overwrite;

    @Unmatched
    private List<String> sampleArguments = new ArrayList<>();

    @Override
    public Integer call() {
        common.apply(false);
        Sample sample = SampleArguments.configured(Samples.named(sampleName).orElseThrow(() -> usageError(
                "unknown sample '" + sampleName + "'; expected one of " + String.join(", ", Samples.names()))),
                sampleArguments, spec);
        String backendChoice = backendOption.choice();
        TrainingSettings asked = settings(sample.defaults());
        Path directory = out != null ? out : RunOutput.timestamped(sample.name(), LocalDateTime.now()).directory();
        checkLogDirectory();

        try (DeviceList replicas = deviceList();
             Backend chosen = replicas != null ? replicas.backends().get(0) : Backends.select(backendChoice);
             RunTargets targets = targets(directory, recorded(sample, asked))) {
            TrainingRecorder recorder = new TrainingRecorder();
            TrainingSettings settings = asked.withStorage(targets.storage().withLogDirectory(logDir)
                            .withRecorder(recorder).withDevices(replicas == null ? List.of() : replicas.backends()))
                    .withRunDirectory(targets.workingDirectory());
            LOG.info("training '{}' on {} for {} epochs, batch size {}, learning rate {}, seed {}",
                    sample.name(), chosen.name(), settings.epochs(), settings.batchSize(), settings.learningRate(),
                    settings.seed());
            if (replicas != null && replicas.backends().size() > 1) {
                LOG.info("one replica on each of {} devices: {}", replicas.backends().size(), replicas.backends()
                        .stream().map(b -> b.device().name() + " (" + b.name() + ")").toList());
            }
            SampleResult result = sample.train(chosen, settings);
            TransferStats transfers = chosen.transfers();
            LOG.debug("host/device transfers: {} uploads ({} bytes), {} downloads ({} bytes)", transfers.uploads(),
                    transfers.uploadedBytes(), transfers.downloads(), transfers.downloadedBytes());
            RunSummary summary = new RunSummary(sample.name(), chosen.name(), chosen.device().name(), settings,
                    result);
            PrintWriter console = spec.commandLine().getOut();
            console.print(summary.text());
            console.flush();
            targets.finish(summary, recorder);
            console.printf("  %-20s %s%n", "written to", targets.directory());
            console.flush();
            Optional<String> divergence = Divergence.of(result);
            if (divergence.isPresent()) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("kiln: error: training diverged: " + divergence.get() + "; what was trained before is"
                        + " written to " + targets.directory());
                err.flush();
                return ExitCodes.DIVERGED;
            }
        }
        return ExitCodes.SUCCESS;
    }

    /** The devices of {@code --devices}, opened; null when the option is not given. */
    private DeviceList deviceList() {
        if (devices == null) {
            return null;
        }
        if (backendOption.given()) {
            throw usageError("give --backend or --devices, not both: --devices names the backends itself");
        }
        try {
            return DeviceList.open(devices);
        } catch (BackendUnavailableException e) {
            throw e;
        } catch (KilnException e) {
            throw usageError(e.getMessage());
        }
    }

    private RunTargets targets(Path directory, RunSettings recorded) {
        try {
            return RunTargets.settle(directory, new ModelStorage(saveModel, checkpoints, resume, null, recorded),
                    overwrite);
        } catch (KilnException e) {
            throw usageError(e.getMessage());
        }
    }

    private void checkLogDirectory() {
        if (logDir == null) {
            return;
        }
        try {
            OutputCheck.writable("--logdir", logDir, logDir);
        } catch (KilnException e) {
            throw usageError(e.getMessage());
        }
    }

    /** The settings that change what a run trains, for its checkpoints to record; more epochs only go on. */
    private RunSettings recorded(Sample sample, TrainingSettings settings) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("--batch-size", String.valueOf(settings.batchSize()));
        values.put(RunSettings.LEARNING_RATE, String.valueOf(settings.learningRate()));
        values.put("--seed", String.valueOf(settings.seed()));
        values.putAll(sample.options());
        return new RunSettings(values, resumeWithChanges);
    }

    private TrainingSettings settings(TrainingSettings defaults) {
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
            throw usageError("--learning-rate must be a positive number, got " + learningRate);
        }
        TrainingSettings settings = defaults;
        if (epochs != null) {
            settings = settings.withEpochs(epochs);
        }
        if (batchSize != null) {
            settings = settings.withBatchSize(batchSize);
        }
        if (learningRate != null) {
            settings = settings.withLearningRate(learningRate);
        }
        if (seed != null) {
            settings = settings.withSeed(seed);
        }
        if (data != null) {
            settings = settings.withDataDirectory(data);
        }
        return settings;
    }

    private void requirePositive(String option, Integer value) {
        if (value != null && value < 1) {
            throw usageError(option + " must be at least 1, got " + value);
        }
    }

    private ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The sample names, for the usage text. */
    static final class SampleNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Samples.names().iterator();
        }
    }
}

package dev.kiln.samples.cli;

import dev.kiln.KilnException;
import dev.kiln.monitor.TrainingRecorder;
import dev.kiln.samples.ModelStorage;
import dev.kiln.samples.OutputFailures;
import dev.kiln.samples.StagedDirectory;
import dev.kiln.samples.report.RunOutput;
import dev.kiln.samples.report.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where one {@code kiln train} run writes, settled before its first epoch: every directory is checked, and an
 * existing run that {@code --overwrite} replaces is written beside it (with a model or checkpoints that lie inside
 * it) and put in its place as a whole at the end. Results that cannot be written at the end do not keep the others
 * from being written; the run then fails naming them.
 */
final class RunTargets implements AutoCloseable {
    private final Path directory;
    private final RunOutput output;
    private final StagedDirectory replacement;
    private final ModelStorage storage;
    private final OutputFailures failures;
    private boolean trained;

    private RunTargets(Path directory, StagedDirectory replacement, ModelStorage storage, OutputFailures failures) {
        this.directory = directory;
        this.output = new RunOutput(replacement != null ? replacement.path() : directory);
        this.replacement = replacement;
        this.storage = storage;
        this.failures = failures;
    }

    /**
     * Checks the run directory {@code out} and what {@code asked} saves, checkpoints and resumes from; an existing
     * run or model is replaced only when {@code overwrite} says so. Fails with a message naming the option.
     */
    static RunTargets settle(Path out, ModelStorage asked, boolean overwrite) {
        if (asked.resume() != null && !Files.isDirectory(asked.resume())) {
            throw new KilnException("--resume " + asked.resume() + ": not a directory; expected a checkpoint or a"
                    + " directory of checkpoints");
        }
        Path saveModel = asked.saveModel();
        Path checkpoints = asked.checkpointRoot();
        String checkpointOption = asked.checkpoints() != null ? "--checkpoints" : "--resume";
        if (saveModel != null) {
            String why = "is replaced as a whole when the model is saved";
            OutputCheck.outside("--out", out, "--save-model", saveModel, why);
            OutputCheck.outside(checkpointOption, checkpoints, "--save-model", saveModel, why);
            OutputCheck.outside("--resume", asked.resume(), "--save-model", saveModel, why);
            checkModelDirectory(saveModel, overwrite);
        }
        OutputCheck.directoryOrAbsent("--out", out);
        boolean replacing = Files.isDirectory(out) && new RunOutput(out).holdsRun();
        if (replacing && !overwrite) {
            throw new KilnException("--out " + out + ": already holds a run (" + OutputCheck.listing(out)
                    + "); pass --overwrite to replace it as a whole, or choose another directory");
        }
        if (!replacing) {
            OutputCheck.writable("--out", out, out);
        }
        if (saveModel != null && !(replacing && OutputCheck.inside(saveModel, out))) {
            OutputCheck.writable("--save-model", saveModel, saveModel.toAbsolutePath().getParent());
        }
        if (checkpoints != null && !(replacing && OutputCheck.inside(checkpoints, out))) {
            OutputCheck.writable(checkpointOption, checkpoints, checkpoints);
        }
        StagedDirectory replacement = replacing ? StagedDirectory.beside(out) : null;
        OutputFailures failures = new OutputFailures();
        ModelStorage storage = new ModelStorage(within(replacement, out, saveModel),
                within(replacement, out, checkpoints), asked.resume(), failures, asked.settings());
        return new RunTargets(out, replacement, storage, failures);
    }

    private static void checkModelDirectory(Path saveModel, boolean overwrite) {
        OutputCheck.directoryOrAbsent("--save-model", saveModel);
        if (!Files.isDirectory(saveModel)) {
            return;
        }
        if (OutputCheck.entries(saveModel).isEmpty()) {
            return;
        }
        if (!OutputCheck.holdsModel(saveModel)) {
            throw new KilnException("--save-model " + saveModel + ": holds files that are not a saved model ("
                    + OutputCheck.listing(saveModel) + "); choose a new or empty directory");
        }
        if (!overwrite) {
            throw new KilnException("--save-model " + saveModel + ": already holds a saved model; pass --overwrite"
                    + " to replace it as a whole, or choose another directory");
        }
    }

    /** {@code path}, moved into the replacement when it lies inside the run it replaces. */
    private static Path within(StagedDirectory replacement, Path out, Path path) {
        if (replacement == null || path == null || !OutputCheck.inside(path, out)) {
            return path;
        }
        return replacement.path().resolve(out.toAbsolutePath().normalize().relativize(
                path.toAbsolutePath().normalize()));
    }

    /** The run directory, as it was named. */
    Path directory() {
        return directory;
    }

    /** Where the run and the samples write their files while it runs. */
    Path workingDirectory() {
        return output.directory();
    }

    /** What the run saves, checkpoints and resumes from, its model failures kept for {@link #finish}. */
    ModelStorage storage() {
        return storage;
    }

    /** Writes the run's results, puts a replacement in place, and fails naming whatever could not be written. */
    void finish(RunSummary summary, TrainingRecorder recorder) {
        trained = true;
        output.write(summary, recorder, failures);
        if (replacement != null) {
            failures.attempt(directory.toString(), replacement::commit);
        }
        failures.throwIfAny();
    }

    /**
     * Drops the replacement when training failed, so the run it was to replace stays; after training, one that could
     * not be put in place stays too, as the failure names it.
     */
    @Override
    public void close() {
        if (replacement != null && !trained) {
            replacement.discard();
        }
    }
}

package dev.kiln.samples.sequence;

import dev.kiln.data.Dataset;
import dev.kiln.io.Compilation;
import dev.kiln.model.Model;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.samples.training.ProgressBar;
import dev.kiln.train.Callback;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.util.ArrayList;
import java.util.List;

/** How the sequence samples train a compiled model: their settings, a progress bar on a terminal, and storage. */
final class SequenceFit {
    private SequenceFit() {
    }

    /** Fits {@code model} on {@code data} as {@code settings} say, then saves it when asked to. */
    static History fit(Model model, Dataset data, TrainingSettings settings, Compilation compilation,
                       Callback... callbacks) {
        List<Callback> all = new ArrayList<>(List.of(callbacks));
        if (ProgressBar.isTerminal()) {
            all.add(new ProgressBar(System.out, data.size()));
        }
        History history = model.fit(data, settings.storage().apply(FitOptions.builder()
                .epochs(settings.epochs())
                .batchSize(settings.batchSize())
                .seed(settings.seed())
                .callbacks(all.toArray(Callback[]::new))
                .build(), compilation, null));
        settings.storage().save(model, compilation, null);
        return history;
    }
}

package dev.kiln.samples;

import dev.kiln.KilnException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings a run was started with, by option name ({@code --learning-rate} to {@code 0.05}), which its
 * checkpoints record: a run resumed with others no longer ends as the uninterrupted one would, so that is refused
 * unless {@code changesAllowed}.
 *
 * @param values option values by option name; the epochs are not among them, since more epochs is how a run goes on
 * @param changesAllowed whether a run may resume with settings other than its checkpoint's
 */
public record RunSettings(Map<String, String> values, boolean changesAllowed) {
    /** The option whose value is the optimizer's (initial) learning rate. */
    public static final String LEARNING_RATE = "--learning-rate";
    private static final Logger LOG = LoggerFactory.getLogger(RunSettings.class);

    public RunSettings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** No settings recorded or compared. */
    public static RunSettings none() {
        return new RunSettings(Map.of(), false);
    }

    /**
     * The names of the settings that differ from those {@code recorded} by the checkpoint in {@code checkpoint}
     * (nothing is compared when it recorded none); fails naming them unless changes are allowed.
     */
    public Set<String> changesFrom(Map<String, String> recorded, Path checkpoint) {
        Set<String> changed = new LinkedHashSet<>();
        if (recorded.isEmpty()) {
            return changed;
        }
        Set<String> names = new LinkedHashSet<>(recorded.keySet());
        names.addAll(values.keySet());
        List<String> before = new ArrayList<>();
        List<String> now = new ArrayList<>();
        for (String name : names) {
            if (!Objects.equals(recorded.get(name), values.get(name))) {
                changed.add(name);
                before.add(name + " " + recorded.getOrDefault(name, "(not given)"));
                now.add(name + " " + values.getOrDefault(name, "(not given)"));
            }
        }
        if (changed.isEmpty()) {
            return changed;
        }
        if (!changesAllowed) {
            throw new KilnException("cannot resume with " + String.join(", ", now) + ": the checkpoint " + checkpoint
                    + " was trained with " + String.join(", ", before) + "; pass --resume-with-changes to resume"
                    + " with other settings (the run then ends differently from an uninterrupted one)");
        }
        LOG.warn("resuming with {} instead of {}: the run ends differently from an uninterrupted one",
                String.join(", ", now), String.join(", ", before));
        return changed;
    }

    /** The learning rate among the settings. */
    public double learningRate() {
        String rate = values.get(LEARNING_RATE);
        if (rate == null) {
            throw new KilnException("no " + LEARNING_RATE + " among the run's settings " + values.keySet());
        }
        return Double.parseDouble(rate);
    }
}

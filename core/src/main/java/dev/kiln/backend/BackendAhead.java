package dev.kiln.backend;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One backend created ahead of the call that wants it, for a provider's {@link BackendProvider#createAhead()}: a
 * thread builds it while another is still starting up, and the provider's next {@link BackendProvider#create()}
 * takes it, waiting for it if it is not finished. It is taken only under the settings it was made with; otherwise,
 * or when building it failed, the caller creates its own as if there had been none, so it changes nothing but the
 * timing. A backend that nobody takes is closed by {@link #discard()}, which also asks a build still running to stop
 * (a command line with a usage error then ends without waiting for every kernel to be built).
 */
public final class BackendAhead {
    private Ahead ahead;

    private record Ahead(String settings, FutureTask<Backend> task, AtomicBoolean stop) {
    }

    /**
     * Builds a backend with {@code create} on the calling thread, for a later {@link #take} under the same
     * {@code settings} (the values of every setting {@code create} reads); a backend held already is discarded first.
     * {@code create} is given whether it should stop early (nobody will take its backend): it then closes what it
     * built and throws.
     */
    public void create(String settings, Function<BooleanSupplier, Backend> create) {
        AtomicBoolean stop = new AtomicBoolean();
        FutureTask<Backend> task = new FutureTask<>(() -> create.apply(stop::get));
        Ahead previous;
        synchronized (this) {
            previous = ahead;
            ahead = new Ahead(Objects.requireNonNull(settings), task, stop);
        }
        closeWhenBuilt(previous);
        task.run();
    }

    /**
     * The backend built ahead under {@code settings}, once built; empty when there is none, its build failed (the
     * caller's own attempt then meets the failure itself) or it was built under other settings (then closed).
     */
    public Optional<Backend> take(String settings) {
        Ahead taken = takeHeld();
        if (taken == null) {
            return Optional.empty();
        }
        if (!taken.settings().equals(settings)) {
            closeWhenBuilt(taken);
            return Optional.empty();
        }
        return built(taken);
    }

    /** Closes the backend built ahead that nobody took, once built; nothing when there is none. */
    public void discard() {
        closeWhenBuilt(takeHeld());
    }

    private synchronized Ahead takeHeld() {
        Ahead taken = ahead;
        ahead = null;
        return taken;
    }

    private static void closeWhenBuilt(Ahead held) {
        if (held != null) {
            held.stop().set(true);
            built(held).ifPresent(Backend::close);
        }
    }

    private static Optional<Backend> built(Ahead held) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return Optional.of(held.task().get());
                } catch (InterruptedException e) {
                    // the build runs on another thread and ends on its own; its backend must not be lost
                    interrupted = true;
                } catch (ExecutionException e) {
                    return Optional.empty();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

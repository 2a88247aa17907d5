package dev.kiln.tensor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Owner of the tensors created while it is open on this thread (a training step's intermediates):
 * closing it frees them. Scopes nest; a tensor created with no scope open belongs to the caller, who closes
 * it. {@link Tensor#keep()} takes a tensor out of its scope, {@link #promote(Tensor)} hands it to the
 * enclosing scope.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<Deque<MemoryScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Set<Tensor> owned = new LinkedHashSet<>();
    private final MemoryScope parent;
    private boolean closed;

    private MemoryScope(MemoryScope parent) {
        this.parent = parent;
    }

    /** Opens a scope on this thread, nested in the current one. */
    public static MemoryScope open() {
        Deque<MemoryScope> stack = OPEN.get();
        MemoryScope scope = new MemoryScope(stack.peek());
        stack.push(scope);
        return scope;
    }

    /**
     * Runs {@code work} (an op) so that a failure frees every tensor it created, leaking nothing even with no scope
     * open; on success those tensors belong where they would without this call (the open scope, or the caller).
     */
    public static <T> T freeingOnFailure(Supplier<T> work) {
        MemoryScope scope = open();
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            scope.close();
            throw e;
        }
        scope.dissolve();
        return result;
    }

    /** Ends this scope, handing every tensor it owns to the enclosing scope (or to the caller when there is none). */
    private void dissolve() {
        pop();
        for (Tensor t : owned) {
            t.setScope(parent);
            if (parent != null) {
                parent.adopt(t);
            }
        }
        owned.clear();
    }

    /** The innermost open scope of this thread, or null. */
    static MemoryScope current() {
        return OPEN.get().peek();
    }

    void adopt(Tensor tensor) {
        owned.add(tensor);
    }

    void release(Tensor tensor) {
        owned.remove(tensor);
    }

    /** Moves {@code tensor} from this scope to the enclosing one (or to the caller when there is none). */
    public Tensor promote(Tensor tensor) {
        if (tensor.scope() != this) {
            throw new IllegalArgumentException("tensor " + tensor.shape() + " is not owned by this scope");
        }
        owned.remove(tensor);
        tensor.setScope(parent);
        if (parent != null) {
            parent.adopt(tensor);
        }
        return tensor;
    }

    /**
     * Hands {@code tensor} out of this scope as {@link #promote} does; a tensor this scope does not own with its
     * buffer (a view, an input, a parameter) is copied first, so that closing the scope leaves the result intact.
     */
    public Tensor handOut(Tensor tensor) {
        if (tensor.scope() == this && tensor.ownsBuffer()) {
            return promote(tensor);
        }
        if (OPEN.get().peek() != this) {
            throw new IllegalStateException("a memory scope hands out copies only while it is the innermost one");
        }
        Tensor copy = Tensor.empty(tensor.backend(), tensor.dtype(), tensor.shape());
        tensor.backend().copy(tensor.buffer(), 0, copy.buffer(), 0, tensor.size());
        return promote(copy);
    }

    private void pop() {
        Deque<MemoryScope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("memory scopes must be closed innermost first");
        }
        closed = true;
        stack.pop();
    }

    /** Number of tensors this scope will free. */
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        pop();
        Tensor[] toFree = owned.toArray(new Tensor[0]);
        owned.clear();
        // Newest first: a pool that hands out the last block freed then gives the next step's first tensor the
        // block this step's first one had, so each tensor of a repeated step gets the same buffer every time.
        for (int i = toFree.length - 1; i >= 0; i--) {
            toFree[i].setScope(null);
            toFree[i].close();
        }
    }
}

package dev.kiln.tensor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

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

    /** Number of tensors this scope will free. */
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        Deque<MemoryScope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("memory scopes must be closed innermost first");
        }
        closed = true;
        stack.pop();
        Tensor[] toFree = owned.toArray(new Tensor[0]);
        owned.clear();
        for (Tensor t : toFree) {
            t.setScope(null);
            t.close();
        }
    }
}

package dev.kiln.spark;

import dev.kiln.KilnException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.BarrierTaskContext;

/**
 * The tasks of one barrier stage, connected to partition 0 over TCP for all-gathers. Spark's own all-gather waits
 * in steps of a second, far too slow for an exchange every training step; it is used once, to pass partition 0's
 * port to the others. Partition 0 then gathers every task's message and sends all of them to every task. A task
 * that dies closes its connections, which fails the others' exchange at once. A watchdog closes this task's
 * connections when Spark kills the task or when one wait (to connect, to read or to write) outlasts the patience, so
 * that no task stays blocked on a socket.
 */
final class TaskGroup implements AutoCloseable {
    private static final int POLL_MILLIS = 200;

    private final BarrierTaskContext context;
    private final int partition;
    private final int tasks;
    private final Duration patience;
    private final ServerSocket server;
    /** Partition 0: a connection per other partition (index 0 unused); others: the connection to partition 0. */
    private final Socket[] sockets;
    private final ScheduledExecutorService watchdog;
    /** When the current wait began (System.nanoTime), 0 while not waiting. */
    private volatile long waitingSince;
    /** Why the watchdog closed the connections, null while it has not. */
    private volatile String closedBecause;

    private TaskGroup(BarrierTaskContext context, Duration patience, ServerSocket server) {
        this.context = context;
        this.partition = context.partitionId();
        this.tasks = context.getTaskInfos().length;
        this.patience = patience;
        this.server = server;
        this.sockets = new Socket[partition == 0 ? tasks : 1];
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kiln-exchange-watchdog-" + partition);
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::watch, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects the tasks of {@code context}'s stage; a task that waits longer than {@code patience} for another
     * (to connect, or for its part of an all-gather) fails naming the wait.
     */
    static TaskGroup join(BarrierTaskContext context, Duration patience) {
        ServerSocket server = null;
        try {
            if (context.partitionId() == 0) {
                server = new ServerSocket();
                server.bind(new InetSocketAddress(0), context.getTaskInfos().length);
            }
            String[] ports = context.allGather(server == null ? "" : Integer.toString(server.getLocalPort()));
            TaskGroup group = new TaskGroup(context, patience, server);
            server = null;
            try {
                if (group.partition == 0) {
                    group.accept();
                } else {
                    group.connect(host(context.getTaskInfos()[0].address()), Integer.parseInt(ports[0]));
                }
                return group;
            } catch (IOException | RuntimeException e) {
                group.close();
                throw e;
            }
        } catch (IOException e) {
            throw new KilnException("partition " + context.partitionId() + ": cannot connect the stage's tasks: " + e,
                    e);
        } finally {
            closeQuietly(server);
        }
    }

    /** The host of an executor's address, which Spark gives as "host:port". */
    static String host(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    int partition() {
        return partition;
    }

    /** Every task's message, in partition order, on every task; each message is at most {@code maxBytes} long. */
    byte[][] allGather(byte[] message, int maxBytes) {
        waitingSince = System.nanoTime();
        try {
            if (partition != 0) {
                write(sockets[0], message);
                byte[] header = read(sockets[0], 0, Integer.BYTES);
                int count = header.length == Integer.BYTES ? ByteBuffer.wrap(header).getInt() : -1;
                if (count != tasks) {
                    throw new KilnException("partition " + partition + ": partition 0 sent " + count
                            + " messages, expected one per task (" + tasks + ")");
                }
                byte[][] all = new byte[count][];
                for (int p = 0; p < count; p++) {
                    all[p] = read(sockets[0], 0, maxBytes);
                }
                return all;
            }
            byte[][] all = new byte[tasks][];
            all[0] = message;
            for (int p = 1; p < tasks; p++) {
                all[p] = read(sockets[p], p, maxBytes);
            }
            byte[] count = ByteBuffer.allocate(Integer.BYTES).putInt(tasks).array();
            for (int p = 1; p < tasks; p++) {
                write(sockets[p], count);
                for (byte[] m : all) {
                    write(sockets[p], m);
                }
            }
            return all;
        } catch (IOException e) {
            context.killTaskIfInterrupted();
            throw new KilnException("partition " + partition + ": the exchange with the other tasks failed: "
                    + (closedBecause != null ? closedBecause : e + " (a task of the stage failed or was killed)"), e);
        } finally {
            waitingSince = 0;
        }
    }

    /** Closes the connections when Spark has killed this task or the current wait outlasts the patience. */
    private void watch() {
        long since = waitingSince;
        if (context.isInterrupted()) {
            closeSockets("Spark killed this task");
        } else if (since != 0 && System.nanoTime() - since > patience.toNanos()) {
            closeSockets("waited more than " + patience.toSeconds() + " s for the other tasks");
        }
    }

    private void closeSockets(String reason) {
        if (closedBecause == null) {
            closedBecause = reason;
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        closeQuietly(server);
    }

    private void accept() throws IOException {
        waitingSince = System.nanoTime();
        try {
            for (int accepted = 0; accepted < tasks - 1; accepted++) {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                int from = new DataInputStream(socket.getInputStream()).readInt();
                if (from < 1 || from >= tasks || sockets[from] != null) {
                    socket.close();
                    throw new KilnException("partition 0: a connection claimed to be partition " + from + " of "
                            + tasks);
                }
                sockets[from] = socket;
            }
        } catch (IOException e) {
            throw closedBecause == null ? e : new IOException(closedBecause, e);
        } finally {
            waitingSince = 0;
        }
    }

    private void connect(String host, int port) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), POLL_MILLIS * 5);
                socket.setTcpNoDelay(true);
                new DataOutputStream(socket.getOutputStream()).writeInt(partition);
                sockets[0] = socket;
                return;
            } catch (IOException e) {
                socket.close();
                context.killTaskIfInterrupted();
                if (System.nanoTime() > deadline) {
                    throw new KilnException("partition " + partition + " could not reach partition 0 at " + host
                            + ":" + port + " within " + patience.toSeconds() + " s: " + e.getMessage(), e);
                }
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.killTaskIfInterrupted();
            throw new KilnException("partition " + partition + " was interrupted while connecting", e);
        }
    }

    private static void write(Socket socket, byte[] message) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(Integer.BYTES).putInt(message.length).array());
        out.write(message);
        out.flush();
    }

    /** The next message on {@code socket}, from partition {@code from}, of at most {@code maxBytes}. */
    private byte[] read(Socket socket, int from, int maxBytes) throws IOException {
        InputStream in = socket.getInputStream();
        int length = ByteBuffer.wrap(readFully(in, new byte[Integer.BYTES], from)).getInt();
        if (length < 0 || length > maxBytes) {
            throw new KilnException("partition " + partition + ": partition " + from + " sent a message of " + length
                    + " bytes, expected at most " + maxBytes);
        }
        return readFully(in, new byte[length], from);
    }

    private byte[] readFully(InputStream in, byte[] into, int from) throws IOException {
        int filled = 0;
        while (filled < into.length) {
            int n = in.read(into, filled, into.length - filled);
            if (n < 0) {
                throw new IOException("partition " + from + " closed its connection");
            }
            filled += n;
        }
        return into;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        closeQuietly(server);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // closing a connection of a finished exchange can only fail once it is already unusable
        }
    }
}

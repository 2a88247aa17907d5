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
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.spark.BarrierTaskContext;

/**
 * The tasks of one barrier stage, connected to partition 0 over TCP for all-gathers. Spark's own all-gather waits
 * in steps of a second, far too slow for an exchange every training step; it is used once, to pass partition 0's
 * port to the others. Partition 0 then gathers every task's message and sends all of them to every task. A task
 * that dies closes its connection, which fails the others' exchange at once; while waiting, every task keeps checking
 * whether Spark has killed it.
 */
final class TaskGroup implements AutoCloseable {
    /** The longest message a task may send, a guard against a corrupted length. */
    private static final int MAX_MESSAGE = Integer.MAX_VALUE - 8;
    private static final int POLL_MILLIS = 200;

    private final BarrierTaskContext context;
    private final int partition;
    private final Duration patience;
    private final ServerSocket server;
    /** Partition 0: a connection per other partition (index 0 unused); others: the connection to partition 0. */
    private final Socket[] sockets;

    private TaskGroup(BarrierTaskContext context, Duration patience, ServerSocket server, Socket[] sockets) {
        this.context = context;
        this.partition = context.partitionId();
        this.patience = patience;
        this.server = server;
        this.sockets = sockets;
    }

    /**
     * Connects the tasks of {@code context}'s stage; a task that waits longer than {@code patience} for another
     * (to connect, or to send its part of an all-gather) fails naming it.
     */
    static TaskGroup join(BarrierTaskContext context, Duration patience) {
        int tasks = context.getTaskInfos().length;
        int partition = context.partitionId();
        ServerSocket server = null;
        try {
            if (partition == 0) {
                server = new ServerSocket();
                server.bind(new InetSocketAddress(0), tasks);
            }
            String[] ports = context.allGather(server == null ? "" : Integer.toString(server.getLocalPort()));
            TaskGroup group = new TaskGroup(context, patience, server, new Socket[partition == 0 ? tasks : 1]);
            server = null;
            try {
                if (partition == 0) {
                    group.accept(tasks - 1);
                } else {
                    group.connect(host(context.getTaskInfos()[0].address()), Integer.parseInt(ports[0]));
                }
                return group;
            } catch (IOException | RuntimeException e) {
                group.close();
                throw e;
            }
        } catch (IOException e) {
            throw new KilnException("partition " + partition + ": cannot connect the stage's tasks: " + e, e);
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

    /** Every task's message, in partition order, on every task. */
    byte[][] allGather(byte[] message) {
        try {
            if (partition != 0) {
                write(sockets[0], message);
                int count = ByteBuffer.wrap(read(sockets[0], 0)).getInt();
                byte[][] all = new byte[count][];
                for (int p = 0; p < count; p++) {
                    all[p] = read(sockets[0], 0);
                }
                return all;
            }
            byte[][] all = new byte[sockets.length][];
            all[0] = message;
            for (int p = 1; p < sockets.length; p++) {
                all[p] = read(sockets[p], p);
            }
            byte[] count = ByteBuffer.allocate(Integer.BYTES).putInt(all.length).array();
            for (int p = 1; p < sockets.length; p++) {
                write(sockets[p], count);
                for (byte[] m : all) {
                    write(sockets[p], m);
                }
            }
            return all;
        } catch (IOException e) {
            throw new KilnException("partition " + partition + ": the exchange with the other tasks failed: " + e
                    + " (a task of the stage failed or was killed)", e);
        }
    }

    private void accept(int others) throws IOException {
        server.setSoTimeout(POLL_MILLIS);
        long deadline = System.nanoTime() + patience.toNanos();
        for (int accepted = 0; accepted < others; ) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                waitedTooLong(deadline, "the other tasks to connect");
                continue;
            }
            configure(socket);
            int from = new DataInputStream(socket.getInputStream()).readInt();
            if (from < 1 || from >= sockets.length || sockets[from] != null) {
                socket.close();
                throw new KilnException("partition 0: a connection claimed to be partition " + from + " of "
                        + sockets.length);
            }
            sockets[from] = socket;
            accepted++;
        }
    }

    private void connect(String host, int port) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), POLL_MILLIS * 5);
                configure(socket);
                new DataOutputStream(socket.getOutputStream()).writeInt(partition);
                sockets[0] = socket;
                return;
            } catch (IOException e) {
                socket.close();
                waitedTooLong(deadline, "partition 0 at " + host + ":" + port + " (" + e.getMessage() + ")");
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

    private static void configure(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(POLL_MILLIS);
    }

    private static void write(Socket socket, byte[] message) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(Integer.BYTES).putInt(message.length).array());
        out.write(message);
        out.flush();
    }

    /** The next message on {@code socket}, from partition {@code from}, waiting as long as the patience allows. */
    private byte[] read(Socket socket, int from) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        byte[] header = readFully(socket.getInputStream(), new byte[Integer.BYTES], deadline, from);
        int length = ByteBuffer.wrap(header).getInt();
        if (length < 0 || length > MAX_MESSAGE) {
            throw new KilnException("partition " + from + " sent a message of " + length + " bytes");
        }
        return readFully(socket.getInputStream(), new byte[length], deadline, from);
    }

    private byte[] readFully(InputStream in, byte[] into, long deadline, int from) throws IOException {
        int filled = 0;
        while (filled < into.length) {
            int n;
            try {
                n = in.read(into, filled, into.length - filled);
            } catch (SocketTimeoutException e) {
                waitedTooLong(deadline, "partition " + from);
                continue;
            }
            if (n < 0) {
                throw new KilnException("partition " + partition + ": partition " + from + " closed its connection"
                        + " (its task failed or was killed)");
            }
            filled += n;
        }
        return into;
    }

    /** Fails when Spark killed this task or {@code deadline} passed while waiting for {@code what}. */
    private void waitedTooLong(long deadline, String what) {
        context.killTaskIfInterrupted();
        if (System.nanoTime() > deadline) {
            throw new KilnException("partition " + partition + " waited more than " + patience.toSeconds()
                    + " s for " + what);
        }
    }

    @Override
    public void close() {
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

package dev.kiln.data.idx;

import dev.kiln.KilnException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, raw or gzip-compressed (recognised by the gzip magic bytes, whatever the name). The header is
 * validated against the file's length before the payload is allocated, so a truncated or corrupt file fails with
 * a {@link KilnException} naming the file and what was expected.
 */
public final class IdxReader {
    /** Deflate cannot compress better than about 1032:1; a larger claim means a corrupt header. */
    private static final long MAX_GZIP_RATIO = 1100;

    private IdxReader() {
    }

    /** The header and payload of {@code file}. */
    public static IdxArray read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            long length = Files.size(file);
            boolean gzip = isGzip(in);
            return gzip ? readGzip(file, length, in) : readRaw(file, length, in);
        } catch (EOFException e) {
            throw new KilnException(file + ": gzip stream is truncated, expected more compressed data", e);
        } catch (ZipException e) {
            throw new KilnException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new KilnException(file + ": cannot read (" + e + ")", e);
        }
    }

    /** Only the header of {@code file}, for checking a file without loading it. */
    public static IdxHeader readHeader(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            InputStream source = isGzip(in) ? new GZIPInputStream(in) : in;
            return readHeader(file, new DataInputStream(source));
        } catch (EOFException e) {
            throw new KilnException(file + ": gzip stream is truncated, expected more compressed data", e);
        } catch (ZipException e) {
            throw new KilnException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new KilnException(file + ": cannot read (" + e + ")", e);
        }
    }

    private static IdxArray readRaw(Path file, long length, InputStream in) throws IOException {
        IdxHeader header = readHeader(file, new DataInputStream(in));
        long expected = (long) header.headerBytes() + header.dataBytes();
        if (length < expected) {
            throw new KilnException(file + ": truncated, header " + header + " needs " + expected
                    + " bytes but the file has " + length);
        }
        if (length > expected) {
            throw new KilnException(file + ": " + (length - expected) + " bytes after the " + expected
                    + " bytes that header " + header + " declares");
        }
        return new IdxArray(header, readPayload(file, header, in));
    }

    private static IdxArray readGzip(Path file, long length, InputStream in) throws IOException {
        InputStream unzipped = new GZIPInputStream(in);
        IdxHeader header = readHeader(file, new DataInputStream(unzipped));
        if (header.dataBytes() > length * MAX_GZIP_RATIO) {
            throw new KilnException(file + ": header " + header + " declares " + header.dataBytes()
                    + " bytes of data, more than a " + length + "-byte gzip file can hold");
        }
        byte[] payload = readPayload(file, header, unzipped);
        if (unzipped.read() != -1) {
            throw new KilnException(file + ": decompressed data continues after the " + header.dataBytes()
                    + " bytes that header " + header + " declares");
        }
        return new IdxArray(header, payload);
    }

    private static byte[] readPayload(Path file, IdxHeader header, InputStream in) throws IOException {
        byte[] payload = new byte[header.dataBytes()];
        int read = in.readNBytes(payload, 0, payload.length);
        if (read < payload.length) {
            throw new KilnException(file + ": truncated, header " + header + " needs " + payload.length
                    + " bytes of data but only " + read + " follow");
        }
        return payload;
    }

    private static IdxHeader readHeader(Path file, DataInputStream in) throws IOException {
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got < 4) {
            throw new KilnException(file + ": " + got + " bytes, too short for the 4-byte IDX magic number");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new KilnException(String.format("%s: not an IDX file, expected the magic number to start with"
                    + " two zero bytes, got 0x%02x 0x%02x", file, magic[0] & 0xFF, magic[1] & 0xFF));
        }
        IdxType type = IdxType.ofCode(magic[2] & 0xFF, file.toString());
        int rank = magic[3] & 0xFF;
        if (rank == 0) {
            throw new KilnException(file + ": IDX header declares 0 dimensions, expected at least 1");
        }
        byte[] dims = new byte[4 * rank];
        got = in.readNBytes(dims, 0, dims.length);
        if (got < dims.length) {
            throw new KilnException(file + ": truncated header, " + rank + " dimensions need " + dims.length
                    + " bytes after the magic number but only " + got + " follow");
        }
        int[] dimensions = new int[rank];
        for (int i = 0; i < rank; i++) {
            dimensions[i] = ((dims[4 * i] & 0xFF) << 24) | ((dims[4 * i + 1] & 0xFF) << 16)
                    | ((dims[4 * i + 2] & 0xFF) << 8) | (dims[4 * i + 3] & 0xFF);
        }
        try {
            return new IdxHeader(type, dimensions);
        } catch (KilnException e) {
            throw new KilnException(file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }
}

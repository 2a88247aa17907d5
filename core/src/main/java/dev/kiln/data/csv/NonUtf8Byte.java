package dev.kiln.data.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The first byte of a file that is not part of valid UTF-8 text.
 *
 * @param offset its position in the file, from 0
 * @param line the 1-based line it is on
 * @param value the byte, 0 to 255
 */
record NonUtf8Byte(long offset, long line, int value) {
    private static final int CHUNK = 1 << 16;

    /** The first invalid byte of {@code file}, or empty when the whole file is UTF-8. */
    static Optional<NonUtf8Byte> first(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(CHUNK);
        CharBuffer out = CharBuffer.allocate(CHUNK);
        long consumed = 0;
        long line = 1;
        try (FileChannel channel = FileChannel.open(file)) {
            while (true) {
                boolean end = channel.read(in) < 0;
                in.flip();
                CoderResult result;
                do {
                    result = decoder.decode(in, out, end);
                    line += newlines(out);
                } while (result.isOverflow());
                if (result.isError()) {
                    return Optional.of(new NonUtf8Byte(consumed + in.position(), line, in.get(in.position()) & 0xFF));
                }
                consumed += in.position();
                in.compact();
                if (end) {
                    return Optional.empty();
                }
            }
        }
    }

    /** The line breaks among the characters decoded into {@code out}, which is emptied. */
    private static int newlines(CharBuffer out) {
        out.flip();
        int count = 0;
        while (out.hasRemaining()) {
            if (out.get() == '\n') {
                count++;
            }
        }
        out.clear();
        return count;
    }
}

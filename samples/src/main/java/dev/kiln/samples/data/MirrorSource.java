package dev.kiln.samples.data;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A web server that serves each file as {@code base + name + ".gz"}. */
public record MirrorSource(URI base, Duration connectTimeout, Duration downloadTimeout) implements DataSource {

    @Override
    public String description() {
        return "mirror " + base;
    }

    @Override
    public void fetch(List<IdxFileSpec> files, Path staging) throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        for (IdxFileSpec file : files) {
            URI uri = base.resolve(file.name() + ".gz");
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(downloadTimeout).GET().build();
            Path target = staging.resolve(file.name() + ".gz");
            try {
                HttpResponse<Path> response = client.send(request, HttpResponse.BodyHandlers.ofFile(target));
                if (response.statusCode() != 200) {
                    Files.deleteIfExists(target);
                    throw new IOException(uri + " answered HTTP " + response.statusCode());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while downloading " + uri, e);
            }
        }
    }
}

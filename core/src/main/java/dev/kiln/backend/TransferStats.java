package dev.kiln.backend;

/** Host/device transfers counted by a backend since it was created. */
public record TransferStats(long uploads, long uploadedBytes, long downloads, long downloadedBytes) {

    /** The transfers between an earlier snapshot and this one. */
    public TransferStats since(TransferStats earlier) {
        return new TransferStats(
                uploads - earlier.uploads,
                uploadedBytes - earlier.uploadedBytes,
                downloads - earlier.downloads,
                downloadedBytes - earlier.downloadedBytes);
    }
}

package org.metaforge.framework.data;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Where a dataset can be downloaded from, and the checksums that what arrives must have.
 *
 * <p>A file's address is a mirror's base URL followed by the file name. Mirrors are tried in order
 * until one delivers a file with the expected checksum.
 *
 * @param mirrors base URLs ({@code http} or {@code https}, ending with {@code /}), at least one
 * @param algorithm the {@link MessageDigest} algorithm of the checksums, e.g. {@code SHA-256} or
 *     {@code MD5}
 * @param checksums the expected digest (hex) of each file to download, by file name
 */
public record DownloadSource(List<URI> mirrors, String algorithm, Map<String, String> checksums) {

    /**
     * Fashion-MNIST from the data folder of Zalando Research's GitHub repository, then its S3
     * mirror, checked against the MD5 sums published in that repository's README.
     */
    public static final DownloadSource FASHION_MNIST =
            new DownloadSource(
                    List.of(
                            URI.create(
                                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
                            URI.create(
                                    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")),
                    "MD5",
                    Map.of(
                            "train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                            "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
                            "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
                            "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"));

    /** Checks the mirrors, the algorithm and the checksums, and copies the collections. */
    public DownloadSource {
        mirrors = List.copyOf(mirrors);
        checksums = Map.copyOf(checksums);
        if (mirrors.isEmpty()) {
            throw new IllegalArgumentException("a download source needs at least one mirror");
        }
        for (URI mirror : mirrors) {
            String scheme = mirror.getScheme();
            if (!("http".equals(scheme) || "https".equals(scheme))
                    || mirror.getPath() == null
                    || !mirror.getPath().endsWith("/")) {
                throw new IllegalArgumentException(
                        "mirror " + mirror + " must be an http(s) URL ending with '/'");
            }
        }
        int digestLength;
        try {
            digestLength = MessageDigest.getInstance(algorithm).getDigestLength();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(
                    "checksum algorithm '" + algorithm + "' is not available in this JVM", e);
        }
        if (checksums.isEmpty()) {
            throw new IllegalArgumentException("a download source needs at least one file");
        }
        for (Map.Entry<String, String> entry : checksums.entrySet()) {
            if (!entry.getKey().matches("[A-Za-z0-9][A-Za-z0-9._-]*")
                    || !entry.getValue().matches("[0-9a-fA-F]{" + 2 * digestLength + "}")) {
                throw new IllegalArgumentException(
                        "checksum entry "
                                + entry.getKey()
                                + " = "
                                + entry.getValue()
                                + " is not a plain file name with a "
                                + algorithm
                                + " digest of "
                                + 2 * digestLength
                                + " hex digits");
            }
        }
    }
}

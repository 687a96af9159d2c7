package org.metaforge.framework.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.metaforge.sdk.data.LabeledImages;

/**
 * A named dataset with its training and test split.
 *
 * @param name the catalog name, e.g. {@code fashion-mnist}
 * @param train the training split, named {@code <name>/train}
 * @param test the test split, named {@code <name>/test}, with the same classes and sample shape
 */
public record Dataset(String name, LabeledImages train, LabeledImages test) {

    /** Checks that the splits are present and fit together. */
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.numClasses() != test.numClasses()
                || !train.sampleShape().equals(test.sampleShape())) {
            throw new IllegalArgumentException(
                    "Dataset '"
                            + name
                            + "': train ("
                            + train.numClasses()
                            + " classes of "
                            + train.sampleShape()
                            + ") and test ("
                            + test.numClasses()
                            + " classes of "
                            + test.sampleShape()
                            + ") do not match");
        }
    }

    /**
     * Identifies the whole dataset: the SHA-256 (hex) of the train fingerprint followed by the test
     * fingerprint.
     */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(train.fingerprint().getBytes(StandardCharsets.US_ASCII));
            md.update(test.fingerprint().getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

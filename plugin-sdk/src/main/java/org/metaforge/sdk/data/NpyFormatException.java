package org.metaforge.sdk.data;

import java.io.IOException;

/** A file is not a {@code .npy} array this reader can take; the message says why and what to do. */
public class NpyFormatException extends IOException {

    /** Creates the exception with a sentence naming the file and the problem. */
    public NpyFormatException(String message) {
        super(message);
    }
}

package org.metaforge.plugins.ldeq.wflw;

import java.io.IOException;

/** A WFLW annotation file that does not follow the format; the message names file and lines. */
public class WflwFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** A format error described by {@code message}. */
    public WflwFormatException(String message) {
        super(message);
    }
}

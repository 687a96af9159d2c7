package org.metaforge.framework.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One IDX file to read: where it is, as shown in messages, and how to open it.
 *
 * @param location an absolute path or {@code classpath:<resource>}
 * @param opener opens a fresh stream on the raw (possibly compressed) bytes
 */
record IdxSource(String location, Opener opener) {

    /** Opens the raw bytes of the file. */
    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    /** A file on disk. */
    static IdxSource of(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return new IdxSource(absolute.toString(), () -> Files.newInputStream(absolute));
    }

    /** A resource of the framework's class loader, e.g. {@code org/metaforge/.../x.gz}. */
    static IdxSource ofResource(String resource) {
        String location = "classpath:" + resource;
        return new IdxSource(
                location,
                () -> {
                    InputStream in = IdxSource.class.getClassLoader().getResourceAsStream(resource);
                    if (in == null) {
                        throw new NoSuchFileException(location);
                    }
                    return in;
                });
    }

    InputStream open() throws IOException {
        return opener.open();
    }
}

package org.metaforge.plugins.ldeq.wflw;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.metaforge.plugins.ldeq.face.FaceImage;
import org.metaforge.plugins.ldeq.face.FacePose;

/**
 * A WFLW-format dataset on disk: an annotation file plus images under a root directory. Writes
 * synthetic faces in that format and reads any such dataset back.
 */
public final class WflwDataset {

    /** Directory, under the dataset root, that exported images go to. */
    public static final String IMAGES = "images";

    private WflwDataset() {}

    /** One annotated image. */
    public record Sample(WflwAnnotation annotation, Image image) {}

    /**
     * Writes {@code faces} as {@code dir/images/000000.pgm} (or {@code .ppm} for RGB) and one
     * annotation file {@code dir/annotationName}; returns the annotations written.
     *
     * <p>The box is the landmarks' bounding box; attribute flags follow from the generator's
     * parameters: large pose for |yaw| &gt; 0.3 rad or |roll| &gt; 15 degrees, expression for a
     * mouth, brow or eye parameter above 0.5, illumination for a gain 20% off, an offset above 0.08
     * or a gradient above 0.25, occlusion when an occluder hides a landmark, blur above 1 pixel;
     * make-up is never set.
     */
    public static List<WflwAnnotation> export(
            List<FaceImage> faces, Path dir, String annotationName) throws IOException {
        Files.createDirectories(dir.resolve(IMAGES));
        List<WflwAnnotation> out = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            FaceImage f = faces.get(i);
            String path =
                    IMAGES + "/" + String.format("%06d", i) + (f.channels() == 1 ? ".pgm" : ".ppm");
            ImageFiles.writePnm(
                    dir.resolve(path), new Image(f.width(), f.height(), f.channels(), f.pixels()));
            out.add(new WflwAnnotation(f.landmarks(), box(f.landmarks()), attributes(f), path));
        }
        WflwAnnotations.write(dir.resolve(annotationName), out);
        return out;
    }

    /**
     * Reads the annotations of {@code annotationFile} and their images from {@code imageRoot}.
     *
     * @throws WflwFormatException if the annotation file is malformed
     * @throws IOException if an image is missing or unreadable, naming it and its annotation file
     */
    public static List<Sample> load(Path annotationFile, Path imageRoot) throws IOException {
        List<Sample> out = new ArrayList<>();
        for (WflwAnnotation a : WflwAnnotations.read(annotationFile)) {
            Path image = imageRoot.resolve(a.imagePath());
            if (!Files.isRegularFile(image)) {
                throw new IOException(
                        "Image "
                                + image
                                + " named in "
                                + annotationFile
                                + " does not exist; pass the directory the image paths are"
                                + " relative to.");
            }
            out.add(new Sample(a, ImageFiles.read(image)));
        }
        return out;
    }

    /** The bounding box {@code x_min, y_min, x_max, y_max} of interleaved landmarks. */
    public static double[] box(double[] landmarks) {
        double[] b = {
            Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY
        };
        for (int i = 0; i < landmarks.length; i += 2) {
            b[0] = Math.min(b[0], landmarks[i]);
            b[1] = Math.min(b[1], landmarks[i + 1]);
            b[2] = Math.max(b[2], landmarks[i]);
            b[3] = Math.max(b[3], landmarks[i + 1]);
        }
        return b;
    }

    private static WflwAttributes attributes(FaceImage f) {
        FacePose p = f.pose();
        var d = f.degradation();
        boolean anyOccluded = false;
        for (boolean o : f.occluded()) {
            anyOccluded |= o;
        }
        return new WflwAttributes(
                Math.abs(p.yaw()) > 0.3 || Math.abs(p.roll()) > Math.toRadians(15),
                p.mouthOpen() > 0.5 || p.browRaise() > 0.5 || p.eyeClosure() > 0.5,
                Math.abs(d.gain() - 1) > 0.2
                        || Math.abs(d.offset()) > 0.08
                        || Math.hypot(d.gradientX(), d.gradientY()) > 0.25,
                false,
                anyOccluded,
                d.blurSigma() > 1);
    }
}

package org.metaforge.experiments.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.metaforge.framework.BadInputException;
import org.metaforge.sdk.data.Npy;
import org.metaforge.sdk.data.NpyArray;
import org.metaforge.sdk.data.NpyFormatException;
import org.metaforge.sdk.metric.LandmarkMetrics;

/**
 * {@code metaforge eval landmarks --pred P --gt G}: landmark metrics of prediction files.
 *
 * <p>Both files are {@code .npy} arrays of shape (frames, landmarks, 2) in pixels, or (landmarks,
 * 2) for one image. Prints NME (percent of the inter-ocular distance), failure rate and AUC at a
 * threshold, and, for two or more frames, NMF (the first axis taken as consecutive frames).
 */
final class EvalCommand implements MetaforgeCli.Command {

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(
                Option.builder()
                        .longOpt("pred")
                        .hasArg()
                        .argName("FILE")
                        .desc("predicted landmarks, .npy (frames x landmarks x 2)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("gt")
                        .hasArg()
                        .argName("FILE")
                        .desc("ground-truth landmarks, .npy, same shape")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("norm")
                        .hasArg()
                        .argName("A,B")
                        .desc(
                                "landmarks whose ground-truth distance normalises NME (default"
                                        + " 60,72: WFLW's outer eye corners)")
                        .build());
        o.addOption(
                Option.builder()
                        .longOpt("threshold")
                        .hasArg()
                        .argName("T")
                        .desc("NME threshold of the failure rate and AUC (default 0.1)")
                        .build());
        return o;
    }

    @Override
    public String arguments() {
        return "landmarks --pred FILE --gt FILE [--norm A,B --threshold T]";
    }

    @Override
    public String summary() {
        return "Landmark metrics of prediction files: NME (inter-ocular, x100), failure rate and"
                + " AUC at the threshold, and NMF over consecutive frames.";
    }

    @Override
    public int execute(CommandLine cl, MetaforgeCli cli) throws BadInputException {
        if (cl.getArgList().size() != 1 || !cl.getArgList().get(0).equals("landmarks")) {
            throw new BadInputException(
                    "'metaforge eval' takes one argument, what to evaluate: 'landmarks' (got "
                            + (cl.getArgList().isEmpty() ? "none" : cl.getArgList())
                            + "). Example: metaforge eval landmarks --pred pred.npy --gt gt.npy");
        }
        if (!cl.hasOption("pred") || !cl.hasOption("gt")) {
            throw new BadInputException(
                    "'metaforge eval landmarks' needs --pred FILE and --gt FILE (.npy arrays of"
                            + " shape frames x landmarks x 2).");
        }
        int[] norm = norm(cl.getOptionValue("norm", "60,72"));
        double threshold = threshold(cl.getOptionValue("threshold", "0.1"));
        double[][] pred = frames(Path.of(cl.getOptionValue("pred")), "--pred");
        double[][] gt = frames(Path.of(cl.getOptionValue("gt")), "--gt");
        if (pred.length != gt.length || pred[0].length != gt[0].length) {
            throw new BadInputException(
                    "--pred has "
                            + pred.length
                            + " frame(s) of "
                            + pred[0].length / 2
                            + " landmarks but --gt has "
                            + gt.length
                            + " of "
                            + gt[0].length / 2
                            + "; they must match.");
        }
        int landmarks = gt[0].length / 2;
        if (Math.max(norm[0], norm[1]) >= landmarks) {
            throw new BadInputException(
                    "The files have "
                            + landmarks
                            + " landmarks, so normalising landmarks "
                            + norm[0]
                            + " and "
                            + norm[1]
                            + " do not exist; pass --norm A,B with indices below "
                            + landmarks
                            + ".");
        }
        double[] nmes = new double[gt.length];
        try {
            for (int t = 0; t < gt.length; t++) {
                nmes[t] = LandmarkMetrics.nme(pred[t], gt[t], norm[0], norm[1]);
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException("Cannot compute NME: " + e.getMessage() + ".");
        }
        LandmarkMetrics.Summary s = LandmarkMetrics.summarize(nmes, threshold);
        PrintStream out = cli.out();
        out.printf(Locale.ROOT, "frames     %d%n", gt.length);
        out.printf(Locale.ROOT, "landmarks  %d%n", landmarks);
        out.printf(
                Locale.ROOT,
                "NME        %.4f  (%% of the distance between landmarks %d and %d, mean over"
                        + " frames)%n",
                100 * s.meanNme(),
                norm[0],
                norm[1]);
        out.printf(
                Locale.ROOT,
                "FR@%s     %.4f  (%% of frames with NME above it)%n",
                fmt(threshold),
                100 * s.failureRate());
        out.printf(Locale.ROOT, "AUC@%s    %.4f%n", fmt(threshold), s.auc());
        if (gt.length >= 2) {
            try {
                out.printf(
                        Locale.ROOT,
                        "NMF        %.4f  (RMS over landmarks, then frames, of the change in"
                                + " error per frame, %% of the face scale)%n",
                        LandmarkMetrics.nmf(pred, gt));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("Cannot compute NMF: " + e.getMessage() + ".");
            }
        } else {
            out.println("NMF        n/a  (one frame)");
        }
        return ExitCode.OK;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%s", v);
    }

    private static int[] norm(String text) throws BadInputException {
        String[] parts = text.split(",");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            int a = Integer.parseInt(parts[0].trim());
            int b = Integer.parseInt(parts[1].trim());
            if (a < 0 || b < 0 || a == b) {
                throw new NumberFormatException();
            }
            return new int[] {a, b};
        } catch (NumberFormatException e) {
            throw new BadInputException(
                    "--norm " + text + " is not two different landmark indices like 60,72.");
        }
    }

    private static double threshold(String text) throws BadInputException {
        try {
            double t = Double.parseDouble(text.trim());
            // The AUC integrates on a 1e-4 grid with Simpson's rule: an even number of steps.
            long steps = Math.round(t / 1e-4);
            if (!(t > 0 && t <= 1) || steps % 2 != 0 || Math.abs(steps * 1e-4 - t) > 1e-12) {
                throw new NumberFormatException();
            }
            return t;
        } catch (NumberFormatException e) {
            throw new BadInputException(
                    "--threshold "
                            + text
                            + " is not a number in (0, 1] that is a multiple of 0.0002 (e.g. 0.1,"
                            + " 0.08).");
        }
    }

    /** The file's frames, each flattened to (x0, y0, x1, y1, ...). */
    private static double[][] frames(Path file, String option) throws BadInputException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(option + " " + file + " does not exist or is not a file.");
        }
        NpyArray a;
        try {
            a = Npy.read(file);
        } catch (NpyFormatException e) {
            throw new BadInputException(e.getMessage());
        } catch (IOException e) {
            throw new BadInputException(
                    "Cannot read " + option + " " + file + ": " + e.getMessage());
        }
        long[] shape = a.shape();
        boolean one = shape.length == 2;
        if (!(shape.length == 3 || one) || shape[shape.length - 1] != 2 || a.data().length == 0) {
            throw new BadInputException(
                    option
                            + " "
                            + file
                            + " has shape "
                            + a.shapeText()
                            + "; landmark files are (frames, landmarks, 2) or (landmarks, 2),"
                            + " non-empty.");
        }
        int frames = one ? 1 : (int) shape[0];
        int per = (int) (one ? shape[0] : shape[1]) * 2;
        double[][] out = new double[frames][per];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(a.data(), t * per, out[t], 0, per);
            for (double v : out[t]) {
                if (!Double.isFinite(v)) {
                    throw new BadInputException(
                            option
                                    + " "
                                    + file
                                    + " has a non-finite coordinate in frame "
                                    + t
                                    + ".");
                }
            }
        }
        return out;
    }
}

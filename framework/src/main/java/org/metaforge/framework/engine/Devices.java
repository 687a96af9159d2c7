package org.metaforge.framework.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.metaforge.framework.BadInputException;

/** Turns {@code auto | cpu | gpu | gpu:N} into an engine device. */
public final class Devices {

    private static final Pattern GPU = Pattern.compile("gpu(?::(\\d+))?");

    private Devices() {}

    /**
     * Resolves a device name against the engine's GPUs.
     *
     * @throws BadInputException for an unknown name or a GPU the engine cannot see
     */
    public static Device resolve(String name) throws BadInputException {
        String n = name == null ? "auto" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        int gpus = Engine.getInstance().getGpuCount();
        if (n.equals("auto")) {
            return gpus > 0 ? Device.gpu() : Device.cpu();
        }
        Matcher m = GPU.matcher(n);
        if (!m.matches()) {
            throw new BadInputException(
                    "Device '" + name + "' is not one of auto, cpu, gpu, gpu:N (N = 0, 1, ...).");
        }
        int id = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        if (id >= gpus) {
            throw new BadInputException(
                    "Device '"
                            + name
                            + "' asked for, but the PyTorch engine sees "
                            + gpus
                            + " GPU(s) (engine "
                            + Engine.getInstance().getVersion()
                            + ", CPU natives). Use --device cpu or auto, or run with a CUDA build"
                            + " of libtorch (PYTORCH_LIBRARY_PATH) as the README's GPU section says.");
        }
        return Device.gpu(id);
    }

    /** The spelling recorded in results and cache keys, e.g. {@code cpu} or {@code gpu:0}. */
    public static String describe(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }
}

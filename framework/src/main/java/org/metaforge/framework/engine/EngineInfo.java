package org.metaforge.framework.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** Versions and threading of the tensor engine, for provenance and cache keys. */
public final class EngineInfo {

    private EngineInfo() {}

    /** DJL's version. */
    public static String djlVersion() {
        return Engine.getDjlVersion();
    }

    /** The PyTorch (libtorch) version the engine runs. */
    public static String pytorchVersion() {
        return Engine.getEngine("PyTorch").getVersion();
    }

    /** The intra-op thread count in use (results are bit-identical only at equal counts). */
    public static int threads() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }
}

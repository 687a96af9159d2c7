/**
 * The framework's side of the PyTorch engine: devices, engine facts and the engine services the SDK
 * declares, such as second-order {@link org.metaforge.framework.engine.TorchAutodiff autodiff}.
 */
package org.metaforge.framework.engine;

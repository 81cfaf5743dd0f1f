"""Convert MediaPipe BlazePose ``.tflite`` models to ONNX (run once, in a venv with TensorFlow).

Usage (what ``make blazepose-onnx`` runs; see docs/BACKBONES.md)::

    python tools/blazepose_to_onnx.py IN.tflite OUT.onnx

``tf2onnx`` converts ``pose_landmark_full.tflite`` directly. ``pose_detection.tflite`` stores 38 of
its weight tensors *sparse* (TFLite ``DENSIFY`` ops over fp16 buffers), which ``tf2onnx`` 1.17 cannot
read. This script runs the model once in the TFLite interpreter with all tensors preserved, takes
each ``DENSIFY`` output (a constant: the dense weight), and hands ``tf2onnx`` a ``TFL_DENSIFY``
handler that replaces the op by that constant. Nothing else about the graph changes; the test
``test/test_backbones.py`` compares the resulting networks with LiteRT on a real photo.

Needs: tensorflow-cpu 2.21.0, tf2onnx 1.17.0 (conversion time only; never a run-time dependency).
"""

from __future__ import annotations

import argparse

import numpy as np


def densify_outputs(tflite_path: str) -> dict[str, np.ndarray]:
    """Tensor name → dense value of every ``DENSIFY`` output of the model."""
    import tensorflow as tf
    from tf2onnx.tflite.Model import Model

    with open(tflite_path, "rb") as f:
        model = Model.GetRootAsModel(f.read(), 0)
    codes = [model.OperatorCodes(i) for i in range(model.OperatorCodesLength())]
    g = model.Subgraphs(0)
    outs = []
    for i in range(g.OperatorsLength()):
        op = g.Operators(i)
        c = codes[op.OpcodeIndex()]
        code = max(c.BuiltinCode(), c.DeprecatedBuiltinCode())
        if code == 124:  # BuiltinOperator.DENSIFY
            outs.append(op.Outputs(0))
    if not outs:
        return {}
    # without the XNNPACK delegate, which would consume the DENSIFY ops and never fill their outputs
    it = tf.lite.Interpreter(model_path=tflite_path, experimental_preserve_all_tensors=True,
                             experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    it.allocate_tensors()
    for d in it.get_input_details():
        it.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
    it.invoke()
    return {g.Tensors(t).Name().decode(): np.array(it.get_tensor(t)) for t in outs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tflite")
    ap.add_argument("onnx")
    ap.add_argument("--opset", type=int, default=17)
    a = ap.parse_args()

    from tensorflow.python.framework import tensor_util
    from tf2onnx import convert, tflite_utils, utils
    from tf2onnx.handler import tfl_op

    dense = densify_outputs(a.tflite)
    print(f"{len(dense)} DENSIFY ops folded into constants")

    if dense:
        make = tensor_util.MakeNdarray

        def make_or_placeholder(t):
            # a sparse buffer cannot be reshaped to the dense shape; its only reader is a DENSIFY
            # op, which the handler below replaces by the dense constant, so the value is unused
            try:
                return make(t)
            except ValueError:
                shape = [d.size for d in t.tensor_shape.dim]
                return np.zeros(shape, tf_dtype_np(t.dtype))

        def tf_dtype_np(dt):
            import tensorflow as tf
            return tf.dtypes.as_dtype(dt).as_numpy_dtype

        tflite_utils.tensor_util.MakeNdarray = make_or_placeholder

        @tfl_op(["TFL_DENSIFY"], onnx_op="Identity")
        class _Densify:  # noqa: F841 (registered by the decorator)
            @classmethod
            def version_1(cls, ctx, node, **kwargs):
                value = dense[node.output[0]]
                c = ctx.make_const(utils.make_name(node.name + "_dense"), value)
                ctx.replace_inputs(node, [c.output[0]])

    convert.main.__globals__["sys"].argv = ["tf2onnx.convert", "--tflite", a.tflite, "--output", a.onnx,
                                            "--opset", str(a.opset)]
    convert.main()


if __name__ == "__main__":
    main()

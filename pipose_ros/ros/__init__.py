"""The run-time ROS 2 adapter: the node (:mod:`.node`), TF / markers / ROS4HRI messages
(:mod:`.output`) and image–depth pairing (:mod:`.sync`).

With :mod:`pipose_ros.tools` (the DDS dev/test tools) the only places that import rclpy. It
converts messages with :mod:`pipose_ros.msgs`, calls :class:`pipose_ros.estimator.PoseEstimator`
and publishes the result; no pose math lives here, and nothing here imports training, data
generation or torch (``test/test_runtime.py`` walks the imports).
"""

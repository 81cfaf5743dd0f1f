"""The ROS 2 adapter: the only package of pipose_ros that imports rclpy.

It converts messages to numpy + K, calls :class:`pipose_ros.estimator.PoseEstimator` and
turns skeletons into TF frames and markers; no pose math lives here.
"""

"""pipose_ros: absolute 3D human pose from one RGB camera, trained with depth as privileged information.

The core (everything except :mod:`pipose_ros.ros`) is importable without ROS 2.
"""

__version__ = "0.1.0"

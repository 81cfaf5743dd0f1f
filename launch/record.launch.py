"""Record an RGB-D camera for fine-tuning: ``ros2 bag record`` (MCAP) of the colour image, the
registered depth, both CameraInfos and /tf_static.

    ros2 launch pipose_ros record.launch.py image:=/camera/camera/color/image_raw \\
        camera_info:=/camera/camera/color/camera_info \\
        depth:=/camera/camera/aligned_depth_to_color/image_raw \\
        depth_info:=/camera/camera/aligned_depth_to_color/camera_info bag:=my_scene

Then: ``pipose dataset from-bag my_scene data/my_scene`` (docs/FINETUNE.md). Without rosbag2,
``pipose record`` records the same topics with rclpy + rosbags.
"""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess
from launch.substitutions import LaunchConfiguration

ARGS = [
    ("image", "/image", "colour image topic"),
    ("camera_info", "/camera_info", "its CameraInfo"),
    ("depth", "/depth/image", "depth topic (registered to the colour image, or raw + its camera_info and TF)"),
    ("depth_info", "/depth/camera_info", "depth CameraInfo"),
    ("bag", "pipose_bag", "output bag folder (must not exist)"),
]


def record_action(condition=None) -> ExecuteProcess:
    """``ros2 bag record -s mcap`` of the five topics (shared with pose.launch.py record:=true)."""
    return ExecuteProcess(
        cmd=["ros2", "bag", "record", "-s", "mcap", "-o", LaunchConfiguration("bag"),
             LaunchConfiguration("image"), LaunchConfiguration("camera_info"),
             LaunchConfiguration("depth"), LaunchConfiguration("depth_info"), "/tf_static"],
        output="screen", condition=condition)


def generate_launch_description():
    return LaunchDescription([DeclareLaunchArgument(n, default_value=d, description=h) for n, d, h in ARGS]
                             + [record_action()])

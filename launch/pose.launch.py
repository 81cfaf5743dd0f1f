"""Launch pose_node next to a camera driver.

    ros2 launch pipose_ros pose.launch.py image:=/camera/color/image_raw \\
        camera_info:=/camera/color/camera_info mode:=rgb rviz:=true

pose_node is a managed (lifecycle) node: by default it configures and activates itself;
``autostart:=false`` leaves it unconfigured for a lifecycle manager (nav2_lifecycle_manager, or
``ros2 lifecycle set /pose_node configure`` then ``activate``).

In rgbd mode also remap depth:=/camera/aligned_depth_to_color/image_raw and
depth_info:=/camera/aligned_depth_to_color/camera_info (depth registered to the colour image).
``record:=true bag:=NAME`` also runs ``ros2 bag record -s mcap`` of the colour image, depth, both
CameraInfos and /tf_static (the data ``pipose dataset from-bag`` turns into a training set).
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import LifecycleNode, Node


def generate_launch_description():
    share = get_package_share_directory("pipose_ros")
    args = [
        DeclareLaunchArgument("params", default_value=os.path.join(share, "config", "pose.yaml"),
                              description="parameter file"),
        DeclareLaunchArgument("mode", default_value="rgb", description="rgb or rgbd"),
        DeclareLaunchArgument("image", default_value="image", description="colour image topic"),
        DeclareLaunchArgument("camera_info", default_value="camera_info", description="its CameraInfo"),
        DeclareLaunchArgument("depth", default_value="depth/image", description="registered depth (rgbd)"),
        DeclareLaunchArgument("depth_info", default_value="depth/camera_info", description="depth CameraInfo"),
        DeclareLaunchArgument("device", default_value="auto", description="auto, cpu, cuda"),
        DeclareLaunchArgument("backend", default_value="auto",
                              description="auto, onnxruntime, torch, tensorrt (auto logs which it chose)"),
        DeclareLaunchArgument("checkpoint", default_value="",
                              description="student checkpoint ('' = the shipped one), e.g. a fine-tuned model"),
        DeclareLaunchArgument("namespace", default_value="", description="node namespace"),
        DeclareLaunchArgument("autostart", default_value="true",
                              description="configure and activate pose_node at start (false: stay unconfigured "
                                          "for a lifecycle manager)"),
        DeclareLaunchArgument("rviz", default_value="false", description="start RViz with rviz/pose.rviz"),
        DeclareLaunchArgument("record", default_value="false",
                              description="also record image, depth, camera_infos, /tf_static (MCAP)"),
        DeclareLaunchArgument("bag", default_value="pipose_bag", description="bag folder when record:=true"),
    ]
    node = LifecycleNode(
        package="pipose_ros", executable="pose_node", name="pose_node",
        namespace=LaunchConfiguration("namespace"), output="screen", emulate_tty=True,
        parameters=[LaunchConfiguration("params"), {"mode": LaunchConfiguration("mode"),
                                                    "device": LaunchConfiguration("device"),
                                                    "backend": LaunchConfiguration("backend"),
                                                    "checkpoint": LaunchConfiguration("checkpoint"),
                                                    "autostart": LaunchConfiguration("autostart")}],
        remappings=[("image", LaunchConfiguration("image")),
                    ("camera_info", LaunchConfiguration("camera_info")),
                    ("depth/image", LaunchConfiguration("depth")),
                    ("depth/camera_info", LaunchConfiguration("depth_info"))],
    )
    rviz = Node(package="rviz2", executable="rviz2", name="rviz2",
                arguments=["-d", os.path.join(share, "rviz", "pose.rviz")],
                condition=IfCondition(LaunchConfiguration("rviz")))
    # the same command as record.launch.py (relative names resolve in the root namespace:
    # pass absolute topic names together with namespace:=...)
    record = ExecuteProcess(
        cmd=["ros2", "bag", "record", "-s", "mcap", "-o", LaunchConfiguration("bag"),
             LaunchConfiguration("image"), LaunchConfiguration("camera_info"),
             LaunchConfiguration("depth"), LaunchConfiguration("depth_info"), "/tf_static"],
        output="screen", condition=IfCondition(LaunchConfiguration("record")))
    return LaunchDescription(args + [node, rviz, record])

from glob import glob

from setuptools import find_packages, setup

package_name = "pipose_ros"

setup(
    name=package_name,
    version="0.1.0",
    packages=find_packages(include=["pipose_ros", "pipose_ros.*"]),
    data_files=[
        ("share/ament_index/resource_index/packages", ["resource/" + package_name]),
        ("share/" + package_name, ["package.xml"]),
        ("share/" + package_name + "/launch", glob("launch/*.py")),
        ("share/" + package_name + "/config", glob("config/*.yaml") + glob("config/*.xml")),
        ("share/" + package_name + "/rviz", glob("rviz/*.rviz")),
        ("share/" + package_name + "/models", glob("models/*.pt") + glob("models/*.onnx") + glob("models/*.md")),
        ("share/" + package_name + "/models/blazepose", glob("models/blazepose/*")),
    ],
    install_requires=["setuptools"],
    # MediaPipe Pose for `pipose label`; install it in its own venv (`make label-env`): it pulls
    # opencv-contrib-python and jax, which must not replace the main environment's packages
    # runtime: pose_node on ONNX Runtime without torch (requirements-runtime.txt pins them, plus the
    # ROS 2 packages a ROS install provides); the full set for training is requirements.txt
    extras_require={"label": ["mediapipe==0.10.14"],
                    "runtime": ["numpy", "scipy", "opencv-python-headless", "onnxruntime", "PyYAML"]},
    zip_safe=True,
    maintainer="pipose_ros developers",
    maintainer_email="pipose@example.invalid",
    description="Absolute 3D human pose from RGB with a student trained using depth as privileged information.",
    license="Apache-2.0",
    entry_points={
        "console_scripts": [
            "pose_node = pipose_ros.ros.node:main",
            "pipose = pipose_ros.cli:main",
        ],
    },
)

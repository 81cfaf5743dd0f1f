import os
import random

import pytest

# keep DDS discovery on this machine and away from other runs
os.environ.setdefault("ROS_DOMAIN_ID", str(random.randint(101, 200)))
os.environ["ROS_AUTOMATIC_DISCOVERY_RANGE"] = "LOCALHOST"
os.environ.setdefault("RMW_IMPLEMENTATION", "rmw_fastrtps_cpp")
# the transport the README recommends for camera images: shared memory segments that hold a whole
# image (the default 512 kB segment sends larger images as UDP fragments, which best-effort
# readers lose under load — a 640x320 test image was lost that way in a CI run)
os.environ.setdefault("FASTDDS_DEFAULT_PROFILES_FILE",
                      os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                   "config", "fastdds_large_data.xml"))


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory):
    """Untrained student + teacher checkpoints (real format, real weights_only loading)."""
    from pipose_ros.checkpoint import save_checkpoint
    from pipose_ros.preprocess import normalisation
    from pipose_ros.model import ModelConfig, build_model
    from pipose_ros.skeleton import KINECT14
    from pipose_ros.spdh import SPDHConfig

    d = tmp_path_factory.mktemp("ck")
    out = {}
    for kind in ("student", "teacher", "baseline"):
        cfg = ModelConfig(kind=kind)
        p = d / f"{kind}.pt"
        save_checkpoint(p, build_model(cfg), cfg, SPDHConfig(), list(KINECT14.names), normalisation(),
                        {"note": "untrained, for tests"})
        out[kind] = p
    return out


@pytest.fixture(scope="module")
def ros_ctx():
    """An rclpy context for the DDS tests of one module."""
    rclpy = pytest.importorskip("rclpy")
    rclpy.init()
    yield
    rclpy.try_shutdown()

"""Skeletons → TF frames, visualization_msgs/MarkerArray and ROS4HRI (REP-155) messages.

Frame naming (REP-155): per person ``<prefix>body_<id>`` (``id`` = the tracker's ROS4HRI body id,
:class:`pipose_ros.track.BodyTracker`), placed and oriented as REP-155 says — origin at the
mid-point of the hips, x forward, y left, z up (:func:`pipose_ros.track.body_pose`) — and one
frame per joint ``<prefix><joint_name>_<id>`` (e.g. ``left_wrist_kxqzb``) at the joint, with the
camera's orientation (joints are points). Every frame's parent is the image's frame_id (the
camera optical frame, REP-103), its stamp the image's stamp. Markers: one SPHERE_LIST (joints)
and one LINE_LIST (bones) per person, in namespace ``<source>/body_<id>`` (source = ``student``
or ``teacher``), colours in [0, 1]; a person who leaves gets DELETE markers.
ROS4HRI: ``hri_msgs/IdsList`` of the tracked bodies, per body ``NormalizedRegionOfInterest2D``
(its box) and ``Skeleton2D`` (18 OpenPose-COCO keypoints in normalised image coordinates; the
first 14 are KINECT14 in the same order, the eyes and ears are not estimated and carry c = 0).
"""

from __future__ import annotations

from builtin_interfaces.msg import Duration
from geometry_msgs.msg import Point, TransformStamped
from hri_msgs.msg import IdsList, NormalizedPointOfInterest2D, NormalizedRegionOfInterest2D, Skeleton2D
from std_msgs.msg import ColorRGBA
from visualization_msgs.msg import Marker, MarkerArray

from ..skeleton import JointSet, Skeleton
from ..track import body_pose, rotation_to_quaternion

COLOURS = {"student": (0.1, 0.8, 0.2), "teacher": (0.2, 0.4, 1.0)}
# Skeleton2D index of each KINECT14 joint (hri_msgs/Skeleton2D constants NOSE … LEFT_ANKLE)
SKELETON2D_INDEX = {"nose": 0, "neck": 1, "right_shoulder": 2, "right_elbow": 3, "right_wrist": 4,
                    "left_shoulder": 5, "left_elbow": 6, "left_wrist": 7, "right_hip": 8,
                    "right_knee": 9, "right_ankle": 10, "left_hip": 11, "left_knee": 12,
                    "left_ankle": 13}


def body_frame(body_id: str, prefix: str = "") -> str:
    """TF frame of person ``body_id``: ``<prefix>body_<id>``."""
    return f"{prefix}body_{body_id}"


def joint_frame(joint: str, body_id: str, prefix: str = "") -> str:
    """TF frame of a joint: ``<prefix><joint>_<id>``."""
    return f"{prefix}{joint}_{body_id}"


def _tf(header, child: str, p, q=(0.0, 0.0, 0.0, 1.0)) -> TransformStamped:
    t = TransformStamped()
    t.header.stamp = header.stamp
    t.header.frame_id = header.frame_id
    t.child_frame_id = child
    t.transform.translation.x, t.transform.translation.y, t.transform.translation.z = (float(v) for v in p)
    (t.transform.rotation.x, t.transform.rotation.y, t.transform.rotation.z,
     t.transform.rotation.w) = (float(v) for v in q)
    return t


def skeleton_transforms(bodies: list[tuple[str, Skeleton]], header, joint_set: JointSet,
                        prefix: str = "", min_confidence: float = 0.0) -> list[TransformStamped]:
    """TransformStamped per person (``body_<id>``, REP-155 pose) and per joint whose confidence
    is at least ``min_confidence``; parent = ``header.frame_id``, stamp = header's.

    Args:
        bodies: (body id, skeleton) pairs; joints in metres, camera optical frame.
    """
    out = []
    for bid, s in bodies:
        origin, R = body_pose(s.joints, joint_set)
        out.append(_tf(header, body_frame(bid, prefix), origin, rotation_to_quaternion(R)))
        out += [_tf(header, joint_frame(n, bid, prefix), s.joints[j]) for j, n in enumerate(s.names)
                if s.confidence[j] >= min_confidence]
    return out


def ids_list(ids: list[str], header) -> IdsList:
    """``/humans/bodies/tracked``: the ids of the bodies tracked now (REP-155)."""
    return IdsList(header=header, ids=[str(i) for i in ids])


def body_roi(box, width: int, height: int, header, confidence: float = 1.0) -> NormalizedRegionOfInterest2D:
    """``/humans/bodies/<id>/roi``: the person box (x0, y0, x1, y1 pixels) clipped to the image
    and normalised to [0, 1]; ``c`` = the detection confidence."""
    x0, y0, x1, y1 = (float(v) for v in box)
    clip = lambda v, n: min(max(v / n, 0.0), 1.0)  # noqa: E731
    return NormalizedRegionOfInterest2D(header=header, xmin=clip(x0, width), ymin=clip(y0, height),
                                        xmax=clip(x1, width), ymax=clip(y1, height), c=float(confidence))


def skeleton2d(s: Skeleton, width: int, height: int, header) -> Skeleton2D:
    """``/humans/bodies/<id>/skeleton2d``: the 2D joints (``s.uv``, pixels of the image) in
    normalised image coordinates, (0, 0) top-left; joints outside the image are clipped to its
    border, missing ones (eyes, ears) have c = 0."""
    pts = [NormalizedPointOfInterest2D(x=0.0, y=0.0, c=0.0) for _ in range(18)]
    for j, name in enumerate(s.names):
        k = SKELETON2D_INDEX.get(name)
        if k is None or j >= len(s.uv):
            continue
        u, v = float(s.uv[j][0]), float(s.uv[j][1])
        pts[k] = NormalizedPointOfInterest2D(x=min(max(u / width, 0.0), 1.0), y=min(max(v / height, 0.0), 1.0),
                                             c=float(s.confidence[j]))
    return Skeleton2D(header=header, skeleton=pts)


def marker_array(per_source: dict[str, list[tuple[str, Skeleton]]], header, joint_set: JointSet,
                 lifetime_s: float = 0.5, min_confidence: float = 0.0,
                 ended: list[str] = (), clear_all: bool = False) -> MarkerArray:
    """All markers of one frame: a DELETEALL marker first when ``clear_all`` (nobody tracked:
    RViz clears the display), DELETE markers for the bodies that ``ended`` (every source), then
    the ADD markers of each source's (id, skeleton) pairs — so stale skeletons never linger (the
    lifetime also removes those of a source that stops seeing someone)."""
    arr = MarkerArray()
    if clear_all:
        m = Marker()
        m.header = header
        m.action = Marker.DELETEALL
        arr.markers.append(m)
    for bid in ended:
        for source in per_source:
            for mid in (0, 1):
                m = Marker()
                m.header = header
                m.ns = f"{source}/body_{bid}"
                m.id = mid
                m.action = Marker.DELETE
                arr.markers.append(m)
    for source, bodies in per_source.items():
        arr.markers += skeleton_markers(bodies, header, joint_set, source, lifetime_s, min_confidence)
    return arr


def skeleton_markers(bodies: list[tuple[str, Skeleton]], header, joint_set: JointSet, source: str = "student",
                     lifetime_s: float = 0.5, min_confidence: float = 0.0) -> list[Marker]:
    """SPHERE_LIST (id 0) + LINE_LIST (id 1) per (id, skeleton) in namespace ``<source>/body_<id>``."""
    arr = []
    r, g, b = COLOURS.get(source, (1.0, 1.0, 1.0))
    life = Duration(sec=int(lifetime_s), nanosec=int((lifetime_s % 1) * 1e9))
    for bid, s in bodies:
        ok = s.confidence >= min_confidence
        joints = Marker()
        joints.header = header
        joints.ns = f"{source}/body_{bid}"
        joints.id = 0
        joints.type = Marker.SPHERE_LIST
        joints.action = Marker.ADD
        joints.pose.orientation.w = 1.0
        joints.scale.x = joints.scale.y = joints.scale.z = 0.06
        joints.color = ColorRGBA(r=r, g=g, b=b, a=1.0)
        joints.lifetime = life
        joints.points = [Point(x=float(p[0]), y=float(p[1]), z=float(p[2]))
                         for p, k in zip(s.joints, ok) if k]
        bones = Marker()
        bones.header = header
        bones.ns = joints.ns
        bones.id = 1
        bones.type = Marker.LINE_LIST
        bones.action = Marker.ADD
        bones.pose.orientation.w = 1.0
        bones.scale.x = 0.025
        bones.color = ColorRGBA(r=r, g=g, b=b, a=0.8)
        bones.lifetime = life
        for a, c in joint_set.bones:
            if ok[a] and ok[c]:
                for p in (s.joints[a], s.joints[c]):
                    bones.points.append(Point(x=float(p[0]), y=float(p[1]), z=float(p[2])))
        arr += [joints, bones]
    return arr

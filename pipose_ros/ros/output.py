"""Skeletons → TF frames and visualization_msgs/MarkerArray.

Frame naming (REP-155 style): per person ``<prefix>body_<id>`` at the root joint, and one
frame per joint ``<prefix><joint_name>_<id>`` (e.g. ``left_wrist_0``). Every frame's parent is
the image's frame_id (the camera optical frame, REP-103), its stamp the image's stamp; the
orientation is the parent's (identity): joints are points, so only translations carry
information. Markers: one SPHERE_LIST (joints) and one LINE_LIST (bones) per person, in
namespace ``<source>/body_<id>`` (source = ``student`` or ``teacher``), colours in [0, 1].
"""

from __future__ import annotations

from builtin_interfaces.msg import Duration
from geometry_msgs.msg import Point, TransformStamped
from std_msgs.msg import ColorRGBA
from visualization_msgs.msg import Marker, MarkerArray

from ..skeleton import JointSet, Skeleton

COLOURS = {"student": (0.1, 0.8, 0.2), "teacher": (0.2, 0.4, 1.0)}


def body_frame(body_id: int, prefix: str = "") -> str:
    """TF frame of person ``body_id``: ``<prefix>body_<id>``."""
    return f"{prefix}body_{body_id}"


def joint_frame(joint: str, body_id: int, prefix: str = "") -> str:
    """TF frame of a joint: ``<prefix><joint>_<id>``."""
    return f"{prefix}{joint}_{body_id}"


def skeleton_transforms(skels: list[Skeleton], header, joint_set: JointSet, prefix: str = "",
                        min_confidence: float = 0.0) -> list[TransformStamped]:
    """One TransformStamped per person (body frame at the root joint) and per joint whose
    confidence is at least ``min_confidence``; parent = ``header.frame_id``, stamp = header's."""
    out = []
    for bid, s in enumerate(skels):
        items = [(body_frame(bid, prefix), s.joints[joint_set.root])]
        items += [(joint_frame(n, bid, prefix), s.joints[j]) for j, n in enumerate(s.names)
                  if s.confidence[j] >= min_confidence]
        for child, p in items:
            t = TransformStamped()
            t.header.stamp = header.stamp
            t.header.frame_id = header.frame_id
            t.child_frame_id = child
            t.transform.translation.x, t.transform.translation.y, t.transform.translation.z = (
                float(p[0]), float(p[1]), float(p[2]))
            t.transform.rotation.w = 1.0
            out.append(t)
    return out


def marker_array(per_source: dict[str, list[Skeleton]], header, joint_set: JointSet,
                 lifetime_s: float = 0.5, min_confidence: float = 0.0) -> MarkerArray:
    """All markers of one frame. If any source (``student``, ``teacher``) sees nobody, the
    array starts with a DELETEALL marker (RViz clears the display), followed by the ADD markers
    of the sources that do see someone — so stale skeletons never linger."""
    arr = MarkerArray()
    if any(not s for s in per_source.values()):
        m = Marker()
        m.header = header
        m.action = Marker.DELETEALL
        arr.markers.append(m)
    for source, skels in per_source.items():
        arr.markers += skeleton_markers(skels, header, joint_set, source, lifetime_s, min_confidence)
    return arr


def skeleton_markers(skels: list[Skeleton], header, joint_set: JointSet, source: str = "student",
                     lifetime_s: float = 0.5, min_confidence: float = 0.0) -> list[Marker]:
    """SPHERE_LIST (id 0) + LINE_LIST (id 1) per person in namespace ``<source>/body_<id>``."""
    arr = []
    r, g, b = COLOURS.get(source, (1.0, 1.0, 1.0))
    life = Duration(sec=int(lifetime_s), nanosec=int((lifetime_s % 1) * 1e9))
    for bid, s in enumerate(skels):
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

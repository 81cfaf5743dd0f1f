# Session 21 one-off: the tracker gate's depth_noise on 20 validation sequences of moving people (AnnyMotion seed 1,
# 640 px), the node's pipeline; output in oneoff_tracker_gate.log (the log's {} row is depth_noise 0.0, the default then)
from pipose_ros.estimator import PoseEstimator
from pipose_ros.data.anny_motion import AnnyMotion
from pipose_ros.detect import PersonDetector, PersonFinder
from pipose_ros.track import BodyTracker
from pipose_ros.train.temporal_eval import predict_motion, score_tracking
est = PoseEstimator.from_checkpoint("models/pipose_student_kinect14.onnx")
gen = AnnyMotion(seed=1, width=640, length=45, keep=20)   # validation seed
for kw in ({"depth_noise": 0.0}, {"depth_noise": 0.15}, {"depth_noise": 0.25}):
    finder = PersonFinder(PersonDetector(max_people=8), tracking=True, every=3, follow="hips", full_every=30)
    seqs = predict_motion(est, gen, 20, finder=finder, tracker_factory=lambda: BodyTracker(max_age_s=1.0, **kw), progress=False)
    print(kw, score_tracking(seqs), flush=True)

# one-off: the node pipeline (finder -> estimate_people -> tracker) on cached motion sequences; scores + diagnostics
import sys, glob, numpy as np, json, time
from types import SimpleNamespace
from pipose_ros.estimator import PoseEstimator
from pipose_ros.detect import PersonDetector, PersonFinder
from pipose_ros.track import BodyTracker
from pipose_ros.train.temporal_eval import predict_motion, score_tracking

class Cached:
    def __init__(self, d, n=None):
        self.files = sorted(glob.glob(d + "/seq*.npz"), key=lambda p: int(p.split("seq")[-1][:-4]))[:n]
        self.length = 45
    def sequence(self, i):
        z = np.load(self.files[i])
        return [SimpleNamespace(rgb=z["rgb"][k], K=z["K"][k], joints=z["joints"][k], in_image=z["in_image"][k],
                                visible=z["visible"][k], meta={"t": float(z["t"][k])}) for k in range(len(z["t"]))]

def run(d, n, finder_kw=None, est=None, tracker_kw=None, detector_kw=None):
    est = est or PoseEstimator.from_checkpoint("models/pipose_student_kinect14.onnx")
    gen = Cached(d, n)
    finder = PersonFinder(PersonDetector(max_people=8, **(detector_kw or {})), tracking=True, every=3, follow="hips", full_every=30, **(finder_kw or {}))
    seqs = predict_motion(est, gen, len(gen.files), finder=finder,
                          tracker_factory=lambda: BodyTracker(max_age_s=1.0, depth_noise=0.15, **(tracker_kw or {})), progress=False)
    return seqs, score_tracking(seqs)

def lost_vs_never(seqs):
    lost = never = 0
    for seq in seqs:
        seen = set()
        for fr in seq:
            keep = [g for g, m in enumerate(fr["mask"]) if m.sum() >= 4]
            for g in keep:
                if g in fr["ids"]: seen.add(g)
                elif g in seen: lost += 1
                else: never += 1
    return {"missed_after_found": lost, "missed_never_found": never}

if __name__ == "__main__":
    d, n = sys.argv[1], int(sys.argv[2])
    t0 = time.time()
    seqs, sc = run(d, n)
    print(sc, lost_vs_never(seqs), round(time.time() - t0), "s")

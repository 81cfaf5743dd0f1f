"""Session 26, before the depth teacher is replaced: stamp the shipped student (the RGB baseline has
no teacher) with the digest of the teacher file it learnt from, so the model card can say that the teacher shipped later is not that one. The digest is of
models/pipose_teacher_kinect14.pt as it is in git at dd9ef9a (session 16), the only teacher the
session-20..24 student runs could read (no commit touched that file since)."""
import hashlib
import subprocess
import sys

import torch

student, rev = sys.argv[1], sys.argv[2]
teacher = subprocess.run(["git", "show", f"{rev}:models/pipose_teacher_kinect14.pt"], check=True,
                         capture_output=True).stdout
ck = torch.load(student, map_location="cpu", weights_only=True)
t = ck["training"]
t["teacher_sha256"] = hashlib.sha256(teacher).hexdigest()
t["teacher_note"] = f"the session-16 depth teacher, git {rev}"
torch.save(ck, student)
print(student, t["teacher"], t["teacher_sha256"], t["teacher_note"])

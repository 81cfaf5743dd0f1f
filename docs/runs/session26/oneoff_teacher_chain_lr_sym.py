"""Session 26: session 25's teacher_lr_sym2.pt was fine-tuned from a run trained with
--lr-symmetric 0.5 (docs/runs/session25/train_teacher_lr_sym.sh), but the history a fine-tune keeps
of its --init run (train.config.INIT_HISTORY_KEYS) did not include ``lr_symmetric`` until this
session. Write that one recorded fact into the checkpoint's ``training.init_training`` so the
model card's run chain says it."""
import sys

import torch

path, w = sys.argv[1], float(sys.argv[2])
ck = torch.load(path, map_location="cpu", weights_only=True)
parent = ck["training"]["init_training"]
assert parent.get("steps") == 3000 and abs(parent.get("lr") - 2.5e-4) < 1e-12, parent
parent["lr_symmetric"] = w
torch.save(ck, path)
print(path, "init_training.lr_symmetric =", w)

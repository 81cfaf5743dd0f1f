"""One-off (session 16): how well does BlazePose GHUM, pretrained on real RGB photos and NOT
trained on depth, find 2D joints in synthetic person crops shown to it as
  rgb      the RGB crop (reference),
  dai      pipose's depth_as_image (relief, distance, valid: what the shipped teacher reads),
  relief   the relief channel alone as grey,
  shaded   the depth rendered as a grey clay surface (Lambertian shading of the depth's normals),
Metric: PCK@0.2 of torso (left shoulder - right hip) on the crop's in-view joints, and the mean
2D error in % of the crop side. Usage: oneoff_blazepose_on_depth.py FOLDER SIZE"""
import sys
import cv2, numpy as np, torch
from pipose_ros.data.crops import CropSpec, person_crops
from pipose_ros.model.backbones import BlazePoseBackbone, depth_as_image
from pipose_ros.preprocess import rgb_input, depth_input
from pipose_ros.label.lift import mediapipe_to_joints
from pipose_ros.label.realcheck2d import pck, torso_size

folder, size = sys.argv[1], int(sys.argv[2])
data, _ = person_crops(folder, CropSpec(net_wh=(size, size), scale=(1.3, 1.3), shift=0), progress=False)
net = BlazePoseBackbone().eval()

def shaded(depth_m, K):
    """Grey clay rendering of a depth crop: normals from the back-projected points, light from
    the camera and a little from above; invalid pixels mid-grey."""
    d = depth_m.astype(np.float32)
    valid = d > 0
    # fill holes for the normals, then smooth sensor noise
    dm = cv2.medianBlur(np.where(valid, d, 0).astype(np.float32), 5)
    d2 = np.where(valid, d, dm)
    d2 = cv2.GaussianBlur(d2, (0, 0), 1.0)
    H, W = d.shape
    u, v = np.meshgrid(np.arange(W, dtype=np.float32), np.arange(H, dtype=np.float32))
    X = (u - K[0, 2]) / K[0, 0] * d2; Y = (v - K[1, 2]) / K[1, 1] * d2
    P = np.stack([X, Y, d2], -1)
    du = np.gradient(P, axis=1); dv = np.gradient(P, axis=0)
    n = np.cross(du, dv); n /= np.linalg.norm(n, axis=-1, keepdims=True) + 1e-9
    l = np.array([0.0, -0.5, -1.0], np.float32); l /= np.linalg.norm(l)
    s = np.clip(np.abs(n @ l), 0, 1) * 0.85 + 0.1
    g = np.where((d2 > 0) & valid, s, 0.5)
    return (np.repeat(g[..., None], 3, -1) * 255).astype(np.uint8)

def views(i):
    K = data.K[i]
    dm = data.depth_mm[i].astype(np.float32) * 1e-3
    out = {"rgb": torch.from_numpy(rgb_input(data.rgb[i][None]))}
    dai = depth_as_image(torch.from_numpy(depth_input(dm[None])))  # [1,3,H,W] in [0,1]
    out["dai"] = dai
    rel = dai[:, :1].repeat(1, 3, 1, 1)
    out["relief"] = rel
    out["shaded"] = torch.from_numpy(shaded(dm, K)[None]).permute(0, 3, 1, 2).float() / 255
    return out

res = {k: [] for k in ("rgb", "dai", "relief", "shaded")}
err = {k: [] for k in res}
sheet = []
for i in range(len(data.K)):
    K = data.K[i]; j = data.joints[i]; m = data.in_image[i]
    z = np.maximum(j[:, 2], 1e-3)
    gt = np.stack([K[0, 0] * j[:, 0] / z + K[0, 2], K[1, 1] * j[:, 1] / z + K[1, 2]], -1)
    ref = torso_size(gt, m)
    if not ref:
        continue
    for k, x in views(i).items():
        with torch.no_grad():
            xin = x.permute(0, 2, 3, 1) if k != "rgb" else (x * net.std + net.mean).permute(0, 2, 3, 1)
            s4, hm, *_ = net.net(xin)
        hm = hm[0, :33].numpy(); h, w = hm.shape[1:]
        y, xx = np.divmod(hm.reshape(33, -1).argmax(1), w)
        uv = np.stack([(xx + 0.5) * size / w - 0.5, (y + 0.5) * size / h - 0.5], -1)
        pred, _ = mediapipe_to_joints(np.concatenate([uv, np.ones((33, 1))], 1))
        res[k].append(pck(pred, gt, m, ref))
        err[k].append(np.linalg.norm(pred - gt, axis=1)[m].mean() / size * 100)
        if len(sheet) < 6 * 4 and i % 7 == 0:
            img = (x[0].permute(1, 2, 0).numpy() * (255 if k != "rgb" else 1)) if k != "rgb" else data.rgb[i].astype(np.float32)
            img = np.clip(img, 0, 255).astype(np.uint8).copy()
            for p, q in zip(pred, gt):
                cv2.circle(img, (int(q[0]), int(q[1])), 2, (0, 255, 0), -1)
                cv2.circle(img, (int(p[0]), int(p[1])), 2, (255, 0, 0), -1)
            sheet.append(img)
for k in res:
    r = np.array(res[k])
    print(f"{k:7s} PCK@0.2 {np.nanmean(r) * 100:5.1f} %   mean 2D error {np.mean(err[k]):5.1f} % of the crop   ({len(r)} people, {size}px)")
rows = [np.concatenate(sheet[r * 4:(r + 1) * 4], 1) for r in range(len(sheet) // 4)]
cv2.imwrite(f"/work/study16/blazepose_on_depth_{size}.png", cv2.cvtColor(np.concatenate(rows, 0), cv2.COLOR_RGB2BGR))

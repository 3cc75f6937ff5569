# Reference for tests/download/image_resizer_test.cpp: img2dataset's Resizer.__call__ (notes §3) and
# albumentations' helpers rewritten from the notes, run with /usr/bin/python3 + cv2 on generated
# images. Writes OUT/inputs/, OUT/expected/<case>.out|.err and OUT/manifest.tsv (name, input,
# options "k=v;...", "ok W H OW OH" | "none" | "err").
# Usage: image_resizer_reference.py OUT [--inputs-only]
import os, sys, warnings
warnings.simplefilter("ignore")
try:
    import cv2
    import numpy as np
except ImportError as e:
    print("NO_CV2: /usr/bin/python3 lacks cv2/numpy (" + str(e) + "): run scripts/setup.sh (python3-opencv)")
    sys.exit(3)
import imghdr

out = sys.argv[1]
os.makedirs(out + "/inputs", exist_ok=True)
os.makedirs(out + "/expected", exist_ok=True)

INTER = dict(nearest=cv2.INTER_NEAREST, linear=cv2.INTER_LINEAR, bilinear=cv2.INTER_LINEAR,
             cubic=cv2.INTER_CUBIC, bicubic=cv2.INTER_CUBIC, area=cv2.INTER_AREA,
             lanczos=cv2.INTER_LANCZOS4, lanczos4=cv2.INTER_LANCZOS4)

def py3round(n):
    if abs(round(n) - n) == 0.5:
        return int(2.0 * round(n / 2.0))
    return int(round(n))

def max_size(img, size, interp, func):
    h, w = img.shape[:2]
    scale = size / float(func(w, h))
    if scale != 1.0:
        nh, nw = tuple(py3round(d * scale) for d in (h, w))
        if (nh, nw) != (h, w):
            img = cv2.resize(img, dsize=(nw, nh), interpolation=interp)
    return img

def center_crop(img, ch, cw):
    h, w = img.shape[:2]
    if h < ch or w < cw:
        raise ValueError("crop larger than image")
    y1 = (h - ch) // 2
    x1 = (w - cw) // 2
    return img[y1:y1 + ch, x1:x1 + cw]

def pad(img, mh, mw):
    h, w = img.shape[:2]
    top = int((mh - h) / 2.0) if h < mh else 0
    bottom = mh - h - top if h < mh else 0
    left = int((mw - w) / 2.0) if w < mw else 0
    right = mw - w - left if w < mw else 0
    return cv2.copyMakeBorder(img, top, bottom, left, right, borderType=cv2.BORDER_CONSTANT,
                              value=[255, 255, 255])

def resize(raw, o):
    try:
        if o["disable_all_reencoding"]:
            return raw, None, None, None, None, None
        what = {"jpg": "jpeg", "png": "png", "webp": "webp"}[o["encode_format"]]
        encode_needed = imghdr.what(None, h=raw[:32]) != what if o["skip_reencode"] else True
        img = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_UNCHANGED)
        if img is None:
            raise ValueError("Image decoding error")
        if len(img.shape) == 3 and img.shape[-1] == 4:
            alpha = img[:, :, 3, np.newaxis]
            img = alpha / 255 * img[..., :3] + 255 - alpha
            img = np.rint(img.clip(min=0, max=255)).astype(np.uint8)
            encode_needed = True
        oh, ow = img.shape[:2]
        if min(oh, ow) < o["min_image_size"]:
            return None, None, None, None, None, "image too small"
        if oh * ow > o["max_image_area"]:
            return None, None, None, None, None, "image area too large"
        if max(oh, ow) / min(oh, ow) > o["max_aspect_ratio"]:
            return None, None, None, None, None, "aspect ratio too large"
        S, mode = o["image_size"], o["resize_mode"]
        up, down = INTER[o["upscale_interpolation"].lower()], INTER[o["downscale_interpolation"].lower()]
        if mode in ("keep_ratio", "center_crop"):
            downscale = min(ow, oh) > S
            if not o["resize_only_if_bigger"] or downscale:
                img = max_size(img, S, down if downscale else up, min)
                if mode == "center_crop":
                    img = center_crop(img, S, S)
                encode_needed = True
        elif mode in ("border", "keep_ratio_largest"):
            downscale = max(ow, oh) > S
            if not o["resize_only_if_bigger"] or downscale:
                img = max_size(img, S, down if downscale else up, max)
                if mode == "border":
                    img = pad(img, S, S)
                encode_needed = True
        h, w = img.shape[:2]
        if encode_needed:
            flag = {"jpg": cv2.IMWRITE_JPEG_QUALITY, "png": cv2.IMWRITE_PNG_COMPRESSION,
                    "webp": cv2.IMWRITE_WEBP_QUALITY}[o["encode_format"]]
            data = cv2.imencode("." + o["encode_format"], img, params=[flag, o["encode_quality"]])[1].tobytes()
        else:
            data = raw
        return data, w, h, ow, oh, None
    except Exception as err:
        return None, None, None, None, None, str(err)

DEFAULTS = dict(image_size=256, resize_mode="border", resize_only_if_bigger=False,
                upscale_interpolation="lanczos", downscale_interpolation="area", encode_format="jpg",
                encode_quality=95, skip_reencode=False, disable_all_reencoding=False,
                min_image_size=0, max_image_area=float("inf"), max_aspect_ratio=float("inf"))

def picture(h, w, c, dtype=np.uint8, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    top = 65535.0 if dtype == np.uint16 else 255.0
    planes = [x / max(w - 1, 1), y / max(h - 1, 1), (np.sin(x / 7.0) * np.cos(y / 5.0) + 1) / 2,
              (x + y) / max(w + h - 2, 1)]
    img = np.stack(planes[:max(c, 1)], axis=-1) * top * 0.8 + rng.uniform(0, top * 0.2, (h, w, max(c, 1)))
    img = img.clip(0, top).astype(dtype)
    return img[..., 0] if c == 1 else img

inputs = {}
def add(name, data):
    inputs[name] = data
    with open(out + "/inputs/" + name, "wb") as f:
        f.write(data)

def enc(ext, img, params=()):
    return cv2.imencode(ext, img, list(params))[1].tobytes()

add("rgb_640x480.png", enc(".png", picture(480, 640, 3, seed=1)))
add("rgb_480x640.jpg", enc(".jpg", picture(640, 480, 3, seed=2), [cv2.IMWRITE_JPEG_QUALITY, 90]))
add("gray_300x200.png", enc(".png", picture(200, 300, 1, seed=3)))
add("gray_90x120.jpg", enc(".jpg", picture(120, 90, 1, seed=4)))
rgba = picture(240, 320, 4, seed=5)
rgba[:40, :, 3] = 0
rgba[40:80, :, 3] = 255
add("rgba_320x240.png", enc(".png", rgba))
every = np.zeros((256, 256, 4), np.uint8)  # every (alpha, value) pair: row = alpha, column = value
every[..., :3] = np.arange(256, dtype=np.uint8)[np.newaxis, :, np.newaxis]
every[..., 1] = 255 - every[..., 1]
every[..., 3] = np.arange(256, dtype=np.uint8)[:, np.newaxis]
add("rgba_every_alpha.png", enc(".png", every))
add("rgb_64x48.png", enc(".png", picture(48, 64, 3, seed=6)))
add("rgb_256x200.png", enc(".png", picture(200, 256, 3, seed=7)))
add("rgb_257x255.png", enc(".png", picture(255, 257, 3, seed=8)))
add("rgb_1000x10.png", enc(".png", picture(10, 1000, 3, seed=9)))
add("rgb_3000x1.png", enc(".png", picture(1, 3000, 3, seed=10)))
add("rgb_2000x1.png", enc(".png", picture(1, 2000, 3, seed=14)))
add("rgb16_100x80.png", enc(".png", picture(80, 100, 3, np.uint16, seed=11)))
add("rgba16_60x40.png", enc(".png", picture(40, 60, 4, np.uint16, seed=12)))
add("rgb_200x150.webp", enc(".webp", picture(150, 200, 3, seed=13), [cv2.IMWRITE_WEBP_QUALITY, 80]))
jpg = inputs["rgb_480x640.jpg"]
add("truncated.jpg", jpg[:len(jpg) // 2])
png = inputs["rgb_640x480.png"]
add("truncated.png", png[:len(png) // 2])
add("garbage.bin", b"<html><body>not an image</body></html>")
add("empty.bin", b"")
rng = np.random.default_rng(99)
for i in range(12):  # hostile bytes: flipped bytes in real files
    src = bytearray(inputs["rgb_64x48.png" if i % 2 else "gray_90x120.jpg"])
    for pos in rng.integers(0, len(src), size=1 + i):
        src[pos] = int(rng.integers(0, 256))
    add("flipped_%d.bin" % i, bytes(src))

if "--inputs-only" in sys.argv:
    print("OK inputs")
    sys.exit(0)

cases = []
def case(name, inp, **opts):
    cases.append((name, inp, opts))

MODES = ["no", "border", "keep_ratio", "keep_ratio_largest", "center_crop"]
for mode in MODES:
    for bigger in (False, True):
        for inp in ("rgb_640x480.png", "rgb_64x48.png", "gray_300x200.png", "rgba_320x240.png",
                    "rgb_257x255.png", "rgb_480x640.jpg", "rgb_256x200.png", "rgb16_100x80.png",
                    "rgba16_60x40.png"):
            for fmt, q in (("png", 1), ("jpg", 95)):
                case("%s_%d_%s_%s" % (mode, bigger, inp.replace(".", "_"), fmt), inp,
                     resize_mode=mode, resize_only_if_bigger=bigger, image_size=128,
                     encode_format=fmt, encode_quality=q)
for inp in ("rgb_640x480.png", "rgb_64x48.png", "rgb_257x255.png"):
    for interp in ("nearest", "linear", "bilinear", "CUBIC", "bicubic", "area", "lanczos", "Lanczos4"):
        case("interp_%s_%s" % (interp, inp.replace(".", "_")), inp, image_size=100,
             resize_mode="keep_ratio", upscale_interpolation=interp, downscale_interpolation=interp,
             encode_format="png", encode_quality=0)
for size in (1, 2, 3, 255, 256, 257, 300):
    for mode in ("border", "center_crop", "keep_ratio", "keep_ratio_largest"):
        case("size_%d_%s" % (size, mode), "rgb_257x255.png", image_size=size, resize_mode=mode,
             encode_format="png", encode_quality=3)
case("alpha_every_pair", "rgba_every_alpha.png", resize_mode="no", encode_format="png", encode_quality=1)
case("extreme_border", "rgb_1000x10.png", image_size=256, encode_format="png", encode_quality=1)
case("extreme_center_crop", "rgb_1000x10.png", image_size=64, resize_mode="center_crop", encode_format="png", encode_quality=1)
case("thin_border", "rgb_3000x1.png", image_size=256)
case("default_options", "rgb_480x640.jpg")
case("webp_out", "rgb_640x480.png", encode_format="webp", encode_quality=90)
case("webp_in", "rgb_200x150.webp", image_size=64)
case("jpg_q50", "rgb_480x640.jpg", encode_quality=50, resize_mode="center_crop")
case("png_c9", "gray_90x120.jpg", encode_format="png", encode_quality=9, image_size=200)
for name in ("truncated.jpg", "truncated.png", "garbage.bin", "empty.bin") + tuple("flipped_%d.bin" % i for i in range(12)):
    case("bad_" + name.replace(".", "_"), name, image_size=64, encode_format="png", encode_quality=1)
case("min_size_reject", "rgb_64x48.png", min_image_size=49)
case("min_size_pass", "rgb_64x48.png", min_image_size=48, encode_format="png", encode_quality=1)
case("area_reject", "rgb_64x48.png", max_image_area=3071)
case("area_pass", "rgb_64x48.png", max_image_area=3072, encode_format="png", encode_quality=1)
case("aspect_reject", "rgb_1000x10.png", max_aspect_ratio=99.9)
case("aspect_pass", "rgb_1000x10.png", max_aspect_ratio=100, encode_format="png", encode_quality=1)
case("filter_rgba_small", "rgba_320x240.png", min_image_size=241)
case("filter_order", "rgb_1000x10.png", min_image_size=11, max_image_area=5, max_aspect_ratio=2)
case("skip_png_no", "rgb_640x480.png", resize_mode="no", encode_format="png", encode_quality=1, skip_reencode=True)
case("skip_png_bigger", "rgb_64x48.png", resize_mode="border", resize_only_if_bigger=True, encode_format="png", encode_quality=1, skip_reencode=True)
case("skip_png_resized", "rgb_640x480.png", resize_mode="border", encode_format="png", encode_quality=1, skip_reencode=True)
case("skip_png_to_jpg", "rgb_640x480.png", resize_mode="no", skip_reencode=True)
case("skip_jpg_no", "rgb_480x640.jpg", resize_mode="no", skip_reencode=True)
case("skip_jpg_scale1", "rgb_480x640.jpg", resize_mode="keep_ratio", image_size=480, skip_reencode=True)
case("skip_rgba", "rgba_320x240.png", resize_mode="no", encode_format="png", encode_quality=1, skip_reencode=True)
case("skip_webp", "rgb_200x150.webp", resize_mode="no", encode_format="webp", skip_reencode=True)
case("skip_truncated_jpg", "truncated.jpg", resize_mode="no", skip_reencode=True)
case("no_reencode_garbage", "garbage.bin", disable_all_reencoding=True)
case("no_reencode_png", "rgb_640x480.png", disable_all_reencoding=True, min_image_size=10000)

def fmt_opt(v):
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return repr(v)
    return str(v)

with open(out + "/manifest.tsv", "w") as m:
    for name, inp, opts in cases:
        o = dict(DEFAULTS)
        o.update(opts)
        data, w, h, ow, oh, err = resize(inputs[inp], o)
        optstr = ";".join("%s=%s" % (k, fmt_opt(v)) for k, v in opts.items())
        if err is not None:
            with open(out + "/expected/" + name + ".err", "w") as f:
                f.write(err)
            status = "err"
        else:
            with open(out + "/expected/" + name + ".out", "wb") as f:
                f.write(data)
            status = "none" if w is None else "ok %d %d %d %d" % (w, h, ow, oh)
        m.write("%s\t%s\t%s\t%s\n" % (name, inp, optstr, status))
print("OK %d cases" % len(cases))

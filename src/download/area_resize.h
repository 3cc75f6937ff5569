// download/area_resize.h: cv::resize(src, dst, dsize, 0, 0, INTER_AREA) with the same bytes as
// Debian's OpenCV 4.6, faster where that is certain, for the resizer's downscale.
//
// For a downscale by non-integer factors OpenCV 4.6 runs its generic area resampler
// (resizeArea_<uchar, float> in modules/imgproc/src/resize.cpp): a table of (source index,
// destination index, float weight) per axis, each source row summed into a float row `buf` tap by
// tap in table order, `sum += beta * buf` over the source rows of each destination row, then
// saturate_cast (round half to even, clamp). That loop is scalar and goes through memory for
// every tap (about a fifth of a download sample's CPU time, bench/RESULTS.md "download"). This
// file builds the same tables the same way and performs, for every output element, the same float
// operations in the same order (no FMA contraction: the file is compiled with -ffp-contract=off),
// but keeps each pixel's accumulator in a register, all channels of a pixel in one vector, and
// computes a source row shared by two destination rows once. The results are therefore identical.
//
// Everything else goes to cv::resize itself: other depths than 8-bit, other channel counts than 1
// and 3, scale factors below 1 on either axis (OpenCV's bilinear emulation), integer factors on
// both axes (resizeAreaFast), equal sizes (a copy), and an empty target (OpenCV's error).
#pragma once

namespace cv {
class Mat;
}

namespace clipret::download {

// What cv::resize(src, dst, cv::Size(width, height), 0, 0, cv::INTER_AREA) does, with the same
// result and the same exceptions. As cv::resize, `dst` is (re)allocated unless it already has that
// size and src's type, so a view into a larger image is written in place. `src` and `dst` must not
// overlap. Thread-safe.
void area_resize(const cv::Mat& src, cv::Mat& dst, int width, int height);

}  // namespace clipret::download

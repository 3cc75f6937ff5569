#include "image/gif_decoder.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace clipret::image {
namespace {

struct MemoryInput {
  const uint8_t* data;
  size_t size;
  size_t offset;
};

int read_memory(GifFileType* gif, GifByteType* out, int length) {
  auto* input = static_cast<MemoryInput*>(gif->UserData);
  const size_t count =
      std::min(static_cast<size_t>(std::max(length, 0)), input->size - input->offset);
  std::memcpy(out, input->data + input->offset, count);
  input->offset += count;
  return static_cast<int>(count);
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int ignored = 0;
    DGifCloseFile(gif, &ignored);
  }
};
using GifPtr = std::unique_ptr<GifFileType, GifCloser>;

DecodedImage gif_failure(int error_code) {
  const char* text = GifErrorString(error_code);
  return decode_failure(ErrorKind::kCorrupt, "gif: %s", text != nullptr ? text : "decode error");
}

// Pillow keeps a palette only when some entry i differs from (i, i, i).
bool palette_needed(const ColorMapObject* map) {
  for (int i = 0; i < map->ColorCount; ++i) {
    const GifColorType& c = map->Colors[i];
    if (c.Red != i || c.Green != i || c.Blue != i) return true;
  }
  return false;
}

// Skips extension blocks, remembering the transparent index of a graphic control extension.
bool read_extension(GifFileType* gif, int* transparent_index) {
  int code = 0;
  GifByteType* block = nullptr;
  if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) return false;
  if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr && block[0] >= 4) {
    *transparent_index = (block[1] & 1) != 0 ? block[4] : -1;
  }
  while (block != nullptr) {
    if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) return false;
  }
  return true;
}

// Reads the frame's rows (de-interlacing) into `frame` (width * height indices).
bool read_frame(GifFileType* gif, int width, int height, bool interlaced, uint8_t* frame) {
  constexpr int kPassStart[] = {0, 4, 2, 1};
  constexpr int kPassStep[] = {8, 8, 4, 2};
  const int passes = interlaced ? 4 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    const int start = interlaced ? kPassStart[pass] : 0;
    const int step = interlaced ? kPassStep[pass] : 1;
    for (int y = start; y < height; y += step) {
      if (DGifGetLine(gif, frame + static_cast<size_t>(y) * width, width) == GIF_ERROR) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

DecodedImage decode_gif(const uint8_t* data, size_t size, const DecodeOptions& options) {
  MemoryInput input{data, size, 0};
  int error_code = 0;
  GifPtr gif(DGifOpen(&input, read_memory, &error_code));
  if (gif == nullptr) return gif_failure(error_code);

  int transparent_index = -1;
  for (;;) {
    GifRecordType record = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif.get(), &record) == GIF_ERROR) return gif_failure(gif->Error);
    if (record == TERMINATE_RECORD_TYPE) {
      return decode_failure(ErrorKind::kCorrupt, "gif: no image in the file");
    }
    if (record == EXTENSION_RECORD_TYPE) {
      if (!read_extension(gif.get(), &transparent_index)) return gif_failure(gif->Error);
      continue;
    }
    if (record == IMAGE_DESC_RECORD_TYPE) break;
  }
  if (DGifGetImageDesc(gif.get()) == GIF_ERROR) return gif_failure(gif->Error);
  const GifImageDesc& desc = gif->Image;
  const int64_t width = std::max<int64_t>(gif->SWidth, int64_t{desc.Left} + desc.Width);
  const int64_t height = std::max<int64_t>(gif->SHeight, int64_t{desc.Top} + desc.Height);
  const std::string size_error = check_image_size(width, height, options);
  if (!size_error.empty()) {
    return decode_failure(ErrorKind::kInvalidInput, "gif: %s", size_error.c_str());
  }
  if (static_cast<int64_t>(desc.Width) * desc.Height > static_cast<int64_t>(width) * height) {
    return decode_failure(ErrorKind::kCorrupt, "gif: invalid frame size");
  }
  std::vector<uint8_t> frame(static_cast<size_t>(desc.Width) * desc.Height);
  if (!frame.empty() &&
      !read_frame(gif.get(), desc.Width, desc.Height, desc.Interlace, frame.data())) {
    return gif_failure(gif->Error);
  }

  // A local palette decides alone, even one Pillow ignores; otherwise the global one does.
  const ColorMapObject* map = desc.ColorMap != nullptr ? desc.ColorMap : gif->SColorMap;
  const bool paletted = map != nullptr && palette_needed(map);
  DecodedImage result;
  ImageBuffer& image = result.image;
  image.allocate(static_cast<int>(width), static_cast<int>(height),
                 paletted ? PixelMode::kP : PixelMode::kL);
  std::fill(image.pixels.begin(), image.pixels.end(),
            static_cast<uint8_t>(transparent_index >= 0 ? transparent_index : 0));
  // A frame 0 pixels wide (or high) leaves only the background.
  for (int y = 0; !frame.empty() && y < desc.Height; ++y) {
    std::memcpy(image.row(desc.Top + y) + desc.Left, &frame[static_cast<size_t>(y) * desc.Width],
                desc.Width);
  }
  if (paletted) {
    image.palette = make_grey_ramp_palette();
    for (int i = 0; i < std::min(map->ColorCount, kPaletteSize); ++i) {
      image.palette[3 * i + 0] = map->Colors[i].Red;
      image.palette[3 * i + 1] = map->Colors[i].Green;
      image.palette[3 * i + 2] = map->Colors[i].Blue;
    }
  }
  return result;
}

}  // namespace clipret::image

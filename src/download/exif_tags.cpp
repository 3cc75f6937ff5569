#include "download/exif_tags.h"

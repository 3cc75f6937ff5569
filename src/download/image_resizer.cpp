#include "download/image_resizer.h"

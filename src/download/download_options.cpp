#include "download/download_options.h"

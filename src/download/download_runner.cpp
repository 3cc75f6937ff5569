#include "download/download_runner.h"

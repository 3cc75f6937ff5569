#include "download/content_hash.h"

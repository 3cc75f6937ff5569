#include "download/fetcher.h"

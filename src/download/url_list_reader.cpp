#include "download/url_list_reader.h"

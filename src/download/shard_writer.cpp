#include "download/shard_writer.h"

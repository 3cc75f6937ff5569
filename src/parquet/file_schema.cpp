#include "parquet/file_schema.h"

#include "core/error.h"
#include "core/log.h"

namespace clipret::parquet {

namespace {

constexpr int kMaxDepth = 64;
constexpr int32_t kMaxFixedLength = 1 << 24;

// Legacy ConvertedType values of parquet.thrift.
enum ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnumConverted = 4,
  kDecimalConverted = 5,
  kDateConverted = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kInt8 = 15,
  kJsonConverted = 19,
  kBsonConverted = 20,
};

LogicalType from_converted(const SchemaElement& e) {
  LogicalType l;
  const int32_t c = e.converted_type;
  if (c == kUtf8) l.kind = LogicalKind::kString;
  if (c == kEnumConverted) l.kind = LogicalKind::kEnum;
  if (c == kJsonConverted) l.kind = LogicalKind::kJson;
  if (c == kBsonConverted) l.kind = LogicalKind::kBson;
  if (c == kDateConverted) l.kind = LogicalKind::kDate;
  if (c == kDecimalConverted) {
    l.kind = LogicalKind::kDecimal;
    l.precision = e.precision;
    l.scale = e.scale;
  }
  if (c == kTimeMillis || c == kTimeMicros || c == kTimestampMillis || c == kTimestampMicros) {
    l.kind = c <= kTimeMicros ? LogicalKind::kTime : LogicalKind::kTimestamp;
    l.unit = (c == kTimeMillis || c == kTimestampMillis) ? TimeUnit::kMillis : TimeUnit::kMicros;
    l.adjusted_to_utc = true;  // the legacy types are UTC-normalised
  }
  if (c >= kUint8 && c < kInt8 + 4) {
    l.kind = LogicalKind::kInteger;
    l.is_signed = c >= kInt8;
    l.bit_width = static_cast<int8_t>(8 << ((c - kUint8) % 4));
  }
  return l;
}

int32_t converted_for(const LogicalType& l) {
  switch (l.kind) {
    case LogicalKind::kString:
      return kUtf8;
    case LogicalKind::kEnum:
      return kEnumConverted;
    case LogicalKind::kJson:
      return kJsonConverted;
    case LogicalKind::kBson:
      return kBsonConverted;
    case LogicalKind::kDate:
      return kDateConverted;
    case LogicalKind::kDecimal:
      return kDecimalConverted;
    case LogicalKind::kTime:
      if (l.unit == TimeUnit::kNanos) return -1;
      return l.unit == TimeUnit::kMillis ? kTimeMillis : kTimeMicros;
    case LogicalKind::kTimestamp:
      if (l.unit == TimeUnit::kNanos || !l.adjusted_to_utc) return -1;
      return l.unit == TimeUnit::kMillis ? kTimestampMillis : kTimestampMicros;
    case LogicalKind::kInteger: {
      const int32_t base = l.is_signed ? kInt8 : kUint8;
      const int32_t step = l.bit_width == 8 ? 0 : l.bit_width == 16 ? 1 : l.bit_width == 32 ? 2 : 3;
      return base + step;
    }
    default:
      return -1;
  }
}

struct Walker {
  const std::vector<SchemaElement>& elements;
  const std::string& context;
  FileSchema result;
  size_t next = 1;  // the next element to visit (0 is the root)

  // Visits the subtree at `next`, counting its leaves; top-level primitives become columns.
  void visit(int depth) {
    CLIPRET_CHECK(depth <= kMaxDepth, Corrupt, "%s: schema nested deeper than %d", context.c_str(),
                  kMaxDepth);
    CLIPRET_CHECK(next < elements.size(), Corrupt,
                  "%s: schema lists fewer elements than its groups claim", context.c_str());
    const SchemaElement& e = elements[next++];
    if (e.num_children > 0 || e.type < 0) {
      CLIPRET_CHECK(
          e.num_children >= 0 && static_cast<size_t>(e.num_children) <= elements.size() - next,
          Corrupt, "%s: schema group '%s' claims %d children", context.c_str(), e.name.c_str(),
          e.num_children);
      if (depth == 1) result.nested.push_back(e.name);
      for (int32_t i = 0; i < e.num_children; ++i) visit(depth + 1);
      return;
    }
    const size_t leaf = result.num_leaves++;
    if (depth != 1) return;
    if (e.repetition == kRepetitionRepeated || e.logical_type_is_nested) {
      result.nested.push_back(e.name);
      return;
    }
    add_column(e, leaf);
  }

  void add_column(const SchemaElement& e, size_t leaf) {
    CLIPRET_CHECK(e.type >= 0 && e.type <= static_cast<int32_t>(PhysicalType::kFixedLenByteArray),
                  Corrupt, "%s: column '%s' has unknown physical type %d", context.c_str(),
                  e.name.c_str(), e.type);
    LeafColumn column;
    column.file_physical = static_cast<PhysicalType>(e.type);
    column.type_length = e.type_length;
    column.leaf_index = leaf;
    if (column.file_physical == PhysicalType::kFixedLenByteArray) {
      CLIPRET_CHECK(e.type_length > 0 && e.type_length <= kMaxFixedLength, Corrupt,
                    "%s: column '%s' has FIXED_LEN_BYTE_ARRAY length %d", context.c_str(),
                    e.name.c_str(), e.type_length);
    }
    ColumnSchema& schema = column.schema;
    schema.name = e.name;
    schema.optional = e.repetition != kRepetitionRequired;
    schema.type.physical = column.file_physical;
    schema.type.type_length =
        column.file_physical == PhysicalType::kFixedLenByteArray ? e.type_length : 0;
    schema.type.logical = e.logical_type ? *e.logical_type : from_converted(e);
    if (column.file_physical == PhysicalType::kInt96) {
      schema.type = timestamp_type(TimeUnit::kNanos, false);
    }
    try {
      if (schema.type.logical.kind != LogicalKind::kNull) {
        validate_column_type(schema.name, schema.type);
      }
    } catch (const Error& error) {
      CLIPRET_LOG_WARN("%s: %s; reading the plain physical values", context.c_str(), error.what());
      schema.type.logical = LogicalType();
    }
    result.columns.push_back(std::move(column));
  }
};

}  // namespace

FileSchema flatten_schema(const std::vector<SchemaElement>& elements, const std::string& context) {
  CLIPRET_CHECK(!elements.empty(), Corrupt, "%s: footer has an empty schema", context.c_str());
  const int32_t children = elements[0].num_children;
  CLIPRET_CHECK(children >= 0 && static_cast<size_t>(children) < elements.size(), Corrupt,
                "%s: schema root claims %d children but %zu elements follow", context.c_str(),
                children, elements.size() - 1);
  Walker walker{elements, context, {}, 1};
  for (int32_t i = 0; i < children; ++i) walker.visit(1);
  CLIPRET_CHECK(walker.next == elements.size(), Corrupt,
                "%s: schema has %zu elements outside the tree", context.c_str(),
                elements.size() - walker.next);
  return std::move(walker.result);
}

SchemaElement schema_element_for(const ColumnSchema& column) {
  SchemaElement e;
  e.type = static_cast<int32_t>(column.type.physical);
  e.type_length = column.type.type_length;
  e.repetition = column.optional ? kRepetitionOptional : kRepetitionRequired;
  e.name = column.name;
  e.converted_type = converted_for(column.type.logical);
  if (column.type.logical.kind != LogicalKind::kNone) e.logical_type = column.type.logical;
  return e;
}

}  // namespace clipret::parquet

#include "model/pickle_machine.h"

#include <cstring>
#include <utility>

#include "core/error.h"

namespace clipret::model {

namespace {

// The opcodes of pickletools.py that describe data, plus the ones delegated to the hooks.
enum Opcode : unsigned char {
  kMark = '(',
  kStop = '.',
  kBinFloat = 'G',
  kBinInt = 'J',
  kBinInt1 = 'K',
  kBinInt2 = 'M',
  kNoneOp = 'N',
  kBinPersId = 'Q',
  kReduce = 'R',
  kBinUnicode = 'X',
  kAppend = 'a',
  kBuild = 'b',
  kGlobal = 'c',
  kAppends = 'e',
  kBinGet = 'h',
  kLongBinGet = 'j',
  kEmptyList = ']',
  kBinPut = 'q',
  kLongBinPut = 'r',
  kSetItem = 's',
  kTuple = 't',
  kSetItems = 'u',
  kEmptyDict = '}',
  kEmptyTuple = ')',
  kProto = 0x80,
  kTuple1 = 0x85,
  kTuple2 = 0x86,
  kTuple3 = 0x87,
  kNewTrue = 0x88,
  kNewFalse = 0x89,
  kLong1 = 0x8a,
  kShortBinUnicode = 0x8c,
  kBinUnicode8 = 0x8d,
  kStackGlobal = 0x93,
  kMemoize = 0x94,
  kFrame = 0x95,
};

constexpr unsigned kMaxProtocol = 5;
constexpr size_t kMaxLong1Bytes = 8;

}  // namespace

const char* pickle_kind_name(PickleKind kind) {
  switch (kind) {
    case PickleKind::kNone:
      return "None";
    case PickleKind::kBool:
      return "bool";
    case PickleKind::kInt:
      return "int";
    case PickleKind::kFloat:
      return "float";
    case PickleKind::kString:
      return "str";
    case PickleKind::kTuple:
      return "tuple";
    case PickleKind::kList:
      return "list";
    case PickleKind::kDict:
      return "dict";
    case PickleKind::kGlobal:
      return "global";
    case PickleKind::kExternal:
      return "object";
  }
  return "?";
}

PickleMachine::PickleMachine(std::string_view bytes, std::string name)
    : bytes_(bytes), name_(std::move(name)) {}

std::string PickleMachine::where() const {
  return name_ + ": pickle byte " + std::to_string(opcode_);
}

PickleId PickleMachine::add(PickleObject object) {
  CLIPRET_CHECK(objects_.size() < kPickleMaxObjects, Corrupt, "%s: more than %zu objects",
                where().c_str(), kPickleMaxObjects);
  objects_.push_back(std::move(object));
  return static_cast<PickleId>(objects_.size() - 1);
}

const unsigned char* PickleMachine::take(size_t n, const char* what) {
  CLIPRET_CHECK(n <= bytes_.size() - pos_, Corrupt,
                "%s: %s needs %zu bytes but the pickle ends after %zu (truncated?)",
                where().c_str(), what, n, bytes_.size() - pos_);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes_.data()) + pos_;
  pos_ += n;
  return p;
}

uint64_t PickleMachine::take_le(size_t n, const char* what) {
  const unsigned char* p = take(n, what);
  uint64_t value = 0;
  for (size_t i = n; i-- > 0;) value = (value << 8) | p[i];
  return value;
}

std::string PickleMachine::take_line(const char* what) {
  const size_t end = bytes_.find('\n', pos_);
  CLIPRET_CHECK(end != std::string_view::npos, Corrupt, "%s: %s has no terminating newline",
                where().c_str(), what);
  std::string line(bytes_.substr(pos_, end - pos_));
  pos_ = end + 1;
  return line;
}

PickleId PickleMachine::pop() {
  CLIPRET_CHECK(!stack_.empty() && (marks_.empty() || stack_.size() > marks_.back()), Corrupt,
                "%s: stack underflow", where().c_str());
  const PickleId id = stack_.back();
  stack_.pop_back();
  return id;
}

PickleId PickleMachine::top() const {
  CLIPRET_CHECK(!stack_.empty() && (marks_.empty() || stack_.size() > marks_.back()), Corrupt,
                "%s: stack underflow", where().c_str());
  return stack_.back();
}

std::vector<PickleId> PickleMachine::pop_to_mark() {
  CLIPRET_CHECK(!marks_.empty(), Corrupt, "%s: no MARK to pop to", where().c_str());
  const size_t mark = marks_.back();
  marks_.pop_back();
  std::vector<PickleId> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
  stack_.resize(mark);
  return items;
}

PickleId PickleMachine::add_value(PickleKind kind, int64_t number) {
  PickleObject object;
  object.kind = kind;
  object.number = number;
  return add(std::move(object));
}

PickleId PickleMachine::add_string(size_t length) {
  PickleObject object;
  object.kind = PickleKind::kString;
  const unsigned char* p = take(length, "a string");
  object.text.assign(reinterpret_cast<const char*>(p), length);
  return add(std::move(object));
}

PickleId PickleMachine::add_tuple(std::vector<PickleId> items) {
  PickleObject object;
  object.kind = PickleKind::kTuple;
  object.items = std::move(items);
  return add(std::move(object));
}

void PickleMachine::memo_put(uint64_t index) {
  memo_[index] = top();
}

void PickleMachine::memo_get(uint64_t index) {
  const auto it = memo_.find(index);
  CLIPRET_CHECK(it != memo_.end(), Corrupt, "%s: memo entry %llu was never stored", where().c_str(),
                static_cast<unsigned long long>(index));
  push(it->second);
}

void PickleMachine::set_items(PickleId dict, const std::vector<PickleId>& pairs) {
  CLIPRET_CHECK(objects_[dict].kind == PickleKind::kDict, Corrupt,
                "%s: SETITEM(S) on a %s, not a dict", where().c_str(),
                pickle_kind_name(objects_[dict].kind));
  CLIPRET_CHECK(pairs.size() % 2 == 0, Corrupt, "%s: SETITEMS with an odd number of items",
                where().c_str());
  auto& items = objects_[dict].items;
  items.insert(items.end(), pairs.begin(), pairs.end());
}

void PickleMachine::append_items(PickleId list, const std::vector<PickleId>& values) {
  CLIPRET_CHECK(objects_[list].kind == PickleKind::kList, Corrupt,
                "%s: APPEND(S) on a %s, not a list", where().c_str(),
                pickle_kind_name(objects_[list].kind));
  auto& items = objects_[list].items;
  items.insert(items.end(), values.begin(), values.end());
}

void PickleMachine::push_global(PickleHooks& hooks, const std::string& module,
                                const std::string& name) {
  PickleObject object;
  object.kind = PickleKind::kGlobal;
  object.number = hooks.find_global(*this, module, name);
  object.text = module + "." + name;
  push(add(std::move(object)));
}

PickleId PickleMachine::run(PickleHooks& hooks) {
  while (pos_ < bytes_.size()) {
    if (!step(hooks)) return stack_.back();
  }
  opcode_ = pos_;
  CLIPRET_THROW(Corrupt, "%s: the pickle ends without STOP (truncated?)", where().c_str());
}

bool PickleMachine::step(PickleHooks& hooks) {
  opcode_ = pos_;
  const unsigned char op = *take(1, "an opcode");
  switch (op) {
    case kProto: {
      const unsigned version = *take(1, "PROTO");
      CLIPRET_CHECK(version <= kMaxProtocol, Unsupported, "%s: pickle protocol %u is newer than %u",
                    where().c_str(), version, kMaxProtocol);
      break;
    }
    case kFrame:
      // A framing hint for buffered readers; the frame's opcodes follow inline.
      take_le(8, "FRAME");
      break;
    case kStop:
      CLIPRET_CHECK(marks_.empty() && stack_.size() == 1, Corrupt,
                    "%s: STOP with %zu values and %zu marks left (one value expected)",
                    where().c_str(), stack_.size(), marks_.size());
      return false;
    case kMark:
      marks_.push_back(stack_.size());
      break;
    case kNoneOp:
      push(add_value(PickleKind::kNone, 0));
      break;
    case kNewTrue:
      push(add_value(PickleKind::kBool, 1));
      break;
    case kNewFalse:
      push(add_value(PickleKind::kBool, 0));
      break;
    case kBinInt1:
      push(add_value(PickleKind::kInt, static_cast<int64_t>(take_le(1, "BININT1"))));
      break;
    case kBinInt2:
      push(add_value(PickleKind::kInt, static_cast<int64_t>(take_le(2, "BININT2"))));
      break;
    case kBinInt:
      push(add_value(PickleKind::kInt,
                     static_cast<int32_t>(static_cast<uint32_t>(take_le(4, "BININT")))));
      break;
    case kLong1: {
      const size_t n = take_le(1, "LONG1");
      CLIPRET_CHECK(n <= kMaxLong1Bytes, Unsupported,
                    "%s: a %zu-byte integer is wider than 64 bits", where().c_str(), n);
      uint64_t value = take_le(n, "LONG1");
      // Two's complement of n bytes: sign-extend from the top byte.
      if (n > 0 && n < kMaxLong1Bytes && (value >> (8 * n - 1)) != 0)
        value |= ~uint64_t{0} << (8 * n);
      push(add_value(PickleKind::kInt, static_cast<int64_t>(value)));
      break;
    }
    case kBinFloat: {
      const unsigned char* p = take(8, "BINFLOAT");
      uint64_t bits = 0;
      for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];  // big-endian, unlike the ints
      PickleObject object;
      object.kind = PickleKind::kFloat;
      std::memcpy(&object.real, &bits, sizeof(bits));
      push(add(std::move(object)));
      break;
    }
    case kShortBinUnicode:
      push(add_string(take_le(1, "SHORT_BINUNICODE")));
      break;
    case kBinUnicode:
      push(add_string(take_le(4, "BINUNICODE")));
      break;
    case kBinUnicode8: {
      const uint64_t length = take_le(8, "BINUNICODE8");
      CLIPRET_CHECK(length <= bytes_.size(), Corrupt,
                    "%s: string of %llu bytes in a %zu-byte pickle", where().c_str(),
                    static_cast<unsigned long long>(length), bytes_.size());
      push(add_string(static_cast<size_t>(length)));
      break;
    }
    case kEmptyTuple:
      push(add_tuple({}));
      break;
    case kTuple:
      push(add_tuple(pop_to_mark()));
      break;
    case kTuple1:
    case kTuple2:
    case kTuple3: {
      std::vector<PickleId> items(op - kTuple1 + 1);
      for (size_t i = items.size(); i-- > 0;) items[i] = pop();
      push(add_tuple(std::move(items)));
      break;
    }
    case kEmptyList:
      push(add_value(PickleKind::kList, 0));
      break;
    case kEmptyDict:
      push(add_value(PickleKind::kDict, 0));
      break;
    case kBinPut:
      memo_put(take_le(1, "BINPUT"));
      break;
    case kLongBinPut:
      memo_put(take_le(4, "LONG_BINPUT"));
      break;
    case kMemoize:
      memo_put(memo_.size());
      break;
    case kBinGet:
      memo_get(take_le(1, "BINGET"));
      break;
    case kLongBinGet:
      memo_get(take_le(4, "LONG_BINGET"));
      break;
    case kSetItem: {
      const PickleId value = pop();
      const PickleId key = pop();
      set_items(top(), {key, value});
      break;
    }
    case kSetItems: {
      const std::vector<PickleId> pairs = pop_to_mark();
      set_items(top(), pairs);
      break;
    }
    case kAppend: {
      const PickleId value = pop();
      append_items(top(), {value});
      break;
    }
    case kAppends: {
      const std::vector<PickleId> values = pop_to_mark();
      append_items(top(), values);
      break;
    }
    case kGlobal: {
      const std::string module = take_line("GLOBAL's module");
      const std::string name = take_line("GLOBAL's name");
      push_global(hooks, module, name);
      break;
    }
    case kStackGlobal: {
      const PickleId name = pop();
      const PickleId module = pop();
      CLIPRET_CHECK(objects_[module].kind == PickleKind::kString &&
                        objects_[name].kind == PickleKind::kString,
                    Corrupt, "%s: STACK_GLOBAL needs two strings", where().c_str());
      // Copies: push_global grows the arena, which would move the strings under references.
      push_global(hooks, std::string(objects_[module].text), std::string(objects_[name].text));
      break;
    }
    case kReduce: {
      const PickleId args = pop();
      const PickleId callable = pop();
      CLIPRET_CHECK(objects_[callable].kind == PickleKind::kGlobal, Corrupt,
                    "%s: REDUCE calls a %s", where().c_str(),
                    pickle_kind_name(objects_[callable].kind));
      CLIPRET_CHECK(objects_[args].kind == PickleKind::kTuple, Corrupt,
                    "%s: REDUCE's arguments are a %s, not a tuple", where().c_str(),
                    pickle_kind_name(objects_[args].kind));
      push(hooks.reduce(*this, callable, args));
      break;
    }
    case kBuild: {
      const PickleId state = pop();
      hooks.build(*this, top(), state);
      break;
    }
    case kBinPersId:
      push(hooks.persistent_load(*this, pop()));
      break;
    default:
      CLIPRET_THROW(Corrupt, "%s: unknown or unsupported opcode 0x%02x", where().c_str(), op);
  }
  return true;
}

}  // namespace clipret::model

// model/pickle_machine.h: a Python pickle interpreter that builds plain data and runs nothing.
//
// A pickle is a program: GLOBAL imports any callable and REDUCE calls it, which is why loading
// an untrusted pickle with Python runs arbitrary code. This machine interprets only the opcodes
// of protocols 2-5 that describe data (None, bools, ints, floats, str, tuples, lists, dicts, the
// memo) and hands each import, call, BUILD and persistent load to a PickleHooks object, which
// resolves names from its allow-list and refuses the rest. Any other opcode is an error.
//
// Values live in an arena and refer to each other by id, so the memo's shared references and
// later mutation (SETITEMS on a memoised dict) keep Python's semantics without pointers, and
// nothing recurses. Every count is bounded by the input: lengths by the bytes left, the stack
// and the memo by the opcodes read, the arena by kPickleMaxObjects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace clipret::model {

enum class PickleKind {
  kNone,
  kBool,
  kInt,
  kFloat,
  kString,
  kTuple,
  kList,
  kDict,
  kGlobal,    // a name the hooks allowed; `number` is the hooks' code for it
  kExternal,  // a value the hooks made (REDUCE, BINPERSID); they know what its id stands for
};

// A readable name for messages ("dict", "tuple", ...).
const char* pickle_kind_name(PickleKind kind);

using PickleId = uint32_t;

struct PickleObject {
  PickleKind kind = PickleKind::kNone;
  int64_t number = 0;           // kBool (0/1), kInt, kGlobal's code
  double real = 0;              // kFloat
  std::string text;             // kString; kGlobal: "module.name" for messages
  std::vector<PickleId> items;  // kTuple, kList; kDict: key, value, key, value... in insertion
                                // order (a repeated key keeps both pairs; readers take the last)
};

// Most objects one pickle may create; a state dict needs about 15 per tensor.
inline constexpr size_t kPickleMaxObjects = size_t{1} << 22;

class PickleMachine;

// What the machine delegates. Each throws clipret::Error to refuse.
class PickleHooks {
 public:
  virtual ~PickleHooks() = default;
  // GLOBAL / STACK_GLOBAL: returns the code of an allowed `module`.`name`.
  virtual int64_t find_global(PickleMachine& machine, const std::string& module,
                              const std::string& name) = 0;
  // REDUCE: the result of calling `callable` (a kGlobal) with `args` (a kTuple).
  virtual PickleId reduce(PickleMachine& machine, PickleId callable, PickleId args) = 0;
  // BUILD: applies `state` to `object` (which stays on the stack).
  virtual void build(PickleMachine& machine, PickleId object, PickleId state) = 0;
  // BINPERSID: the object that persistent id `pid` names.
  virtual PickleId persistent_load(PickleMachine& machine, PickleId pid) = 0;
};

class PickleMachine {
 public:
  // `bytes` (not owned; must outlive the machine) is the pickle; `name` names it in messages.
  PickleMachine(std::string_view bytes, std::string name);
  PickleMachine(const PickleMachine&) = delete;
  PickleMachine& operator=(const PickleMachine&) = delete;

  // Interprets up to STOP and returns the id of the result. Throws Error(kCorrupt) for a
  // malformed pickle (unknown opcode, truncation, stack underflow, bad memo index, wrong
  // operand types), Error(kUnsupported) for valid pickles this machine does not handle
  // (protocol > 5, integers wider than 64 bits), and whatever the hooks throw.
  PickleId run(PickleHooks& hooks);

  const PickleObject& at(PickleId id) const { return objects_[id]; }
  // Adds an object to the arena; Error(kCorrupt) past kPickleMaxObjects.
  PickleId add(PickleObject object);
  // "<name>: pickle byte <offset of the current opcode>", for messages.
  std::string where() const;

 private:
  // One opcode at pos_; false after STOP.
  bool step(PickleHooks& hooks);
  const unsigned char* take(size_t n, const char* what);
  uint64_t take_le(size_t n, const char* what);
  std::string take_line(const char* what);
  void push(PickleId id) { stack_.push_back(id); }
  PickleId pop();
  PickleId top() const;
  // Pops everything above the last MARK (and the mark).
  std::vector<PickleId> pop_to_mark();
  PickleId add_value(PickleKind kind, int64_t number);
  PickleId add_string(size_t length);
  PickleId add_tuple(std::vector<PickleId> items);
  void memo_put(uint64_t index);
  void memo_get(uint64_t index);
  void set_items(PickleId dict, const std::vector<PickleId>& pairs);
  void append_items(PickleId list, const std::vector<PickleId>& items);
  void push_global(PickleHooks& hooks, const std::string& module, const std::string& name);

  std::string_view bytes_;
  std::string name_;
  size_t pos_ = 0;     // next byte to read
  size_t opcode_ = 0;  // offset of the opcode being run
  std::vector<PickleObject> objects_;
  std::vector<PickleId> stack_;
  std::vector<size_t> marks_;  // stack sizes at each open MARK
  std::unordered_map<uint64_t, PickleId> memo_;
};

}  // namespace clipret::model

//===- PlanFile.cpp - Plan files: container, writer, reader ---------------===//

#include "dsc/plan/PlanFile.h"

#include "dsc/plan/Validate.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace dsc::plan {
namespace {

//===----------------------------------------------------------------------===//
// Little-endian header fields
//===----------------------------------------------------------------------===//

void putLE(std::vector<uint8_t> &out, size_t at, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t getLE(const uint8_t *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

//===----------------------------------------------------------------------===//
// Structs -> FlatBuffer
//===----------------------------------------------------------------------===//

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;
using flatbuffers::String;
using flatbuffers::Vector;

// Empty vectors and strings are left out (absent fields read back as
// empty), so encode(decode(encode(p))) is byte-identical to encode(p).
template <typename T>
Offset<Vector<T>> vec(FlatBufferBuilder &b, const std::vector<T> &v) {
  return v.empty() ? 0 : b.CreateVector(v);
}

Offset<String> str(FlatBufferBuilder &b, const std::string &s) {
  return s.empty() ? 0 : b.CreateString(s);
}

template <typename T>
Offset<Vector<Offset<T>>> tables(FlatBufferBuilder &b,
                                 const std::vector<Offset<T>> &v) {
  return v.empty() ? 0 : b.CreateVector(v);
}

Offset<fb::Instruction> encode(FlatBufferBuilder &b, const Instruction &in) {
  auto inputs = vec(b, in.inputs);
  auto outputs = vec(b, in.outputs);
  std::vector<fb::IntAttr> ints;
  for (const IntAttr &a : in.intAttrs)
    ints.emplace_back(a.key, a.value);
  std::vector<fb::FloatAttr> floats;
  for (const FloatAttr &a : in.floatAttrs)
    floats.emplace_back(a.key, a.value);
  auto intAttrs = ints.empty() ? 0 : b.CreateVectorOfStructs(ints);
  auto floatAttrs = floats.empty() ? 0 : b.CreateVectorOfStructs(floats);
  Offset<fb::Comm> comm = 0;
  if (in.comm)
    comm = fb::CreateComm(b, in.comm->group, in.comm->peer, in.comm->tag);
  auto wait = vec(b, in.waitEvents);
  auto record = vec(b, in.recordEvents);
  return fb::CreateInstruction(b, in.op, inputs, outputs, intAttrs, floatAttrs,
                               comm, in.stream, wait, record);
}

Offset<fb::Program> encode(FlatBufferBuilder &b, const Program &p) {
  std::vector<Offset<fb::Instruction>> insts;
  insts.reserve(p.instructions.size());
  for (const Instruction &in : p.instructions)
    insts.push_back(encode(b, in));
  auto name = str(b, p.name);
  auto list = tables(b, insts);
  auto chunks = p.chunks.empty() ? 0 : vec(b, p.chunks);
  return fb::CreateProgram(b, name, p.kind, p.microBatch, list, chunks);
}

Offset<fb::Buffer> encode(FlatBufferBuilder &b, const Buffer &buf) {
  auto name = str(b, buf.name);
  auto shape = vec(b, buf.shape);
  auto values = buf.values.empty() ? 0 : vec(b, buf.values);
  return fb::CreateBuffer(b, name, buf.role, buf.dtype, shape, buf.parameter,
                          buf.state, buf.microBatch, buf.offset, buf.size,
                          buf.slots, buf.slotStride, buf.shardGroup, values);
}

Offset<fb::Rank> encode(FlatBufferBuilder &b, const Rank &r) {
  std::vector<Offset<fb::Buffer>> buffers;
  for (const Buffer &buf : r.buffers)
    buffers.push_back(encode(b, buf));
  std::vector<Offset<fb::Program>> programs;
  for (const Program &p : r.programs)
    programs.push_back(encode(b, p));
  std::vector<fb::ScheduleEntry> schedule;
  for (const ScheduleEntry &e : r.schedule)
    schedule.emplace_back(e.program, e.microBatch);
  auto bufferList = tables(b, buffers);
  auto programList = tables(b, programs);
  auto scheduleList = schedule.empty() ? 0 : b.CreateVectorOfStructs(schedule);
  auto overlapped = r.overlapped.empty() ? 0 : vec(b, r.overlapped);
  return fb::CreateRank(b, r.rank, r.ppStage, r.dpRank, r.epRank, r.dataShard,
                        r.arenaSize, r.numEvents, bufferList, programList,
                        scheduleList, r.replicaOf, overlapped);
}

Offset<fb::Parameter> encode(FlatBufferBuilder &b, const Parameter &p) {
  auto name = str(b, p.name);
  auto shape = vec(b, p.shape);
  auto ranks = vec(b, p.ranks);
  fb::ExpertSlice slice;
  if (p.experts)
    slice =
        fb::ExpertSlice(p.experts->first, p.experts->count, p.experts->total);
  auto ids = p.experts && !p.experts->ids.empty() ? vec(b, p.experts->ids) : 0;
  return fb::CreateParameter(b, name, p.dtype, shape, ranks,
                             p.experts ? &slice : nullptr, p.trainable, ids);
}

Offset<fb::ProcessGroup> encode(FlatBufferBuilder &b, const ProcessGroup &g) {
  auto name = str(b, g.name);
  auto ranks = vec(b, g.ranks);
  return fb::CreateProcessGroup(b, name, g.kind, ranks);
}

//===----------------------------------------------------------------------===//
// FlatBuffer -> structs
//===----------------------------------------------------------------------===//

// The FlatBuffers verifier guarantees that every offset stays inside the
// payload, but not that substructures are not shared: a 4-byte offset may
// point at a table or vector that a million other offsets point at too, and
// copying it out a million times would exhaust memory. Every element copied
// (vector entry, string byte, table) is charged to a budget equal to the
// payload size; a plan the writer produced never shares anything, so it
// holds at least one byte per element and never runs out.
class Decoder {
public:
  explicit Decoder(uint64_t budget) : left(budget) {}

  bool failed = false;
  std::string reason;

  bool charge(uint64_t n) {
    if (failed || n > left) {
      fail("the payload references more elements than its bytes can hold: "
           "shared substructures are not allowed in a plan");
      return false;
    }
    left -= n;
    return true;
  }

  void fail(const char *why) {
    if (!failed)
      reason = why;
    failed = true;
    left = 0;
  }

  /// The verifier checks a vector's 4-byte length field but not that its
  /// 8-byte elements (int64, the attribute structs) are 8-byte aligned; the
  /// builder always aligns them, so a misaligned one is damage, and reading
  /// it would be a misaligned load.
  template <typename V> bool aligned8(const V *v) {
    if (reinterpret_cast<uintptr_t>(v->Data()) % 8 == 0)
      return true;
    fail("the payload holds a misaligned 8-byte vector");
    return false;
  }

  std::string string(const String *s) {
    if (!s || !charge(s->size()))
      return {};
    return s->str();
  }

  template <typename T, typename U> std::vector<T> scalars(const Vector<U> *v) {
    std::vector<T> out;
    if (!v || !charge(v->size()))
      return out;
    if (sizeof(U) == 8 && !aligned8(v))
      return out;
    out.assign(v->begin(), v->end());
    return out;
  }

  Instruction instruction(const fb::Instruction &in) {
    Instruction out;
    if (!charge(1))
      return out;
    out.op = in.op();
    out.inputs = scalars<uint32_t>(in.inputs());
    out.outputs = scalars<uint32_t>(in.outputs());
    if (auto *v = in.int_attrs(); v && charge(v->size()) && aligned8(v))
      for (const fb::IntAttr *a : *v)
        out.intAttrs.push_back({a->key(), a->value()});
    if (auto *v = in.float_attrs(); v && charge(v->size()) && aligned8(v))
      for (const fb::FloatAttr *a : *v)
        out.floatAttrs.push_back({a->key(), a->value()});
    if (const fb::Comm *c = in.comm(); c && charge(1))
      out.comm = CommSpec{c->group(), c->peer(), c->tag()};
    out.stream = in.stream();
    out.waitEvents = scalars<uint32_t>(in.wait_events());
    out.recordEvents = scalars<uint32_t>(in.record_events());
    return out;
  }

  Program program(const fb::Program &p) {
    Program out;
    if (!charge(1))
      return out;
    out.name = string(p.name());
    out.kind = p.kind();
    out.microBatch = p.micro_batch();
    if (auto *v = p.instructions(); v && charge(v->size())) {
      out.instructions.reserve(v->size());
      for (const fb::Instruction *in : *v) {
        if (failed)
          break;
        out.instructions.push_back(instruction(*in));
      }
    }
    out.chunks = scalars<uint32_t>(p.chunks());
    return out;
  }

  Buffer buffer(const fb::Buffer &b) {
    Buffer out;
    if (!charge(1))
      return out;
    out.name = string(b.name());
    out.role = b.role();
    out.dtype = b.dtype();
    out.shape = scalars<int64_t>(b.shape());
    out.parameter = b.parameter();
    out.state = b.state();
    out.microBatch = b.micro_batch();
    out.offset = b.offset();
    out.size = b.size();
    out.slots = b.slots();
    out.slotStride = b.slot_stride();
    out.shardGroup = b.shard_group();
    out.values = scalars<int32_t>(b.values());
    return out;
  }

  Rank rank(const fb::Rank &r) {
    Rank out;
    if (!charge(1))
      return out;
    out.rank = r.rank();
    out.ppStage = r.pp_stage();
    out.dpRank = r.dp_rank();
    out.epRank = r.ep_rank();
    out.dataShard = r.data_shard();
    out.arenaSize = r.arena_size();
    out.numEvents = r.num_events();
    out.replicaOf = r.replica_of();
    out.overlapped = scalars<uint32_t>(r.overlapped());
    if (auto *v = r.buffers(); v && charge(v->size()))
      for (const fb::Buffer *b : *v) {
        if (failed)
          break;
        out.buffers.push_back(buffer(*b));
      }
    if (auto *v = r.programs(); v && charge(v->size()))
      for (const fb::Program *p : *v) {
        if (failed)
          break;
        out.programs.push_back(program(*p));
      }
    if (auto *v = r.schedule(); v && charge(v->size()))
      for (const fb::ScheduleEntry *e : *v)
        out.schedule.push_back({e->program(), e->micro_batch()});
    return out;
  }

  Parameter parameter(const fb::Parameter &p) {
    Parameter out;
    if (!charge(1))
      return out;
    out.name = string(p.name());
    out.dtype = p.dtype();
    out.shape = scalars<int64_t>(p.shape());
    out.ranks = scalars<int32_t>(p.ranks());
    if (const fb::ExpertSlice *s = p.experts())
      out.experts = ExpertSlice{s->first(), s->count(), s->total(),
                                scalars<int32_t>(p.expert_ids())};
    out.trainable = p.trainable();
    return out;
  }

  ProcessGroup group(const fb::ProcessGroup &g) {
    ProcessGroup out;
    if (!charge(1))
      return out;
    out.name = string(g.name());
    out.kind = g.kind();
    out.ranks = scalars<int32_t>(g.ranks());
    return out;
  }

  void plan(const fb::Plan &p, Plan &out) {
    out.producer = string(p.producer());
    out.worldSize = p.world_size();
    if (auto *v = p.placement(); v && charge(v->size()))
      for (const fb::RankPlacement *r : *v)
        out.placement.push_back({r->node(), r->local_gpu()});
    if (const fb::ModelFacts *m = p.model()) {
      out.model.name = string(m->name());
      out.model.vocabSize = m->vocab_size();
      out.model.hiddenSize = m->hidden_size();
      out.model.seqLen = m->seq_len();
      out.model.microBatchSize = m->micro_batch_size();
      out.model.microBatches = m->micro_batches();
      out.model.dataShards = m->data_shards();
    }
    if (const fb::Optimizer *o = p.optimizer()) {
      out.optimizer.lr = o->lr();
      out.optimizer.minLr = o->min_lr();
      out.optimizer.schedule = o->schedule();
      out.optimizer.warmupSteps = o->warmup_steps();
      out.optimizer.decaySteps = o->decay_steps();
      out.optimizer.beta1 = o->beta1();
      out.optimizer.beta2 = o->beta2();
      out.optimizer.eps = o->eps();
      out.optimizer.weightDecay = o->weight_decay();
    }
    if (const fb::Link *l = p.nvlink())
      out.nvlink = {l->gbps(), l->latency_us()};
    if (const fb::Link *l = p.infiniband())
      out.infiniband = {l->gbps(), l->latency_us()};
    if (auto *v = p.parameters(); v && charge(v->size()))
      for (const fb::Parameter *x : *v) {
        if (failed)
          break;
        out.parameters.push_back(parameter(*x));
      }
    if (auto *v = p.groups(); v && charge(v->size()))
      for (const fb::ProcessGroup *g : *v) {
        if (failed)
          break;
        out.groups.push_back(group(*g));
      }
    if (auto *v = p.ranks(); v && charge(v->size()))
      for (const fb::Rank *r : *v) {
        if (failed)
          break;
        out.ranks.push_back(rank(*r));
      }
  }

private:
  uint64_t left;
};

} // namespace

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

std::vector<uint8_t> encodePayload(const Plan &plan) {
  FlatBufferBuilder b(1 << 16);
  auto producer = str(b, plan.producer);
  std::vector<fb::RankPlacement> placement;
  for (const RankPlacement &p : plan.placement)
    placement.emplace_back(p.node, p.localGpu);
  auto placementList =
      placement.empty() ? 0 : b.CreateVectorOfStructs(placement);
  const ModelFacts &m = plan.model;
  auto model = fb::CreateModelFacts(b, str(b, m.name), m.vocabSize,
                                    m.hiddenSize, m.seqLen, m.microBatchSize,
                                    m.microBatches, m.dataShards);
  const Optimizer &o = plan.optimizer;
  auto optimizer =
      fb::CreateOptimizer(b, o.lr, o.minLr, o.schedule, o.warmupSteps,
                          o.decaySteps, o.beta1, o.beta2, o.eps, o.weightDecay);
  std::vector<Offset<fb::Parameter>> params;
  for (const Parameter &p : plan.parameters)
    params.push_back(encode(b, p));
  std::vector<Offset<fb::ProcessGroup>> groups;
  for (const ProcessGroup &g : plan.groups)
    groups.push_back(encode(b, g));
  std::vector<Offset<fb::Rank>> ranks;
  for (const Rank &r : plan.ranks)
    ranks.push_back(encode(b, r));
  auto paramList = tables(b, params);
  auto groupList = tables(b, groups);
  auto rankList = tables(b, ranks);
  fb::Link nvlink(plan.nvlink.gbps, plan.nvlink.latencyUs);
  fb::Link infiniband(plan.infiniband.gbps, plan.infiniband.latencyUs);
  auto root = fb::CreatePlan(b, producer, plan.worldSize, placementList, model,
                             optimizer, paramList, groupList, rankList, &nvlink,
                             &infiniband);
  fb::FinishPlanBuffer(b, root);
  return std::vector<uint8_t>(b.GetBufferPointer(),
                              b.GetBufferPointer() + b.GetSize());
}

std::vector<uint8_t> wrapPayload(const std::vector<uint8_t> &payload,
                                 uint32_t version) {
  std::vector<uint8_t> out(kPlanHeaderSize + payload.size(), 0);
  std::memcpy(out.data(), kPlanMagic, sizeof kPlanMagic);
  putLE(out, 8, version, 4);
  putLE(out, 12, 0, 4);
  putLE(out, 16, payload.size(), 8);
  putLE(out, 24, crc32c(payload.data(), payload.size()), 4);
  putLE(out, 28, 0, 4);
  if (!payload.empty())
    std::memcpy(out.data() + kPlanHeaderSize, payload.data(), payload.size());
  return out;
}

std::vector<uint8_t> encodePlan(const Plan &plan) {
  return wrapPayload(encodePayload(plan));
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

bool decodePlan(const uint8_t *data, size_t size, Plan &out,
                std::string &error) {
  out = Plan();
  if (size < kPlanHeaderSize) {
    error = "truncated: " + std::to_string(size) +
            " bytes, shorter than the 32-byte plan header";
    return false;
  }
  if (std::memcmp(data, kPlanMagic, sizeof kPlanMagic) != 0) {
    error = "not a dsc plan: the file does not start with \"DSCPLAN\\0\"";
    return false;
  }
  uint64_t version = getLE(data + 8, 4);
  if (version != kPlanFormatVersion) {
    error = "unsupported plan format version " + std::to_string(version) +
            " (this build reads version " + std::to_string(kPlanFormatVersion) +
            ")";
    return false;
  }
  uint64_t flags = getLE(data + 12, 4), reserved = getLE(data + 28, 4);
  if (flags != 0 || reserved != 0) {
    error = "reserved header fields are not zero (flags " + hex(flags) +
            ", reserved " + hex(reserved) + ")";
    return false;
  }
  uint64_t length = getLE(data + 16, 8);
  uint64_t available = size - kPlanHeaderSize;
  if (length > available) {
    error = "truncated: the header announces a " + std::to_string(length) +
            "-byte payload, the file holds " + std::to_string(available);
    return false;
  }
  if (length < available) {
    error = std::to_string(available - length) +
            " unexpected bytes after the " + std::to_string(length) +
            "-byte payload";
    return false;
  }
  // FlatBuffers addresses a buffer with 32-bit offsets.
  if (length >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    error = "payload of " + std::to_string(length) +
            " bytes exceeds the FlatBuffers limit of 2 GiB";
    return false;
  }
  const uint8_t *payload = data + kPlanHeaderSize;
  uint32_t expected = static_cast<uint32_t>(getLE(data + 24, 4));
  uint32_t actual = crc32c(payload, length);
  if (expected != actual) {
    error = "checksum mismatch: the header says CRC-32C " + hex(expected) +
            ", the payload's is " + hex(actual) + " (corrupted file)";
    return false;
  }

  // The verifier wants the payload aligned as the builder laid it out (to
  // 8 bytes); the file bytes may sit anywhere, so verify a copy. operator
  // new aligns to at least 16.
  std::vector<uint8_t> aligned(payload, payload + length);
  if (length < 8 || !fb::PlanBufferHasIdentifier(aligned.data())) {
    error = "the payload is not a plan FlatBuffer (file identifier \"DSCP\" "
            "missing)";
    return false;
  }
  flatbuffers::Verifier::Options options;
  options.max_depth = 16; // Plan > Rank > Program > Instruction > Comm
  // Every table occupies at least 4 bytes, so a genuine plan never visits
  // more tables than this; shared tables visited repeatedly run out.
  options.max_tables = static_cast<flatbuffers::uoffset_t>(length / 4 + 1);
  flatbuffers::Verifier verifier(aligned.data(), aligned.size(), options);
  if (!fb::VerifyPlanBuffer(verifier)) {
    error = "the payload failed FlatBuffers verification (offsets or sizes "
            "out of bounds, misaligned, or too deeply nested)";
    return false;
  }

  Decoder decoder(length);
  decoder.plan(*fb::GetPlan(aligned.data()), out);
  if (decoder.failed) {
    out = Plan();
    error = decoder.reason;
    return false;
  }
  return true;
}

bool loadPlan(const uint8_t *data, size_t size, Plan &out, std::string &error) {
  if (!decodePlan(data, size, out, error))
    return false;
  std::vector<std::string> errors = validatePlan(out);
  if (errors.empty())
    return true;
  error = "invalid plan:\n" + joinErrors(errors);
  out = Plan();
  return false;
}

namespace {

bool readFile(const std::string &path, std::vector<uint8_t> &bytes,
              std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open: " + std::string(std::strerror(errno));
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "not a regular file";
    ::close(fd);
    return false;
  }
  // Refuse before allocating what no plan can need.
  if (static_cast<uint64_t>(st.st_size) >
      kPlanHeaderSize + uint64_t(FLATBUFFERS_MAX_BUFFER_SIZE)) {
    error = "file of " + std::to_string(st.st_size) +
            " bytes is larger than any plan can be";
    ::close(fd);
    return false;
  }
  bytes.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = n == 0 ? "file shrank while being read"
                     : "read failed: " + std::string(std::strerror(errno));
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return true;
}

} // namespace

bool loadPlanFile(const std::string &path, Plan &out, std::string &error,
                  uint32_t *checksum) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error) ||
      !loadPlan(bytes.data(), bytes.size(), out, error)) {
    error = path + ": " + error;
    return false;
  }
  if (checksum)
    *checksum = static_cast<uint32_t>(getLE(bytes.data() + 24, 4));
  return true;
}

bool writeFileAtomically(const std::string &path,
                         const std::vector<uint8_t> &bytes,
                         std::string &error) {
  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(counter++);
  auto fail = [&](const std::string &what, int fd) {
    error = path + ": " + what + ": " + std::strerror(errno);
    if (fd >= 0)
      ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail("cannot create a temporary file", -1);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return fail("write failed", fd);
    done += static_cast<size_t>(n);
  }
  // Data on disk before the rename makes the new name visible, so a crash
  // leaves either the old file or the complete new one.
  if (::fsync(fd) != 0)
    return fail("fsync failed", fd);
  if (::close(fd) != 0)
    return fail("close failed", -1);
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return fail("rename failed", -1);
  // Persist the rename itself (best effort: some file systems refuse fsync
  // on directories, and the data is already safe).
  std::string dir = ".";
  if (auto slash = path.find_last_of('/'); slash != std::string::npos)
    dir = slash == 0 ? "/" : path.substr(0, slash);
  int dirfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd >= 0) {
    ::fsync(dirfd);
    ::close(dirfd);
  }
  return true;
}

bool writePlanFile(const std::string &path, const Plan &plan,
                   std::string &error) {
  std::vector<std::string> errors = validatePlan(plan);
  if (!errors.empty()) {
    error =
        path + ": refusing to write an invalid plan:\n" + joinErrors(errors);
    return false;
  }
  return writeFileAtomically(path, encodePlan(plan), error);
}

} // namespace dsc::plan

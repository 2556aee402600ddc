//===- Checkpoint.cpp - atomic, resumable training checkpoints ------------===//

#include "dsc/io/Checkpoint.h"
#include "dsc/io/AtomicFile.h"
#include "dsc/io/Error.h"
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace dsc::io {

namespace {

constexpr const char *kFormatKey = "format";
constexpr const char *kFormatValue = "dsc-checkpoint";
constexpr const char *kVersionKey = "version";
constexpr const char *kVersionValue = "1";
constexpr const char *kStepKey = "step";
constexpr const char *kDataPositionKey = "data_position";
constexpr const char *kRngStateKey = "rng_state";
constexpr const char *kStepTensor = "step";

bool isReservedKey(const std::string &key) {
  return key == kFormatKey || key == kVersionKey || key == kStepKey ||
         key == kDataPositionKey || key == kRngStateKey;
}

std::string stripTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path;
}

std::string baseName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool isDirectory(const std::string &path, bool &exists) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    exists = false;
    return false;
  }
  exists = true;
  return S_ISDIR(st.st_mode);
}

void removeTree(const std::string &path) noexcept {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

/// Swaps directories `from` and `to` atomically when the system can
/// (renameat2 RENAME_EXCHANGE); returns false when it cannot (another OS
/// or a file system without support), errors otherwise.
bool exchangeDirectories(const std::string &from, const std::string &to) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(),
                  RENAME_EXCHANGE) == 0)
    return true;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw Error(
        to + ": cannot swap in the new checkpoint: " + systemErrorText(errno),
        systemErrorCode(errno));
#endif
  (void)from;
  (void)to;
  return false;
}

bool isTempSuffix(const std::string &s) {
  // mkdtemp's six characters: letters and digits.
  if (s.size() != 6)
    return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      return false;
  return true;
}

/// Whether `name` is one of saveCheckpoint's temporaries for `base`:
/// ".<base>.tmp-XXXXXX" or ".<base>.tmp-XXXXXX.old".
bool isCheckpointTempName(const std::string &name, const std::string &base) {
  std::string prefix = "." + base + ".tmp-";
  if (name.compare(0, prefix.size(), prefix) != 0)
    return false;
  std::string rest = name.substr(prefix.size());
  if (rest.size() == 10 && rest.compare(6, 4, ".old") == 0)
    rest.resize(6);
  return isTempSuffix(rest);
}

/// Whether `name` is a part's directory: "rank-" and digits.
bool isCheckpointPartName(const std::string &name) {
  const std::string prefix = "rank-";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix))
    return false;
  for (size_t i = prefix.size(); i < name.size(); ++i)
    if (name[i] < '0' || name[i] > '9')
      return false;
  return true;
}

/// Whether directory `path` holds only what a save writes: the two files
/// and their atomic-write temporaries (AtomicFile.h), all plain files.
bool holdsOnlyCheckpointFiles(const std::string &path, bool top = true) {
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator(path, ec)) {
    std::string name = entry.path().filename().string();
    if (top && isCheckpointPartName(name) && entry.is_directory(ec) &&
        !entry.is_symlink(ec) &&
        holdsOnlyCheckpointFiles(entry.path().string(), false))
      continue;
    bool known = false;
    for (const char *file : {kCheckpointModelFile, kCheckpointOptimizerFile,
                             top ? kCheckpointManifestFile : ""}) {
      if (!*file)
        continue;
      std::string temp = std::string(".") + file + ".tmp-";
      known = known || name == file ||
              (name.compare(0, temp.size(), temp) == 0 &&
               isTempSuffix(name.substr(temp.size())));
    }
    if (!known || !entry.is_regular_file(ec) || entry.is_symlink(ec))
      return false;
  }
  return !ec;
}

uint64_t parseCount(const std::string &file, const char *key,
                    const std::map<std::string, std::string> &metadata) {
  auto it = metadata.find(key);
  if (it == metadata.end())
    throw Error(file + ": metadata has no '" + key + "'");
  const std::string &text = it->second;
  uint64_t value = 0;
  bool valid = !text.empty() && text.size() <= 20;
  for (char c : text) {
    if (c < '0' || c > '9' ||
        value > (UINT64_MAX - static_cast<uint64_t>(c - '0')) / 10) {
      valid = false;
      break;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!valid)
    throw Error(file + ": metadata '" + key + "' is '" + text +
                "', expected a non-negative integer");
  return value;
}

void checkFormat(const std::string &file,
                 const std::map<std::string, std::string> &metadata) {
  auto format = metadata.find(kFormatKey);
  if (format == metadata.end() || format->second != kFormatValue)
    throw Error(file + ": not a dsc checkpoint file (metadata 'format' is " +
                (format == metadata.end() ? std::string("missing")
                                          : "'" + format->second + "'") +
                ", expected '" + kFormatValue + "')");
  auto version = metadata.find(kVersionKey);
  if (version == metadata.end() || version->second != kVersionValue)
    throw Error(file + ": unsupported checkpoint version " +
                (version == metadata.end() ? std::string("(missing)")
                                           : "'" + version->second + "'") +
                " (this build reads version " + kVersionValue + ")");
}

void checkTensors(const SafeTensorsFile &file,
                  const std::vector<TensorSpec> &specs, bool allowExtra,
                  const std::set<std::string> &ignored) {
  std::vector<std::string> problems;
  std::set<std::string> expected;
  for (const TensorSpec &spec : specs) {
    expected.insert(spec.name);
    const TensorInfo *info = file.find(spec.name);
    if (!info) {
      problems.push_back(file.path() + ": missing tensor '" + spec.name +
                         "' (expected shape " + formatShape(spec.shape) + ")");
      continue;
    }
    if (info->shape != spec.shape)
      problems.push_back(file.path() + ": tensor '" + spec.name +
                         "' has shape " + formatShape(info->shape) +
                         ", expected " + formatShape(spec.shape));
    if (spec.dtype && info->dtype != *spec.dtype)
      problems.push_back(file.path() + ": tensor '" + spec.name + "' is " +
                         dtypeName(info->dtype) + ", expected " +
                         dtypeName(*spec.dtype));
  }
  if (!allowExtra)
    for (const TensorInfo &info : file.tensors())
      if (!expected.count(info.name) && !ignored.count(info.name))
        problems.push_back(file.path() + ": unexpected tensor '" + info.name +
                           "' " + formatShape(info.shape) +
                           " (not in the model)");
  if (problems.empty())
    return;
  std::string message = file.path() + ": " + std::to_string(problems.size()) +
                        (problems.size() == 1 ? " problem" : " problems") +
                        " with the checkpoint's tensors:";
  for (const std::string &problem : problems)
    message += "\n" + problem;
  throw Error(message);
}

} // namespace

namespace {

/// Refuses to replace something that is not a checkpoint (the swap deletes
/// whatever was there); returns whether `dir` is an existing directory.
bool checkTarget(const std::string &dir) {
  bool exists = false;
  bool directory = isDirectory(dir, exists);
  if (exists && !directory)
    throw Error(dir + ": exists and is not a directory; refusing to replace "
                      "it with a checkpoint");
  if (directory) {
    bool modelExists = false;
    isDirectory(dir + "/" + kCheckpointModelFile, modelExists);
    std::error_code ec;
    bool empty = std::filesystem::is_empty(dir, ec);
    if (!modelExists && !(empty && !ec))
      throw Error(dir + ": exists and is not a checkpoint (no " +
                  std::string(kCheckpointModelFile) +
                  "); refusing to replace it");
  }
  return directory;
}

/// A new ".<name>.tmp-XXXXXX" directory beside `dir`.
std::string makeTempDirectory(const std::string &dir) {
  std::string parent = parentDirectory(dir);
  std::string pattern = parent + "/." + baseName(dir) + ".tmp-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    throw Error(dir + ": cannot create a temporary directory in " + parent +
                    ": " + systemErrorText(errno),
                systemErrorCode(errno));
  return buf.data();
}

} // namespace

void checkCheckpointTarget(const std::string &dirArg) {
  std::string dir = stripTrailingSlashes(dirArg);
  if (dir.empty())
    throw Error("empty checkpoint directory");
  checkTarget(dir);
  // Creating what a save creates is the only test that holds for root too
  // (permissions, read-only or missing file systems).
  removeTree(makeTempDirectory(dir));
}

size_t removeStaleCheckpointTemporaries(const std::string &dirArg) noexcept {
  try {
    std::string dir = stripTrailingSlashes(dirArg);
    struct stat st;
    for (const char *file : {kCheckpointModelFile, kCheckpointOptimizerFile})
      if (::stat((dir + "/" + file).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return 0; // leftovers may hold the only complete copy
    std::string base = baseName(dir);
    std::vector<std::string> stale;
    std::error_code ec;
    for (const auto &entry :
         std::filesystem::directory_iterator(parentDirectory(dir), ec)) {
      std::string path = entry.path().string();
      bool exists = false;
      if (isCheckpointTempName(entry.path().filename().string(), base) &&
          isDirectory(path, exists) && holdsOnlyCheckpointFiles(path))
        stale.push_back(path);
    }
    size_t removed = 0;
    for (const std::string &path : stale) {
      removeTree(path);
      removed += ::lstat(path.c_str(), &st) != 0;
    }
    return removed;
  } catch (...) {
    return 0; // best effort: a leftover costs disk, not correctness
  }
}

namespace {

/// The checks a save makes before it writes anything.
void checkContents(const std::string &dir, const CheckpointContents &contents) {
  const TrainingState &state = contents.state;
  for (const auto &entry : state.extra)
    if (isReservedKey(entry.first))
      throw Error(dir + ": metadata key '" + entry.first +
                  "' is reserved for the checkpoint itself");
  if (state.step > static_cast<uint64_t>(INT64_MAX))
    throw Error(dir + ": step " + std::to_string(state.step) +
                " does not fit the I64 step tensor");
  for (const TensorRef &t : contents.optimizer)
    if (t.name == kStepTensor)
      throw Error(dir + ": optimizer tensor name 'step' is reserved for the "
                        "optimizer step count");
}

/// Writes both files into directory `dir`, calling `hook` after each.
void writeFiles(const std::string &dir, const CheckpointContents &contents,
                const std::function<void(SaveStage)> &hook) {
  const TrainingState &state = contents.state;
  std::string step = std::to_string(state.step);
  std::map<std::string, std::string> modelMeta = state.extra;
  modelMeta[kFormatKey] = kFormatValue;
  modelMeta[kVersionKey] = kVersionValue;
  modelMeta[kStepKey] = step;
  modelMeta[kDataPositionKey] = std::to_string(state.dataPosition);
  modelMeta[kRngStateKey] = state.rngState;
  writeSafeTensors(dir + "/" + kCheckpointModelFile, contents.model, modelMeta);
  hook(SaveStage::ModelWritten);

  std::vector<TensorRef> optimizer = contents.optimizer;
  int64_t stepValue = static_cast<int64_t>(state.step);
  optimizer.push_back(
      {kStepTensor, DType::I64, {}, &stepValue, sizeof stepValue});
  writeSafeTensors(dir + "/" + kCheckpointOptimizerFile, optimizer,
                   {{kFormatKey, kFormatValue},
                    {kVersionKey, kVersionValue},
                    {kStepKey, step}});
  hook(SaveStage::OptimizerWritten);
  syncDirectory(dir);
}

/// One rename makes the new checkpoint `temp` visible as `dir`; the
/// previous one is deleted.
void commit(const std::string &temp, const std::string &dir,
            const std::function<void(SaveStage)> &hook) {
  std::string parent = parentDirectory(dir);
  bool exists = false;
  if (!isDirectory(dir, exists)) {
    if (::rename(temp.c_str(), dir.c_str()) != 0) {
      int err = errno;
      removeTree(temp);
      throw Error(dir + ": cannot rename the new checkpoint into place: " +
                      systemErrorText(err),
                  systemErrorCode(err));
    }
    syncDirectory(parent);
    hook(SaveStage::Committed);
    removeStaleCheckpointTemporaries(dir);
    return;
  }

  std::string old;
  try {
    if (exchangeDirectories(temp, dir)) {
      old = temp; // the swap left the previous checkpoint at the temp name
    } else {
      // Without an atomic exchange: move the old one aside, then the new
      // one in. A crash between the two renames leaves the previous
      // checkpoint complete at ".<name>.tmp-*.old".
      old = temp + ".old";
      if (::rename(dir.c_str(), old.c_str()) != 0)
        throw Error(dir + ": cannot move the previous checkpoint aside: " +
                        systemErrorText(errno),
                    systemErrorCode(errno));
      if (::rename(temp.c_str(), dir.c_str()) != 0) {
        int err = errno;
        ::rename(old.c_str(), dir.c_str()); // put the previous one back
        old.clear();
        throw Error(dir + ": cannot rename the new checkpoint into place: " +
                        systemErrorText(err),
                    systemErrorCode(err));
      }
    }
    syncDirectory(parent);
  } catch (...) {
    removeTree(temp);
    throw;
  }
  try {
    hook(SaveStage::Committed);
  } catch (...) {
    removeTree(old);
    throw;
  }
  removeTree(old);
  removeStaleCheckpointTemporaries(dir);
}

void noHook(SaveStage) {}

} // namespace

void saveCheckpoint(const std::string &dirArg,
                    const CheckpointContents &contents,
                    const SaveOptions &options) {
  std::string dir = stripTrailingSlashes(dirArg);
  if (dir.empty())
    throw Error("saveCheckpoint: empty checkpoint directory");
  checkContents(dir, contents);
  std::string temp = beginCheckpointSave(dir);
  auto hook = [&](SaveStage stage) {
    if (options.hook)
      options.hook(stage);
  };
  try {
    hook(SaveStage::TempDirCreated);
    writeFiles(temp, contents, hook);
    hook(SaveStage::BeforeCommit);
  } catch (...) {
    removeTree(temp);
    throw;
  }
  commit(temp, dir, hook);
}

std::string beginCheckpointSave(const std::string &dirArg) {
  std::string dir = stripTrailingSlashes(dirArg);
  if (dir.empty())
    throw Error("empty checkpoint directory");
  checkTarget(dir);
  // Leftovers of interrupted saves go first (they would otherwise pile
  // up, one per kill), then again once this save committed.
  removeStaleCheckpointTemporaries(dir);
  return makeTempDirectory(dir);
}

void writeCheckpointPart(const std::string &temp, const std::string &part,
                         const CheckpointContents &contents) {
  std::string dir = part.empty() ? temp : temp + "/" + part;
  checkContents(dir, contents);
  if (!part.empty() && ::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw Error(
        dir + ": cannot create the checkpoint part: " + systemErrorText(errno),
        systemErrorCode(errno));
  writeFiles(dir, contents, noHook);
}

void commitCheckpointSave(const std::string &temp, const std::string &dirArg) {
  std::string dir = stripTrailingSlashes(dirArg);
  syncDirectory(temp);
  commit(temp, dir, noHook);
}

void abortCheckpointSave(const std::string &temp) noexcept { removeTree(temp); }

Checkpoint Checkpoint::load(const std::string &dirArg) {
  Checkpoint result;
  result.dir_ = stripTrailingSlashes(dirArg);
  const std::string &dir = result.dir_;
  bool exists = false;
  if (!isDirectory(dir, exists))
    throw Error(dir + (exists ? ": not a directory, expected a checkpoint "
                                "directory"
                              : ": no checkpoint (the directory does not "
                                "exist)"));
  std::string modelPath = dir + "/" + kCheckpointModelFile;
  std::string optimizerPath = dir + "/" + kCheckpointOptimizerFile;
  result.model_ = SafeTensorsFile::open(modelPath);
  result.optimizer_ = SafeTensorsFile::open(optimizerPath);

  const auto &modelMeta = result.model_.metadata();
  const auto &optimizerMeta = result.optimizer_.metadata();
  checkFormat(modelPath, modelMeta);
  checkFormat(optimizerPath, optimizerMeta);

  TrainingState &state = result.state_;
  state.step = parseCount(modelPath, kStepKey, modelMeta);
  state.dataPosition = parseCount(modelPath, kDataPositionKey, modelMeta);
  auto rng = modelMeta.find(kRngStateKey);
  if (rng == modelMeta.end())
    throw Error(modelPath + ": metadata has no '" + kRngStateKey + "'");
  state.rngState = rng->second;
  for (const auto &entry : modelMeta)
    if (!isReservedKey(entry.first))
      state.extra.insert(entry);

  uint64_t optimizerStep = parseCount(optimizerPath, kStepKey, optimizerMeta);
  if (optimizerStep != state.step)
    throw Error(dir + ": " + kCheckpointOptimizerFile + " is from step " +
                std::to_string(optimizerStep) + " but " + kCheckpointModelFile +
                " from step " + std::to_string(state.step) +
                ": the files come from different saves");
  const TensorInfo *stepTensor = result.optimizer_.find(kStepTensor);
  if (!stepTensor)
    throw Error(optimizerPath + ": missing tensor 'step' (the optimizer step "
                                "count)");
  if (stepTensor->dtype != DType::I64 || !stepTensor->shape.empty())
    throw Error(optimizerPath + ": tensor 'step' is " +
                dtypeName(stepTensor->dtype) + " " +
                formatShape(stepTensor->shape) + ", expected an I64 scalar []");
  int64_t stepValue = result.optimizer_.readInt64(kStepTensor)[0];
  if (stepValue < 0 || static_cast<uint64_t>(stepValue) != state.step)
    throw Error(optimizerPath + ": tensor 'step' is " +
                std::to_string(stepValue) + " but the metadata says step " +
                std::to_string(state.step));
  return result;
}

void Checkpoint::expectModel(const std::vector<TensorSpec> &specs,
                             bool allowExtra) const {
  checkTensors(model_, specs, allowExtra, {});
}

void Checkpoint::expectOptimizer(const std::vector<TensorSpec> &specs,
                                 bool allowExtra) const {
  checkTensors(optimizer_, specs, allowExtra, {kStepTensor});
}

} // namespace dsc::io

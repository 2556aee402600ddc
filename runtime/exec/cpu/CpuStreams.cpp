//===- CpuStreams.cpp - streams and events on host threads ----------------===//
//
// An event counts its recordings and how many of them completed; a wait
// targets the count at the time of the call. An inline stream runs work on
// the caller's thread, so its recordings complete at once. A worker stream
// runs a queue of work, recordings and waits on a thread of its own.
//
//===----------------------------------------------------------------------===//

#include "CpuStreams.h"
#include "dsc/exec/ExecError.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

namespace dsc::exec {

Event::~Event() = default;
Stream::~Stream() = default;

} // namespace dsc::exec

namespace dsc::exec::detail {
namespace {

class CpuEvent : public Event {
public:
  /// A new recording; its generation.
  uint64_t mark() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ++recorded_;
  }
  uint64_t latest() {
    std::lock_guard<std::mutex> lock(mutex_);
    return recorded_;
  }
  /// Recording `generation` completed (`error`: its stream failed first).
  void complete(uint64_t generation, std::exception_ptr error) {
    // Notified under the lock: a waiter that returns may destroy the event.
    std::lock_guard<std::mutex> lock(mutex_);
    completed_ = std::max(completed_, generation);
    if (error && generation > errorGeneration_) {
      error_ = error;
      errorGeneration_ = generation;
    }
    changed_.notify_all();
  }
  /// Throws the error of a failed stream when recording `generation` (or a
  /// later one) completed on it.
  void waitFor(uint64_t generation) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return completed_ >= generation; });
    if (generation > 0 && error_ && errorGeneration_ >= generation)
      std::rethrow_exception(error_);
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t recorded_ = 0, completed_ = 0, errorGeneration_ = 0;
  std::exception_ptr error_;
};

CpuEvent &cpuEvent(Event &event) { return static_cast<CpuEvent &>(event); }

class InlineStream : public Stream {
public:
  explicit InlineStream(std::string name) : name_(std::move(name)) {}
  void enqueue(Work work) override { work(); }
  void record(Event &event) override {
    CpuEvent &e = cpuEvent(event);
    e.complete(e.mark(), nullptr);
  }
  void wait(Event &event) override {
    CpuEvent &e = cpuEvent(event);
    e.waitFor(e.latest());
  }
  void synchronize() override {}
  const std::string &name() const override { return name_; }

private:
  std::string name_;
};

class WorkerStream : public Stream {
public:
  explicit WorkerStream(std::string name)
      : name_(std::move(name)), state_(std::make_shared<State>()) {
    std::shared_ptr<State> state = state_;
    thread_ = std::thread([state] { loop(*state); });
  }
  /// Work not started is dropped. A thread still inside a call (a peer
  /// that never answers, while an error unwinds the executor) is left
  /// behind after a second rather than waited for: the process is ending
  /// (dsc-run aborts the job), and the thread owns what it touches of the
  /// stream.
  ~WorkerStream() override {
    std::unique_lock<std::mutex> lock(state_->mutex);
    state_->stopping = true;
    state_->queue.clear();
    state_->ready.notify_all();
    bool done = state_->finished.wait_for(lock, std::chrono::seconds(1),
                                          [&] { return state_->done; });
    lock.unlock();
    if (done)
      thread_.join();
    else
      thread_.detach();
  }

  void enqueue(Work work) override { push({std::move(work), nullptr, 0}); }
  void record(Event &event) override {
    CpuEvent &e = cpuEvent(event);
    push({nullptr, &e, e.mark(), /*isRecord=*/true});
  }
  void wait(Event &event) override {
    CpuEvent &e = cpuEvent(event);
    push({nullptr, &e, e.latest(), /*isRecord=*/false});
  }
  /// Reports a failure once: the stream then runs new work again.
  void synchronize() override {
    CpuEvent done;
    record(done);
    try {
      done.waitFor(1);
    } catch (...) {
    }
    std::exception_ptr error;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      std::swap(error, state_->error);
    }
    if (error)
      std::rethrow_exception(error);
  }
  const std::string &name() const override { return name_; }

private:
  struct Item {
    Work work;
    CpuEvent *event;
    uint64_t generation;
    bool isRecord = false;
  };
  struct State {
    std::mutex mutex;
    std::condition_variable ready, finished;
    std::deque<Item> queue;
    bool stopping = false, done = false;
    std::exception_ptr error;
  };

  void push(Item item) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->queue.push_back(std::move(item));
    state_->ready.notify_one();
  }

  static void loop(State &state) {
    for (;;) {
      Item item;
      std::exception_ptr error;
      {
        std::unique_lock<std::mutex> lock(state.mutex);
        state.ready.wait(
            lock, [&] { return state.stopping || !state.queue.empty(); });
        if (state.queue.empty()) {
          state.done = true;
          state.finished.notify_all();
          return;
        }
        item = std::move(state.queue.front());
        state.queue.pop_front();
        error = state.error;
      }
      if (item.event && item.isRecord) {
        item.event->complete(item.generation, error);
        continue;
      }
      if (error)
        continue; // a failed stream skips its work
      try {
        if (item.event)
          item.event->waitFor(item.generation);
        else
          item.work();
      } catch (...) {
        std::lock_guard<std::mutex> lock(state.mutex);
        state.error = std::current_exception();
      }
    }
  }

  std::string name_;
  std::shared_ptr<State> state_;
  std::thread thread_;
};

} // namespace

std::unique_ptr<Stream> makeCpuStream(std::string name, bool inlineWork) {
  if (inlineWork)
    return std::make_unique<InlineStream>(std::move(name));
  return std::make_unique<WorkerStream>(std::move(name));
}

std::unique_ptr<Event> makeCpuEvent() { return std::make_unique<CpuEvent>(); }

void waitCpuEvent(Event &event) {
  CpuEvent &e = cpuEvent(event);
  e.waitFor(e.latest());
}

} // namespace dsc::exec::detail

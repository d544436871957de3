// Native stackless coroutines: C++20 coroutines on a scheduler of our own.
//
// Read beside coroutines/bare.py: the same API (spawn, create, switch_to, park,
// ready, yield_, join, run) and the same run queue. A coroutine's locals live
// in a heap frame the compiler lays out; a task is a chain of such frames, the
// innermost one suspended. Nothing is copied and no stack is kept per task.
//
// Every hand-over is symmetric transfer: an awaiter's await_suspend returns
// the handle to resume next, and the compiler jumps there as a tail call, so a
// hand-over never grows the loop's stack and never returns to the loop first.
// Only when nothing is ready does control fall back to the loop (noop handle).
//
// Frames are allocated through the promise's operator new, which counts them:
// the probe reads frame bytes from the allocator, not from an estimate.
#pragma once

#include <coroutine>
#include <cstdlib>
#include <new>
#include <deque>
#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "lab.hpp"

namespace coroutines {

struct Task;

// Every coroutine frame allocated and not yet freed, counted by the promise's operator new.
struct FrameCount {
    value live_bytes = 0, live_frames = 0;
};
inline FrameCount frames;
inline std::size_t last_frame_size = 0;  // handed from operator new to the promise it allocates

// An `async def` function's return type: a lazy coroutine that returns a value.
class [[nodiscard]] coro {
public:
    struct promise_type;
    using handle = std::coroutine_handle<promise_type>;

    struct promise_type {
        value result = 0;
        std::size_t frame_bytes = last_frame_size;  // this frame's size, as the allocator was asked
        std::coroutine_handle<> continuation;       // the frame that awaits this one; none at a task's top
        handle awaiting;                            // the frame this one awaits now (the probe walks the chain)
        Task* task = nullptr;                       // the task whose top frame this is

        static void* operator new(std::size_t size) {
            frames.live_bytes += static_cast<value>(size);
            ++frames.live_frames;
            last_frame_size = size;
            if (void* frame = std::malloc(size)) return frame;
            throw std::bad_alloc();
        }
        static void operator delete(void* frame, std::size_t size) {
            frames.live_bytes -= static_cast<value>(size);
            --frames.live_frames;
            std::free(frame);
        }
        coro get_return_object() { return coro(handle::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }  // lazy: runs when awaited or scheduled
        struct final_awaiter {
            bool await_ready() noexcept { return false; }
            std::coroutine_handle<> await_suspend(handle frame) noexcept;
            void await_resume() noexcept {}
        };
        final_awaiter final_suspend() noexcept { return {}; }
        void return_value(value v) { result = v; }
        void unhandled_exception() { failure = std::current_exception(); }  // the loop rethrows it
    };

    explicit coro(handle frame) : frame_(frame) {}
    coro(coro&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
    coro& operator=(coro&&) = delete;
    ~coro() {
        if (frame_) frame_.destroy();
    }
    handle release() { return std::exchange(frame_, {}); }

    // `co_await f(...)`: start f's frame by symmetric transfer; back here when it returns.
    bool await_ready() noexcept { return false; }
    std::coroutine_handle<> await_suspend(handle caller) noexcept {
        caller_ = caller;
        frame_.promise().continuation = caller;
        caller.promise().awaiting = frame_;
        return frame_;  // -> the callee's first line
    }
    value await_resume() noexcept {
        caller_.promise().awaiting = {};
        return frame_.promise().result;
    }

private:
    handle frame_;
    handle caller_;
};

struct Task {
    coro::handle top;                        // its outermost frame: null before a created task starts, and after it ends
    std::coroutine_handle<> resume_point;    // its innermost suspended frame: where it resumes
    std::function<coro(value)> start;        // create(): makes the top frame at the first switch_to
    value inbox = 0;                         // the value its suspended await returns when it resumes
    bool done = false;
    value result = 0;
    std::vector<Task*> joiners;              // tasks suspended in join(this)
};

struct Scheduler {
    std::deque<std::pair<Task*, value>> ready;  // tasks that can run now, each with the value it resumes with
    std::deque<Task> tasks;                     // every task of this run (a deque: addresses stay put)
    Task* current = nullptr;                    // the task running now
    value live = 0;                             // tasks made and not ended
};

inline Scheduler* active = nullptr;
inline value leftover = 0;  // tasks still suspended when the last run() ended

// -- where control goes next: the handle a suspending await_suspend returns -----------------------------

inline std::coroutine_handle<> go(Task* target, value v) {
    target->inbox = v;
    active->current = target;
    if (!target->top && !target->done) {  // made by create(): its frame is made now, with v
        target->top = target->start(v).release();
        target->top.promise().task = target;
        target->resume_point = target->top;
    }
    return target->resume_point;
}

inline std::coroutine_handle<> next_ready() {
    Scheduler& s = *active;
    if (s.ready.empty()) return std::noop_coroutine();  // -> the loop: nothing can run (it reports the deadlock)
    auto [task, v] = s.ready.front();
    s.ready.pop_front();
    return go(task, v);
}

inline std::coroutine_handle<> coro::promise_type::final_awaiter::await_suspend(handle frame) noexcept {
    promise_type& promise = frame.promise();
    if (failure) return std::noop_coroutine();  // -> the loop, which rethrows it; nothing else runs
    if (promise.continuation) return promise.continuation;  // -> the awaiting frame, as a return would
    Task* task = promise.task;  // a task's top frame: the task ends here
    task->result = promise.result;
    task->done = true;
    --active->live;
    for (Task* joiner : task->joiners) active->ready.emplace_back(joiner, 0);
    frame.destroy();  // legal: the frame is suspended at its final point
    task->top = {};
    return next_ready();
}

// -- the awaitables a task suspends on, as in coroutines/bare.py -------------------------------------

struct Suspend {  // the part every suspension shares: remember where the task resumes
    Task* self = nullptr;
    bool await_ready() noexcept { return false; }
    void leave(std::coroutine_handle<> frame) {
        self = active->current;
        self->resume_point = frame;
    }
    value await_resume() noexcept { return self->inbox; }
};

// Hand control and `v` straight to `target`; resume with the value this task is later resumed with.
struct switch_to : Suspend {
    Task* target;
    value v;
    explicit switch_to(Task* to, value with = 0) : target(to), v(with) {}
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> frame) {
        leave(frame);
        return go(target, v);
    }
};

struct park : Suspend {  // until someone resumes us (switch_to or ready)
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> frame) {
        leave(frame);
        return next_ready();
    }
};

struct yield_ : Suspend {  // behind every task ready now
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> frame) {
        leave(frame);
        active->ready.emplace_back(self, 0);
        return next_ready();
    }
};

struct join : Suspend {  // until `task` has ended; its result
    Task* task;
    explicit join(Task* other) : task(other) {}
    bool await_ready() noexcept { return task->done; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> frame) {
        leave(frame);
        task->joiners.push_back(self);
        return next_ready();
    }
    value await_resume() noexcept { return task->result; }
};

inline Task* current() { return active->current; }

inline void ready(Task* task, value v = 0) { active->ready.emplace_back(task, v); }

// A task for the coroutine `body`, queued behind the ready tasks.
inline Task* spawn(coro body) {
    Scheduler& s = *active;
    Task& task = s.tasks.emplace_back();
    task.top = body.release();
    task.top.promise().task = &task;
    task.resume_point = task.top;
    ++s.live;
    s.ready.emplace_back(&task, 0);
    return &task;
}

// A task not queued: it starts at the first switch_to(it, v), as start(v).
inline Task* create(std::function<coro(value)> start) {
    Scheduler& s = *active;
    Task& task = s.tasks.emplace_back();
    task.start = std::move(start);
    ++s.live;
    return &task;
}

// What the probe reads of one task: the frames on its await chain and their bytes.
inline Unit describe(Task* task) {
    Unit unit;
    unit.frames = unit.frame_bytes = 0;
    for (coro::handle frame = task->top; frame; frame = frame.promise().awaiting) {
        ++unit.frames;
        unit.frame_bytes += static_cast<value>(frame.promise().frame_bytes);
    }
    return unit;
}

// probe.snapshot(tasks) from the calling task; every other task in `tasks` is suspended.
inline void snapshot(Probe* probe, const std::vector<Task*>& tasks) {
    double started = now_s(), cpu_started = cpu_now_s();
    std::vector<Unit> units;
    for (Task* task : tasks) units.push_back(describe(task));
    value live = active->live;
    probe->snapshot(units, {
        {"runtime_bytes_per_task", json::num(static_cast<value>(sizeof(Task)))},
        {"allocator_frame_bytes_live", json::num(frames.live_bytes)},
        {"allocator_frames_live", json::num(frames.live_frames)},
        {"allocator_bytes_per_task", live ? json::num(static_cast<double>(frames.live_bytes) / static_cast<double>(live)) : "null"},
    });
    probe->spent_s += now_s() - started;
    probe->spent_cpu_s += cpu_now_s() - cpu_started;
}

// Run main as the first task until it returns; return its result.
inline value run(coro main) {
    Scheduler s;
    active = &s;
    Task* main_task = spawn(std::move(main));
    while (!main_task->done) {
        if (s.ready.empty()) throw std::runtime_error("deadlock: the main task waits, and nothing can wake it");
        auto [task, v] = s.ready.front();
        s.ready.pop_front();
        go(task, v).resume();  // -> task, and on by symmetric transfer; back when nothing is ready
        if (failure) std::rethrow_exception(failure);
    }
    leftover = s.live;
    for (Task& task : s.tasks)
        if (task.top) task.top.destroy();  // a task left suspended: free its frames (the run still fails)
    value result = main_task->result;
    active = nullptr;
    return result;
}

}  // namespace coroutines

std::string leftovers() {
    return coroutines::leftover ? std::to_string(coroutines::leftover) + " coroutine tasks still suspended" : "";
}

std::vector<std::string> runtime_notes() { return {}; }

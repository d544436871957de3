// Native fibers: one mmap'd stack per fiber, and a context switch of a few
// instructions that saves the callee-saved registers and the stack pointer.
//
// Read beside fibers/scheduler.py: the same API (spawn, create, switch_to,
// park, ready, yield_, join, run) and the same run queue; what greenlet does
// by copying slices of one C stack to the heap, a native fiber does by owning
// a stack of its own and swapping the stack pointer.
//
// The switch is greenlet's slp_switch / Boost.Context's fcontext reduced to
// its core: push the callee-saved registers on the current stack, store the
// stack pointer, load the other fiber's, pop its registers, return on its
// stack. Everything caller-saved is already saved by the compiler at the call.
// Compiled with -DFIBERLAB_UCONTEXT, the same scheduler switches with glibc's
// swapcontext instead (model cpp_ucontext), which also saves and restores the
// signal mask with a system call on every switch: that is why it is not the floor.
//
// Stacks: each fiber gets its stack when it first runs (a spawned fiber that
// has not started costs no stack) and gives it back when it ends, for the next
// fiber to reuse. Each stack is its own mapping with a PROT_NONE guard page
// below it, so an overflow faults instead of corrupting a neighbour. That is
// two kernel mappings per stack, and vm.max_map_count (65,530 by default)
// caps them: beyond GUARD_BUDGET stacks alive at once, stacks are carved from
// shared slabs without guard pages, and the run says so in a note.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#ifdef FIBERLAB_UCONTEXT
#include <ucontext.h>
#endif

#include "lab.hpp"

#ifndef FIBERLAB_UCONTEXT
// fiberlab_switch(save_sp, load_sp): *save_sp = our stack pointer; continue on load_sp.
extern "C" void fiberlab_switch(void** save_sp, void* load_sp);
#if defined(__x86_64__)
asm(R"(
    .text
    .globl fiberlab_switch
    .type fiberlab_switch, @function
fiberlab_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size fiberlab_switch, .-fiberlab_switch
)");
#elif defined(__aarch64__)
asm(R"(
    .text
    .globl fiberlab_switch
    .type fiberlab_switch, %function
fiberlab_switch:
    sub sp, sp, #160
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    stp d8, d9, [sp, #96]
    stp d10, d11, [sp, #112]
    stp d12, d13, [sp, #128]
    stp d14, d15, [sp, #144]
    mov x2, sp
    str x2, [x0]
    mov sp, x1
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    ldp d8, d9, [sp, #96]
    ldp d10, d11, [sp, #112]
    ldp d12, d13, [sp, #128]
    ldp d14, d15, [sp, #144]
    add sp, sp, #160
    ret
    .size fiberlab_switch, .-fiberlab_switch
)");
#else
#error "fiberlab_switch is written for x86-64 and aarch64; build with -DFIBERLAB_UCONTEXT elsewhere"
#endif
#endif

namespace fibers {

inline std::size_t stack_bytes = 64 * 1024;  // per fiber, fixed before it starts: a scenario may raise it

struct Stack {
    char* base = nullptr;  // lowest usable byte; the guard page, if any, is just below
    std::size_t size = 0;
};

// Hands out stacks and takes them back for reuse; unmaps everything when the run ends.
class StackPool {
public:
    StackPool() : page_(static_cast<std::size_t>(sysconf(_SC_PAGESIZE))) {
        long max_maps = 65530;
        if (FILE* file = std::fopen("/proc/sys/vm/max_map_count", "r")) {
            if (std::fscanf(file, "%ld", &max_maps) != 1) max_maps = 65530;
            std::fclose(file);
        }
        guard_budget_ = std::max(0L, (max_maps - 8192) / 2);  // 8,192 maps left for malloc, libraries, the rest
    }
    ~StackPool() {
        for (auto [address, size] : mappings_) munmap(address, size);
    }
    Stack take(std::size_t size) {
        size = (size + page_ - 1) / page_ * page_;
        for (std::size_t index = free_.size(); index-- > 0;)
            if (free_[index].size == size) {
                Stack stack = free_[index];
                free_.erase(free_.begin() + static_cast<long>(index));
                return stack;
            }
        if (guarded_ < guard_budget_) {
            char* mapping = map(size + page_);
            if (mprotect(mapping, page_, PROT_NONE) != 0) throw std::runtime_error("mprotect of a guard page failed");
            ++guarded_;
            return {mapping + page_, size};
        }
        if (slab_left_ < size) {  // a slab of SLAB_STACKS stacks, no guard pages between them
            slab_left_ = size * SLAB_STACKS;
            slab_ = map(slab_left_);
        }
        ++unguarded_;
        slab_left_ -= size;
        return {slab_ + slab_left_, size};
    }
    void give_back(Stack stack) { free_.push_back(stack); }
    long guarded() const { return guarded_; }
    long unguarded() const { return unguarded_; }
    long guard_budget() const { return guard_budget_; }

private:
    static constexpr std::size_t SLAB_STACKS = 256;
    char* map(std::size_t size) {
        void* address = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (address == MAP_FAILED) throw std::bad_alloc();
        mappings_.emplace_back(static_cast<char*>(address), size);
        return static_cast<char*>(address);
    }
    std::size_t page_;
    long guard_budget_, guarded_ = 0, unguarded_ = 0;
    std::vector<Stack> free_;  // stacks of ended fibers, ready for the next
    std::vector<std::pair<char*, std::size_t>> mappings_;
    char* slab_ = nullptr;
    std::size_t slab_left_ = 0;
};

struct Fiber {
    std::function<value(value)> body;  // run with the value the fiber is started with (spawn: 0)
    void* sp = nullptr;                // its saved stack pointer while suspended; null until it first runs
    Stack stack;
    value inbox = 0;                   // the value its suspended call returns when it resumes
    bool done = false;
    value result = 0;
    std::vector<Fiber*> joiners;       // fibers suspended in join(this)
#ifdef FIBERLAB_UCONTEXT
    ucontext_t context;
#endif
};

struct Scheduler {
    std::deque<std::pair<Fiber*, value>> ready;  // fibers that can run now, each with the value it resumes with
    std::deque<Fiber> fibers;                    // every fiber of this run (a deque: addresses stay put)
    Fiber* current = nullptr;                    // the fiber running now
    Fiber* ended = nullptr;                      // a fiber that has just ended; the loop takes its stack back
    void* loop_sp = nullptr;                     // the loop's stack pointer while a fiber runs
#ifdef FIBERLAB_UCONTEXT
    ucontext_t loop_context;
#endif
    StackPool stacks;
    value live = 0;                              // fibers made and not ended
    long most_stacks = 0, stacks_out = 0;        // stacks in use at once: most, and now
};

inline Scheduler* active = nullptr;
inline value leftover = 0;  // fibers still suspended when the last run() ended
inline std::vector<std::string> notes;

// -- the one context switch: from (null: the loop) to (null: the loop) ---------------------------------
inline void switch_context(Fiber* from, Fiber* to) {
    Scheduler& s = *active;
#ifdef FIBERLAB_UCONTEXT
    swapcontext(from ? &from->context : &s.loop_context, to ? &to->context : &s.loop_context);
#else
    fiberlab_switch(from ? &from->sp : &s.loop_sp, to ? to->sp : s.loop_sp);
#endif
}

extern "C" [[noreturn]] inline void fiberlab_fiber_start() {
    Scheduler& s = *active;
    Fiber* self = s.current;
    try {
        self->result = self->body(self->inbox);
    } catch (...) {  // it cannot unwind past this frame: the loop rethrows it
        failure = std::current_exception();
    }
    self->body = nullptr;
    self->done = true;
    --s.live;
    for (Fiber* joiner : self->joiners) s.ready.emplace_back(joiner, 0);
    s.ended = self;
    switch_context(self, nullptr);  // -> the loop, which takes our stack back; never resumed
    __builtin_unreachable();
}

// Give a fiber that has not run yet a stack whose first switch lands in fiberlab_fiber_start.
inline void prepare(Fiber* fiber) {
    Scheduler& s = *active;
    fiber->stack = s.stacks.take(stack_bytes);
    s.most_stacks = std::max(s.most_stacks, ++s.stacks_out);
    char* top = fiber->stack.base + fiber->stack.size;  // page aligned, so 16-byte aligned
#ifdef FIBERLAB_UCONTEXT
    getcontext(&fiber->context);
    fiber->context.uc_stack.ss_sp = fiber->stack.base;
    fiber->context.uc_stack.ss_size = fiber->stack.size;
    fiber->context.uc_link = nullptr;
    makecontext(&fiber->context, fiberlab_fiber_start, 0);
    fiber->sp = top;  // only marks it prepared; swapcontext keeps its own copy
#elif defined(__x86_64__)
    void** sp = reinterpret_cast<void**>(top);
    *--sp = nullptr;                                              // the entry's return address: it never returns
    *--sp = reinterpret_cast<void*>(&fiberlab_fiber_start);       // where fiberlab_switch's ret goes
    for (int reg = 0; reg < 6; ++reg) *--sp = nullptr;            // rbp rbx r12 r13 r14 r15
    fiber->sp = sp;
#else  // aarch64: a 160-byte frame of x19..x30 and d8..d15, with x30 (the return address) at 88
    void** sp = reinterpret_cast<void**>(top - 160);
    for (int slot = 0; slot < 20; ++slot) sp[slot] = nullptr;
    sp[11] = reinterpret_cast<void*>(&fiberlab_fiber_start);
    fiber->sp = sp;
#endif
}

// -- the public API, as in fibers/scheduler.py ---------------------------------------------------------

inline Fiber* current() { return active->current; }

// Hand control and `v` straight to `target` (parked, or made by create() and not started);
// return the value this fiber is later resumed with.
inline value switch_to(Fiber* target, value v = 0) {
    Scheduler& s = *active;
    Fiber* self = s.current;
    target->inbox = v;
    s.current = target;
    if (!target->sp) prepare(target);
    switch_context(self, target);  // -> target; back when someone resumes us
    return self->inbox;
}

// Leave the current fiber for the next ready one, or the loop if none is ready.
inline value switch_out() {
    Scheduler& s = *active;
    if (s.ready.empty()) {
        switch_context(s.current, nullptr);  // -> the loop: nothing can run (it reports the deadlock)
        return s.current->inbox;
    }
    auto [next, v] = s.ready.front();
    s.ready.pop_front();
    return switch_to(next, v);
}

inline Fiber* make(std::function<value(value)> body) {
    Scheduler& s = *active;
    Fiber& fiber = s.fibers.emplace_back();
    fiber.body = std::move(body);
    ++s.live;
    return &fiber;
}

// A fiber for body(), queued behind the ready fibers.
inline Fiber* spawn(std::function<value()> body) {
    Fiber* fiber = make([body = std::move(body)](value) { return body(); });
    active->ready.emplace_back(fiber, 0);
    return fiber;
}

// A fiber not queued: it starts at the first switch_to(it, v), as body(v).
inline Fiber* create(std::function<value(value)> body) { return make(std::move(body)); }

inline value park() { return switch_out(); }  // -> next ready fiber; back when someone resumes us

inline void ready(Fiber* fiber, value v = 0) { active->ready.emplace_back(fiber, v); }

inline void yield_() {
    active->ready.emplace_back(active->current, 0);
    switch_out();  // -> next ready fiber; back after the ones queued before us
}

inline value join(Fiber* fiber) {
    if (!fiber->done) {
        fiber->joiners.push_back(active->current);
        switch_out();  // -> next ready fiber; back when `fiber` has ended
    }
    return fiber->result;
}

// What the probe reads of one fiber: its stack in use, reserved, and resident.
inline Unit describe(Fiber* fiber) {
    Unit unit;
    if (!fiber->stack.base) return unit;
    char* top = fiber->stack.base + fiber->stack.size;
    char* sp = fiber == active->current ? static_cast<char*>(__builtin_frame_address(0)) : static_cast<char*>(fiber->sp);
#if defined(FIBERLAB_UCONTEXT) && defined(__x86_64__)
    if (fiber != active->current) sp = reinterpret_cast<char*>(fiber->context.uc_mcontext.gregs[REG_RSP]);
#elif defined(FIBERLAB_UCONTEXT) && defined(__aarch64__)
    if (fiber != active->current) sp = reinterpret_cast<char*>(fiber->context.uc_mcontext.sp);
#endif
    unit.c_stack_bytes = top - sp;
    unit.stack_reserved = static_cast<value>(fiber->stack.size);
    std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> resident(fiber->stack.size / page);
    if (mincore(fiber->stack.base, fiber->stack.size, resident.data()) == 0) {
        value pages = 0;
        for (unsigned char flags : resident) pages += flags & 1;
        unit.stack_touched = pages * static_cast<value>(page);
    }
    return unit;
}

// probe.snapshot(tasks) from the calling fiber: every other fiber in `tasks` is suspended.
inline void snapshot(Probe* probe, const std::vector<Fiber*>& tasks) {
    double started = now_s(), cpu_started = cpu_now_s();
    std::vector<Unit> units;
    for (Fiber* fiber : tasks) units.push_back(describe(fiber));
    probe->snapshot(units, {{"runtime_bytes_per_task", json::num(static_cast<value>(sizeof(Fiber)))}});
    probe->spent_s += now_s() - started;
    probe->spent_cpu_s += cpu_now_s() - cpu_started;
}

// Run main() as the first fiber until it returns; return its result.
inline value run(std::function<value()> main) {
    Scheduler s;
    active = &s;
    Fiber* main_fiber = spawn(std::move(main));
    while (!main_fiber->done) {
        if (s.ready.empty()) throw std::runtime_error("deadlock: the main fiber waits, and nothing can wake it");
        auto [fiber, v] = s.ready.front();
        s.ready.pop_front();
        fiber->inbox = v;
        s.current = fiber;
        if (!fiber->sp) prepare(fiber);
        switch_context(nullptr, fiber);  // -> fiber; back when a fiber ends or none is ready
        if (failure) std::rethrow_exception(failure);
        if (s.ended) {
            s.stacks.give_back(s.ended->stack);
            --s.stacks_out;
            s.ended = nullptr;
        }
    }
    leftover = s.live;
    if (s.stacks.unguarded())
        notes.push_back(std::to_string(s.stacks.unguarded()) + " of " + std::to_string(s.most_stacks) +
                        " fiber stacks had no guard page: vm.max_map_count allows about " +
                        std::to_string(s.stacks.guard_budget()) + " guarded stacks (two mappings each)");
    value result = main_fiber->result;
    active = nullptr;
    return result;
}

}  // namespace fibers

std::string leftovers() {
    return fibers::leftover ? std::to_string(fibers::leftover) + " fibers still suspended" : "";
}

std::vector<std::string> runtime_notes() {
    std::vector<std::string> lines = fibers::notes;
    lines.push_back("fiber stacks: " + std::to_string(fibers::stack_bytes / 1024) + " KiB reserved each" +
#ifdef FIBERLAB_UCONTEXT
                    ", switched by glibc swapcontext (a sigprocmask system call per switch)"
#else
                    ", switched by fiberlab_switch (callee-saved registers and the stack pointer)"
#endif
    );
    return lines;
}

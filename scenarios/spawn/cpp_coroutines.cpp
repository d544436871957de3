// spawn on native C++20 coroutines: every node is a task; a parent joins its children in order.
//
// Read beside coroutines_bare.py: the same lines on native/coroutines.hpp.
// spawn() allocates the node's frame (counted by the promise's operator new)
// and queues it; awaiting join() parks the parent in the child's joiner list
// until the child has ended. A suspended inner node keeps its frame, no stack.
#include "coroutines.hpp"
#include "spawn_watch.hpp"

// MECHANISM = "join via run queue"  (how this file hands control over: the table's mechanism column)

using coroutines::coro;

coro node(value base, value size, value leaves, Watch<coroutines::Task>* watch) {
    if (watch)
        watch->path.push_back(coroutines::current());
    if (size == 1) {
        if (watch) {
            watch->at_first_leaf(leaves);
            coroutines::snapshot(watch->probe, watch->path);
        }
        co_return base;
    }
    std::vector<coroutines::Task*> children;
    for (value child = 0; child < FANOUT; ++child) {
        auto [child_base, child_size] = child_range(base, size, child);
        Watch<coroutines::Task>* child_watch = child == 0 ? watch : nullptr;
        children.push_back(coroutines::spawn(node(child_base, child_size, leaves, child_watch)));
    }
    value sum = 0;
    for (coroutines::Task* child : children)
        sum += co_await coroutines::join(child);  // -> other nodes; back as each child ends
    co_return sum;
}

std::string run(const Params& params, Probe& probe) {
    Watch<coroutines::Task> watch{&probe};
    value sum = coroutines::run(node(0, params["leaves"], params["leaves"], &watch));
    return json::object({{"sum", json::num(sum)}});
}

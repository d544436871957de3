// spawn on native fibers: every node is a fiber; a parent joins its children in order.
//
// Read beside greenlet_fibers.py: the same lines on native/fibers.hpp.
// spawn() makes a fiber and queues it (no stack yet); join() parks the parent
// in the child's joiner list until the child has ended. A suspended inner node
// keeps a whole stack of its own (a few hundred bytes in use, one page touched).
#include "fibers.hpp"
#include "spawn_watch.hpp"

// MECHANISM = "join via run queue"  (how this file hands control over: the table's mechanism column)

value node(value base, value size, value leaves, Watch<fibers::Fiber>* watch) {
    if (watch)
        watch->path.push_back(fibers::current());
    if (size == 1) {
        if (watch) {
            watch->at_first_leaf(leaves);
            fibers::snapshot(watch->probe, watch->path);
        }
        return base;
    }
    std::vector<fibers::Fiber*> children;
    for (value child = 0; child < FANOUT; ++child) {
        auto [child_base, child_size] = child_range(base, size, child);
        Watch<fibers::Fiber>* child_watch = child == 0 ? watch : nullptr;
        children.push_back(fibers::spawn([=] { return node(child_base, child_size, leaves, child_watch); }));
    }
    value sum = 0;
    for (fibers::Fiber* child : children)
        sum += fibers::join(child);  // -> other nodes; back as each child ends
    return sum;
}

std::string run(const Params& params, Probe& probe) {
    Watch<fibers::Fiber> watch{&probe};
    value sum = fibers::run([&] { return node(0, params["leaves"], params["leaves"], &watch); });
    return json::object({{"sum", json::num(sum)}});
}
